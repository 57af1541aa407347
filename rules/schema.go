package rules

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/swarmlint/swarmlint/docs"
)

// Custom rules are type-checked against the model's JSON Schema, so that a
// rule reading a field the model does not have (input.servicez,
// network.encryption) does not load, with file:line, instead of silently
// finding nothing.
//
// OPA's type checker reads JSON Schema objects with `properties` as typed
// objects, but an object with only `additionalProperties` — the model's
// collections keyed by id (services, networks, label_refs, flags, ...) —
// as object[any: any], so nothing below them would be checked. For the
// check, such maps whose values are objects or arrays are given to OPA as
// arrays of their values: iterating them (some service in input.services,
// input.services[_]) then types each element. Only errors about a field
// that does not exist are kept: the array stand-in also makes string keys
// look wrong (input.services[id]), which is not an error in the model.
// Nullable objects ("X or null") are checked as X. A field read after a
// constant key of a keyed map (flags.driver, label_refs.tier) is not
// checked.

var (
	checkSchemaOnce sync.Once
	checkSchema     any
	checkSchemaErr  error
)

// inputCheckSchema is the model's schema with keyed maps of structures
// turned into arrays (see above), decoded once.
func inputCheckSchema() (any, error) {
	checkSchemaOnce.Do(func() {
		var s any
		if checkSchemaErr = json.Unmarshal(docs.InputSchema, &s); checkSchemaErr != nil {
			return
		}
		checkSchema = mapsAsArrays(s)
	})
	return checkSchema, checkSchemaErr
}

func mapsAsArrays(x any) any {
	switch v := x.(type) {
	case map[string]any:
		if alts, ok := v["anyOf"].([]any); ok && len(alts) == 2 {
			// "X or null": OPA cannot look into the union, so check X.
			for i, alt := range alts {
				if m, ok := alt.(map[string]any); ok && m["type"] == "null" {
					return mapsAsArrays(alts[1-i])
				}
			}
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = mapsAsArrays(e)
		}
		if ap, ok := v["additionalProperties"].(map[string]any); ok {
			if _, isRef := ap["$ref"]; isRef || ap["type"] == "array" || ap["type"] == "object" {
				arr := map[string]any{"type": "array", "items": mapsAsArrays(ap)}
				if d, ok := v["description"]; ok {
					arr["description"] = d
				}
				return arr
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = mapsAsArrays(e)
		}
		return out
	}
	return x
}

// checkInputRefs type-checks the custom modules (with every other module
// they may use) against the model's schema and returns the errors about
// fields the model does not have, in custom files only.
func checkInputRefs(mods map[string]*ast.Module, custom map[string]bool) (ast.Errors, error) {
	if len(custom) == 0 {
		return nil, nil
	}
	schema, err := inputCheckSchema()
	if err != nil {
		return nil, fmt.Errorf("the model's schema: %w", err)
	}
	ss := ast.NewSchemaSet()
	ss.Put(ast.SchemaRootRef, schema)
	copies := make(map[string]*ast.Module, len(mods))
	for f, m := range mods {
		copies[f] = m.Copy()
	}
	// No error limit: the built-ins give the array stand-ins errors of
	// their own (input.services[id] with a string id), and OPA's default
	// limit of 10 would drop the errors of every custom file that sorts
	// after policies/ — policy/, the directory new-rule writes to.
	comp := NewCompiler(false).WithSchemas(ss).SetErrorLimit(0)
	comp.Compile(copies)
	var out ast.Errors
	seen := map[string]bool{}
	for _, e := range comp.Errors {
		if e.Code != ast.TypeErr || e.Location == nil || !custom[e.Location.File] {
			continue
		}
		d, ok := e.Details.(*ast.RefErrInvalidDetail)
		if !ok || d.Have != nil || missingKeyOfMap(d) {
			continue
		}
		k := fmt.Sprintf("%s:%d:%d", e.Location.File, e.Location.Row, e.Location.Col)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, ast.NewError(ast.TypeErr, e.Location, "%s", undefinedFieldMessage(d)))
	}
	return out, nil
}

// missingKeyOfMap reports whether the error is a constant key into one of
// the array stand-ins for a keyed map (input.services["shop_web"]): fine in
// the model.
func missingKeyOfMap(d *ast.RefErrInvalidDetail) bool {
	if d.Pos >= len(d.Ref) {
		return false
	}
	_, isString := d.Ref[d.Pos].Value.(ast.String)
	return isString && d.Want != nil && types.Compare(d.Want, types.N) == 0
}

// undefinedFieldMessage says which field is not in the model, and which
// ones are.
func undefinedFieldMessage(d *ast.RefErrInvalidDetail) string {
	field := d.Ref[d.Pos].String()
	if s, ok := d.Ref[d.Pos].Value.(ast.String); ok {
		field = string(s)
	}
	msg := fmt.Sprintf("%s: the model has no field %q here (docs/model.md lists the input)", d.Ref[:d.Pos+1], field)
	if len(d.OneOf) > 0 {
		var names []string
		for _, v := range d.OneOf {
			if s, ok := v.(ast.String); ok {
				names = append(names, string(s))
			} else {
				names = append(names, v.String())
			}
		}
		msg += "; it has: " + strings.Join(names, ", ")
	}
	return msg
}
