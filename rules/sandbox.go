package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// JSON Schema references: OPA's json.match_schema and json.verify_schema
// follow a schema's `$ref` (resolved against `$id`), and a file:// URL is
// read from the local disk whatever the capabilities say — a rule could
// learn whether a file exists, its first byte, its JSON content. The
// sandbox therefore removes both built-ins (forbiddenBuiltins), and a
// schema written in METADATA (`schemas:`), which OPA's type checker loads
// while compiling, may only refer to itself: every `$ref` is a fragment
// ("#/$defs/x"), and `$id`, `id` and `$schema` are fragments or http(s) or
// urn: names (remote fetches are refused by the empty allow_net).

// errSchemaRef is wrapped by schemaRefs' errors.
var errSchemaRef = errors.New("swarmlint allows only references inside the schema itself (\"$ref\": \"#/...\")")

// schemaRefs walks a decoded schema for references that leave it.
func schemaRefs(doc any) error {
	switch x := doc.(type) {
	case map[string]any:
		for k, e := range x {
			s, isString := e.(string)
			switch {
			case k == "$ref" && isString && !strings.HasPrefix(s, "#"):
				return fmt.Errorf("schema reference %q: %w", s, errSchemaRef)
			case (k == "$id" || k == "id" || k == "$schema" || k == "$dynamicRef" || k == "$recursiveRef") && isString && !namesNoFile(s):
				return fmt.Errorf("schema %s %q: %w", k, s, errSchemaRef)
			}
			if err := schemaRefs(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := schemaRefs(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// namesNoFile reports whether an $id or $schema cannot be resolved to a
// local file: a fragment, or an http(s) or urn: name.
func namesNoFile(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(l, "#") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "urn:")
}

// checkSchemaAnnotations refuses METADATA schemas (`schemas:` with an
// inline definition) of custom modules that refer outside themselves:
// OPA's type checker would read a file:// reference while compiling.
func checkSchemaAnnotations(mods map[string]*ast.Module, custom map[string]bool) ast.Errors {
	var errs ast.Errors
	for _, file := range sortedKeys(mods) {
		if !custom[file] {
			continue
		}
		for _, a := range mods[file].Annotations {
			for _, s := range a.Schemas {
				if s == nil || s.Definition == nil {
					continue
				}
				if err := schemaRefs(*s.Definition); err != nil {
					loc := a.Location
					errs = append(errs, ast.NewError(ast.CompileErr, loc, "METADATA schemas: %v", err))
				}
			}
		}
	}
	return errs
}

// CapabilitiesJSON is Capabilities as OPA's capabilities file
// (`opa capabilities`, read by `opa check --capabilities FILE`): the
// built-ins a swarmlint policy may call, the features of this OPA version,
// and an explicit empty allow_net. OPA's Capabilities type drops an empty
// allow_net when marshalled, and a file without the key allows every host.
func CapabilitiesJSON() ([]byte, error) {
	b, err := json.Marshal(Capabilities())
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	doc["allow_net"] = json.RawMessage("[]")
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// LibraryFiles returns swarmlint's Rego libraries (data.swarmlint.lib.*,
// without their tests) by file name, as `swarmlint lib` writes them for
// plain OPA tooling: a custom rule that imports data.swarmlint.lib.result
// needs them beside it under `opa test` and `opa eval`.
func LibraryFiles() (map[string][]byte, error) {
	mods, err := BuiltinModules()
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, m := range mods {
		if dir, name := path.Split(m.File); dir == "policies/lib/" && !IsTestFile(name) {
			out[name] = m.Source
		}
	}
	return out, nil
}
