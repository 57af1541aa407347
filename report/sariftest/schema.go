// Package sariftest checks SARIF logs written by swarmlint in tests: schema
// validity against the OASIS SARIF 2.1.0 schema kept in shared/schemas, and
// the GitHub-specific checks of docs/sarif.md §5.3 the schema cannot express.
package sariftest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaRelPath is where the schema is looked for, relative to a directory
// that is the working directory or one of its ancestors, or their parent.
const SchemaRelPath = "shared/schemas/sarif-schema-2.1.0.json"

var schemaCache struct {
	once sync.Once
	sch  *jsonschema.Schema
	path string
	err  error
}

// FindSchema walks up from the working directory and returns the first
// <dir>/shared/schemas/... or <dir>/../shared/schemas/... that exists. The
// schema is not copied into the repository: shared data stays in shared/.
func FindSchema() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		for _, p := range []string{filepath.Join(dir, SchemaRelPath), filepath.Join(dir, "..", SchemaRelPath)} {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return filepath.Clean(p), nil
			}
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("sariftest: %s not found in %s or any ancestor (or an ancestor's parent); "+
				"the SARIF schema must stay in the shared checkout next to the repository", SchemaRelPath, wd)
		}
	}
}

// Schema returns the compiled SARIF 2.1.0 schema (compiled once per process,
// with format assertions on) and the path it was read from.
func Schema() (*jsonschema.Schema, string, error) {
	c := &schemaCache
	c.once.Do(func() {
		c.path, c.err = FindSchema()
		if c.err != nil {
			return
		}
		raw, err := os.ReadFile(c.path)
		if err != nil {
			c.err = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			c.err = fmt.Errorf("sariftest: parse %s: %w", c.path, err)
			return
		}
		comp := jsonschema.NewCompiler()
		comp.AssertFormat()
		url := "file:///sarif-schema-2.1.0.json"
		if err := comp.AddResource(url, doc); err != nil {
			c.err = err
			return
		}
		if c.sch, err = comp.Compile(url); err != nil {
			c.err = fmt.Errorf("sariftest: compile %s: %w", c.path, err)
		}
	})
	return c.sch, c.path, c.err
}

// validateSchema validates log against the SARIF schema.
func validateSchema(log []byte) error {
	sch, path, err := Schema()
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	if err != nil {
		return fmt.Errorf("log is not JSON: %w", err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("log is not valid against %s:\n%v", path, err)
	}
	return nil
}
