package rules

import (
	"encoding/json"
	"fmt"
	"slices"
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
//
// A string key into one of the array stand-ins (input.networks[a.network],
// input.services["shop_web"]) is an error to OPA ("want number") after
// which it checks nothing further down the ref. Each such key is therefore
// replaced by a wildcard in a fresh copy of the module and the modules are
// checked again, so that input.networks[a.network].encryption is checked
// down to encryption; a few rounds cover keyed maps below keyed maps.
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
	keys := map[keyAt]bool{}           // string keys into stand-ins, made wildcards
	written := map[ast.Var]*ast.Term{} // each wildcard's key as written, for messages
	var out ast.Errors
	for round := 0; round < 4; round++ {
		copies := make(map[string]*ast.Module, len(mods))
		for f, m := range mods {
			copies[f] = m.Copy()
			if custom[f] {
				wildcardKeys(copies[f], keys, written)
			}
		}
		// No error limit: the built-ins give the array stand-ins errors of
		// their own (input.services[id] with a string id), and OPA's default
		// limit of 10 would drop the errors of every custom file that sorts
		// after policies/ — policy/, the directory new-rule writes to. Not
		// strict: a variable whose only use became a wildcard is fine here
		// (the real compile is strict).
		comp := NewCompiler(false).WithStrict(false).WithSchemas(ss).SetErrorLimit(0)
		comp.Compile(copies)
		if round > 0 && slices.ContainsFunc(comp.Errors, func(e *ast.Error) bool { return e.Code != ast.TypeErr }) {
			// A wildcard made a module invalid (the compile stopped before
			// the type check): keep the last complete check.
			break
		}
		out = nil
		added := false
		seen := map[string]bool{}
		for _, e := range comp.Errors {
			if e.Code != ast.TypeErr || e.Location == nil || !custom[e.Location.File] {
				continue
			}
			d, ok := e.Details.(*ast.RefErrInvalidDetail)
			if !ok {
				continue
			}
			if stringKeyOfMap(d) {
				k := keyAt{file: e.Location.File, row: e.Location.Row, col: e.Location.Col, pos: d.Pos, n: len(d.Ref)}
				if !keys[k] {
					keys[k] = true
					added = true
				}
				continue
			}
			if d.Have != nil {
				continue
			}
			k := fmt.Sprintf("%s:%d:%d", e.Location.File, e.Location.Row, e.Location.Col)
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, ast.NewError(ast.TypeErr, e.Location, "%s", undefinedFieldMessage(d, written)))
		}
		if !added {
			break
		}
	}
	return out, nil
}

// keyAt is the key at position pos of the ref of n terms that starts at
// file:row:col.
type keyAt struct {
	file          string
	row, col, pos int
	n             int
}

// wildcardKeys replaces the keys of m at keys by fresh wildcards, except
// in negated expressions, where a wildcard would be unsafe, and records in
// written the key each wildcard stands for.
func wildcardKeys(m *ast.Module, keys map[keyAt]bool, written map[ast.Var]*ast.Term) {
	ast.WalkExprs(m, func(e *ast.Expr) bool {
		if e.Negated {
			return true
		}
		ast.WalkTerms(e, func(t *ast.Term) bool {
			switch t.Value.(type) {
			case *ast.ArrayComprehension, *ast.SetComprehension, *ast.ObjectComprehension:
				return true // their expressions are visited by WalkExprs
			}
			ref, ok := t.Value.(ast.Ref)
			if !ok || t.Location == nil {
				return false
			}
			for pos := 1; pos < len(ref); pos++ {
				if keys[keyAt{file: t.Location.File, row: t.Location.Row, col: t.Location.Col, pos: pos, n: len(ref)}] {
					v := ast.Var(fmt.Sprintf("%sswl%d", ast.WildcardPrefix, len(written)))
					written[v] = ref[pos]
					ref[pos] = ast.NewTerm(v)
				}
			}
			return false
		})
		return false
	})
}

// stringKeyOfMap reports whether the error is a string key (a constant, or
// a value of type string) into one of the array stand-ins for a keyed map:
// input.services["shop_web"], input.networks[attachment.network]. Fine in
// the model.
func stringKeyOfMap(d *ast.RefErrInvalidDetail) bool {
	if d.Pos >= len(d.Ref) || d.Want == nil || types.Compare(d.Want, types.N) != 0 {
		return false
	}
	if _, isString := d.Ref[d.Pos].Value.(ast.String); isString {
		return true
	}
	return d.Have != nil && types.Compare(d.Have, types.S) == 0
}

// undefinedFieldMessage says which field is not in the model, and which
// ones are.
func undefinedFieldMessage(d *ast.RefErrInvalidDetail, written map[ast.Var]*ast.Term) string {
	field := d.Ref[d.Pos].String()
	if s, ok := d.Ref[d.Pos].Value.(ast.String); ok {
		field = string(s)
	}
	ref := d.Ref[:d.Pos+1].Copy()
	for i, t := range ref {
		if v, ok := t.Value.(ast.Var); ok && written[v] != nil {
			ref[i] = written[v]
		}
	}
	msg := fmt.Sprintf("%s: the model has no field %q here (docs/model.md lists the input)", ref, field)
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
