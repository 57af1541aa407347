package rules

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// InputValue converts x, a Go value with JSON tags such as the analyzer's
// model, into the Rego value ast.InterfaceToValue gives for it (the value
// of x's JSON form), without the JSON round trip: that round trip and the
// separate copies of every key it leaves behind made the conversion of a
// 10,000-service model take half a second and 180 MB. Here struct fields
// are read by reflection, and equal strings, object keys included, share one
// term, and so do empty arrays and objects (OPA's own interned terms: the
// input is never changed, and a 10,000-service model has 240,000 of them).
// Values the fast path does not handle (custom JSON or text
// marshalers, embedded structs, unusual tags or map keys) are converted by
// ast.InterfaceToValue, so the result is always the same.
func InputValue(x any) (ast.Value, error) {
	c := &converter{strs: map[string]*ast.Term{}}
	t, err := c.term(reflect.ValueOf(x), false)
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

type converter struct {
	strs map[string]*ast.Term
}

// maxShared bounds the length of the strings that are shared: longer ones
// are rarely repeated and would only grow the table.
const maxShared = 128

func (c *converter) str(s string) *ast.Term {
	if len(s) > maxShared {
		return ast.StringTerm(jsonString(s))
	}
	if t, ok := c.strs[s]; ok {
		return t
	}
	t := ast.StringTerm(jsonString(s))
	c.strs[s] = t
	return t
}

// jsonString is s as it comes back from JSON: each invalid UTF-8 byte
// replaced with U+FFFD, as encoding/json does.
func jsonString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

var selfMarshaling sync.Map // reflect.Type -> bool

// marshalsItself reports whether t marshals itself, so only encoding/json knows its form.
func marshalsItself(t reflect.Type) bool {
	if m, ok := selfMarshaling.Load(t); ok {
		return m.(bool)
	}
	m := t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler)
	selfMarshaling.Store(t, m)
	return m
}

// jsonValue converts v as ast.InterfaceToValue converts a value it does
// not know natively: through its JSON form. A pointer-receiver marshaler is
// used when v is addressable, as it is inside the value being converted.
func jsonValue(v reflect.Value) (*ast.Term, error) {
	x := v.Interface()
	if v.CanAddr() {
		x = v.Addr().Interface()
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	val, err := ast.ValueFromReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(val), nil
}

// term converts v. Until viaJSON, v is converted as ast.InterfaceToValue
// converts its native types ([]any, map[string]any, strings, numbers, ...);
// any other value switches to its JSON form for good, as InterfaceToValue's
// round trip does.
func (c *converter) term(v reflect.Value, viaJSON bool) (*ast.Term, error) {
	if !v.IsValid() {
		return ast.NullTerm(), nil
	}
	if !viaJSON {
		switch x := v.Interface().(type) {
		case ast.Value, nil, bool, json.Number, int, int64, uint64, float64, string, []string, map[string]string:
			val, err := ast.InterfaceToValue(x)
			if err != nil {
				return nil, err
			}
			return ast.NewTerm(val), nil
		case []any:
			terms := make([]*ast.Term, len(x))
			for i, e := range x {
				t, err := c.term(reflect.ValueOf(e), false)
				if err != nil {
					return nil, err
				}
				terms[i] = t
			}
			return ast.ArrayTerm(terms...), nil
		case map[string]any:
			kvs := make([][2]*ast.Term, 0, len(x))
			for k, e := range x {
				t, err := c.term(reflect.ValueOf(e), false)
				if err != nil {
					return nil, err
				}
				kvs = append(kvs, [2]*ast.Term{ast.StringTerm(k), t})
			}
			return ast.ObjectTerm(kvs...), nil
		}
		// The round trip marshals the value behind any pointers, as a copy
		// (util.Reference): it is not addressable.
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return ast.NullTerm(), nil
			}
			v = reflect.ValueOf(v.Elem().Interface())
		}
	}
	if marshalsItself(v.Type()) {
		return jsonValue(v)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		return c.term(v.Elem(), true)
	case reflect.String:
		return c.str(v.String()), nil
	case reflect.Bool:
		return ast.InternedTerm(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.InternedTerm(int(v.Int())), nil
	case reflect.Slice:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return jsonValue(v) // base64 text
		}
		fallthrough
	case reflect.Array:
		if v.Len() == 0 {
			return ast.InternedEmptyArray, nil
		}
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			t, err := c.term(v.Index(i), true)
			if err != nil {
				return nil, err
			}
			terms[i] = t
		}
		return ast.ArrayTerm(terms...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return jsonValue(v)
		}
		if v.Len() == 0 {
			return ast.InternedEmptyObject, nil
		}
		kvs := make([][2]*ast.Term, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			val, err := c.term(it.Value(), true)
			if err != nil {
				return nil, err
			}
			kvs = append(kvs, [2]*ast.Term{c.str(it.Key().String()), val})
		}
		return ast.ObjectTerm(kvs...), nil
	case reflect.Struct:
		fields, ok := structFields(v.Type())
		if !ok {
			return jsonValue(v)
		}
		kvs := make([][2]*ast.Term, 0, len(fields))
		for _, f := range fields {
			fv := v.Field(f.index)
			if f.omitEmpty && emptyValue(fv) {
				continue
			}
			val, err := c.term(fv, true)
			if err != nil {
				return nil, err
			}
			kvs = append(kvs, [2]*ast.Term{f.key, val})
		}
		if len(kvs) == 0 {
			return ast.InternedEmptyObject, nil
		}
		return ast.ObjectTerm(kvs...), nil
	}
	return jsonValue(v) // unsigned and floating-point numbers: encoding/json's text is the reference
}

// emptyValue is encoding/json's test for omitempty.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

type structField struct {
	key       *ast.Term // the JSON name, shared by every conversion
	index     int
	omitEmpty bool
}

var fieldCache sync.Map // reflect.Type -> []structField, or nil when the fast path does not apply

// structFields lists the JSON fields of a struct type; ok is false for
// structs whose JSON form takes more of encoding/json's rules than plain
// tags (embedded fields, ",string", ",omitzero", duplicate names).
func structFields(t reflect.Type) ([]structField, bool) {
	if f, ok := fieldCache.Load(t); ok {
		fs := f.([]structField)
		return fs, fs != nil
	}
	var fs []structField
	seen := map[string]bool{}
	ok := true
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			ok = false
			break
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		omit := false
		for opt := range strings.SplitSeq(opts, ",") {
			switch opt {
			case "":
			case "omitempty":
				omit = true
			default:
				ok = false
			}
		}
		if !ok || seen[name] || !validTagName(name) {
			ok = false
			break
		}
		seen[name] = true
		fs = append(fs, structField{key: ast.StringTerm(name), index: i, omitEmpty: omit})
	}
	if !ok {
		fs = nil
	} else if fs == nil {
		fs = []structField{}
	}
	fieldCache.Store(t, fs)
	return fs, ok
}

// validTagName accepts the tag names encoding/json uses as given (it falls
// back to the Go field name for others).
func validTagName(s string) bool {
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return s != ""
}
