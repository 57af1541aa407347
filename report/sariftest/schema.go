// Package sariftest checks SARIF logs written by swarmlint in tests: schema
// validity against the OASIS SARIF 2.1.0 schema kept in testdata/ (see
// testdata/README.md for its source and notice), and the checks GitHub code
// scanning makes on upload that the schema cannot express.
package sariftest

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaPath is the schema's path inside this package, for messages.
const SchemaPath = "report/sariftest/testdata/sarif-schema-2.1.0.json"

// schemaJSON is the OASIS SARIF 2.1.0 schema (Errata 01), unmodified. It is
// embedded so a test validates the same bytes whatever its working directory.
//
//go:embed testdata/sarif-schema-2.1.0.json
var schemaJSON []byte

var schemaCache struct {
	once sync.Once
	sch  *jsonschema.Schema
	err  error
}

// Schema returns the compiled SARIF 2.1.0 schema (compiled once per process,
// with format assertions on) and the path it comes from.
func Schema() (*jsonschema.Schema, string, error) {
	c := &schemaCache
	c.once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
		if err != nil {
			c.err = fmt.Errorf("sariftest: parse %s: %w", SchemaPath, err)
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
			c.err = fmt.Errorf("sariftest: compile %s: %w", SchemaPath, err)
		}
	})
	return c.sch, SchemaPath, c.err
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
