package main

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/swarmlint/swarmlint/analyzer"
)

// SchemaID is the $id of docs/input.schema.json.
const SchemaID = "https://github.com/swarmlint/swarmlint/blob/main/docs/input.schema.json"

// overrides refine what reflection cannot know, by "Type.json_name": the
// replacement schema and its Markdown type.
var overrides = map[string]struct {
	schema obj
	md     string
}{
	"Ref.path": {obj{{"type", "array"}, {"items", obj{{"type", []string{"string", "integer"}}}}},
		"array of string (a key) or integer (a list index)"},
	"Model.schema_version": {obj{{"type", "integer"}, {"const", analyzer.SchemaVersion}},
		fmt.Sprintf("integer, always %d", analyzer.SchemaVersion)},
}

// obj is a JSON object that keeps its keys in order.
type obj []kv

type kv struct {
	k string
	v any
}

// MarshalJSON writes the keys in order.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o obj) get(k string) (any, bool) {
	for _, e := range o {
		if e.k == k {
			return e.v, true
		}
	}
	return nil, false
}

// def is one struct type of the model: a $defs entry and a docs section.
type def struct {
	name   string
	t      reflect.Type
	doc    string
	fields []field
}

type field struct {
	goName, name string
	optional     bool
	doc          string
	schema       obj
	md           string
}

// Schema is the model's shape, ready to be written as JSON Schema or Markdown.
type Schema struct {
	defs []*def
}

type generator struct {
	root, module string
	defs         []*def
	byType       map[reflect.Type]*def
	docs         map[string]*pkgDocs
}

type pkgDocs struct {
	types  map[string]string
	fields map[string]string // Type.Field
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func buildSchema(root string) (*Schema, error) {
	mod, err := modulePath(root)
	if err != nil {
		return nil, err
	}
	g := &generator{root: root, module: mod, byType: map[reflect.Type]*def{}, docs: map[string]*pkgDocs{}}
	if _, err := g.structRef(reflect.TypeFor[analyzer.Model]()); err != nil {
		return nil, err
	}
	// Fields are filled breadth-first, so sections follow the model from the top.
	for i := 0; i < len(g.defs); i++ {
		if err := g.fill(g.defs[i]); err != nil {
			return nil, err
		}
	}
	return &Schema{defs: g.defs}, nil
}

func modulePath(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("go.mod has no module line")
	}
	return string(m[1]), nil
}

// structRef registers a struct type and returns its $ref.
func (g *generator) structRef(t reflect.Type) (*def, error) {
	if d, ok := g.byType[t]; ok {
		return d, nil
	}
	name := t.Name()
	if name == "" {
		return nil, fmt.Errorf("anonymous struct types are not supported in the model (give the type a name)")
	}
	for _, d := range g.defs {
		if d.name == name {
			name = pkgName(t) + name
			break
		}
	}
	d := &def{name: name, t: t}
	docs, err := g.pkgDocs(t.PkgPath())
	if err != nil {
		return nil, err
	}
	d.doc = docs.types[t.Name()]
	g.byType[t] = d
	g.defs = append(g.defs, d)
	return d, nil
}

func pkgName(t reflect.Type) string {
	p := t.PkgPath()
	p = p[strings.LastIndex(p, "/")+1:]
	return strings.ToUpper(p[:1]) + p[1:]
}

func (g *generator) fill(d *def) error {
	fields, err := g.fields(d.t, d.name)
	if err != nil {
		return err
	}
	d.fields = fields
	return nil
}

// fields lists the JSON fields of a struct, as encoding/json writes them
// (embedded structs without a tag are flattened).
func (g *generator) fields(t reflect.Type, defName string) ([]field, error) {
	docs, err := g.pkgDocs(t.PkgPath())
	if err != nil {
		return nil, err
	}
	var out []field
	for sf := range t.Fields() {
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				inner, err := g.fields(et, defName)
				if err != nil {
					return nil, err
				}
				out = append(out, inner...)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := field{goName: sf.Name, name: name, doc: fieldDoc(docs, t, sf.Name, name)}
		optNames := strings.Split(opts, ",")
		f.optional = contains(optNames, "omitempty") || contains(optNames, "omitzero")
		if o, ok := overrides[defName+"."+name]; ok {
			f.schema, f.md = o.schema, o.md
		} else {
			s, md, err := g.typeOf(sf.Type, f.optional)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", t, sf.Name, err)
			}
			if contains(optNames, "string") {
				s, md = obj{{"type", "string"}}, "string"
			}
			f.schema, f.md = s, md
		}
		if f.doc != "" {
			f.schema = append(append(obj{}, f.schema...), kv{"description", f.doc})
		}
		out = append(out, f)
	}
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, e := range xs {
		if e == x {
			return true
		}
	}
	return false
}

// typeOf returns the schema and the Markdown type of t. omitted is true for
// an omitempty field: nil values are left out instead of written as null.
func (g *generator) typeOf(t reflect.Type, omitted bool) (obj, string, error) {
	orNull := func(s obj, md string) (obj, string) {
		if omitted {
			return s, md
		}
		return nullable(s), md + " or null"
	}
	if t == timeType {
		return obj{{"type", "string"}, {"format", "date-time"}}, "string (RFC 3339 time)", nil
	}
	if t.Kind() == reflect.Pointer {
		s, md, err := g.typeOf(t.Elem(), false)
		if err != nil {
			return nil, "", err
		}
		s, md = orNull(s, md)
		return s, md, nil
	}
	if t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType) {
		return nil, "", fmt.Errorf("type %s has its own MarshalJSON, whose output reflection cannot see; teach internal/schemagen its shape", t)
	}
	if t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
		return obj{{"type", "string"}}, "string", nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return obj{{"type", "boolean"}}, "boolean", nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return obj{{"type", "integer"}}, "integer", nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return obj{{"type", "integer"}, {"minimum", 0}}, "integer ≥ 0", nil
	case reflect.Float32, reflect.Float64:
		return obj{{"type", "number"}}, "number", nil
	case reflect.String:
		return obj{{"type", "string"}}, "string", nil
	case reflect.Interface:
		return obj{}, "any", nil
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return obj{{"type", "string"}, {"contentEncoding", "base64"}}, "string (base64)", nil
		}
		items, md, err := g.element(t.Elem())
		if err != nil {
			return nil, "", err
		}
		// The model builder writes empty arrays and objects, never null: a
		// rule can count() them without a guard. The fixture test holds the
		// builder to it.
		return obj{{"type", "array"}, {"items", items}}, "array of " + md, nil
	case reflect.Map:
		k := t.Key()
		if k.Kind() != reflect.String && !k.Implements(textMarshalerType) && !isInt(k) {
			return nil, "", fmt.Errorf("map key type %s is not written as a JSON object key", k)
		}
		vals, md, err := g.element(t.Elem())
		if err != nil {
			return nil, "", err
		}
		return obj{{"type", "object"}, {"additionalProperties", vals}}, "object: string → " + md, nil
	case reflect.Struct:
		d, err := g.structRef(t)
		if err != nil {
			return nil, "", err
		}
		return obj{{"$ref", "#/$defs/" + d.name}}, fmt.Sprintf("[%s](#%s)", d.name, strings.ToLower(d.name)), nil
	}
	return nil, "", fmt.Errorf("type %s (%s) cannot be written as JSON", t, t.Kind())
}

// element is the schema of an array item or object value: the builder
// never stores nil pointers in a collection, so they are not null.
func (g *generator) element(t reflect.Type) (obj, string, error) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return g.typeOf(t, false)
}

func isInt(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// nullable lets s also be null.
func nullable(s obj) obj {
	if len(s) == 0 {
		return s // any: null included
	}
	if _, ok := s.get("$ref"); ok {
		return obj{{"anyOf", []any{s, obj{{"type", "null"}}}}}
	}
	out := obj{}
	for _, e := range s {
		if e.k == "type" {
			switch t := e.v.(type) {
			case string:
				e.v = []string{t, "null"}
			case []string:
				if !contains(t, "null") {
					e.v = append(append([]string{}, t...), "null")
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// pkgDocs reads the doc comments of a package of this module from source.
// Types from other modules have none.
func (g *generator) pkgDocs(pkgPath string) (*pkgDocs, error) {
	if d, ok := g.docs[pkgPath]; ok {
		return d, nil
	}
	d := &pkgDocs{types: map[string]string{}, fields: map[string]string{}}
	g.docs[pkgPath] = d
	rel, ok := strings.CutPrefix(pkgPath, g.module)
	if !ok {
		return d, nil
	}
	dir := filepath.Join(g.root, filepath.FromSlash(strings.TrimPrefix(rel, "/")))
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				d.types[ts.Name.Name] = commentText(doc)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				last := "" // the latest field doc, for fields documented as a group
				for _, fl := range st.Fields.List {
					text := strings.TrimSpace(commentText(fl.Doc) + " " + commentText(fl.Comment))
					names := fl.Names
					if len(names) == 0 { // embedded
						continue
					}
					for _, n := range names {
						t := text
						if t == "" && mentions(last, n.Name) {
							t = last // "Line, Col, EndLine and EndCol are ..."
						}
						d.fields[ts.Name.Name+"."+n.Name] = t
					}
					if text != "" {
						last = text
					}
				}
			}
		}
	}
	return d, nil
}

// mentions reports whether doc names the Go identifier name as a word.
func mentions(doc, name string) bool {
	return doc != "" && regexp.MustCompile(`\b`+regexp.QuoteMeta(name)+`\b`).MatchString(doc)
}

// commentText joins a comment group into one paragraph.
func commentText(c *ast.CommentGroup) string {
	if c == nil {
		return ""
	}
	return strings.Join(strings.Fields(c.Text()), " ")
}

// JSON returns the JSON Schema (draft 2020-12) of the model.
func (s *Schema) JSON() ([]byte, error) {
	defs := obj{}
	for _, d := range s.defs {
		props := obj{}
		required := []string{}
		for _, f := range d.fields {
			props = append(props, kv{f.name, f.schema})
			if !f.optional {
				required = append(required, f.name)
			}
		}
		o := obj{{"type", "object"}}
		if d.doc != "" {
			o = append(o, kv{"description", d.doc})
		}
		o = append(o, kv{"properties", props}, kv{"required", required}, kv{"additionalProperties", false})
		defs = append(defs, kv{d.name, o})
	}
	root := obj{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"$id", SchemaID},
		{"title", "swarmlint input: the network model"},
		{"description", fmt.Sprintf("The JSON form of analyzer.Model, schema_version %d: the Rego `input` of every swarmlint rule (see docs/model.md). Generated from the Go types by internal/schemagen; do not edit.", analyzer.SchemaVersion)},
		{"$ref", "#/$defs/Model"},
		{"$defs", defs},
	}
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Fields lists every field of the model as GoType.GoField.
func (s *Schema) Fields() []string {
	var out []string
	for _, d := range s.defs {
		for _, f := range d.fields {
			out = append(out, d.t.Name()+"."+f.goName)
		}
	}
	return out
}

// Undocumented lists the fields without a description, as Type.Field.
func (s *Schema) Undocumented() []string {
	var out []string
	for _, d := range s.defs {
		for _, f := range d.fields {
			if f.doc == "" {
				out = append(out, d.name+"."+f.goName)
			}
		}
	}
	return out
}

// Markdown returns the field reference: one section per type, in the order
// the model reaches them, with one table row per field.
func (s *Schema) Markdown() []byte {
	var b bytes.Buffer
	for i, d := range s.defs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "### %s\n\n", d.name)
		if d.doc != "" {
			fmt.Fprintf(&b, "%s\n\n", d.doc)
		}
		b.WriteString("| field | type | description |\n|---|---|---|\n")
		for _, f := range d.fields {
			typ := f.md
			if f.optional {
				typ += ", omitted when empty"
			}
			doc := f.doc
			if doc == "" {
				doc = "—"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.name, cell(typ), cell(doc))
		}
	}
	return b.Bytes()
}

// cell escapes text for a Markdown table cell: pipes everywhere, and
// angle brackets outside code spans (so <stack>_<key> is not taken for HTML).
func cell(s string) string {
	parts := strings.Split(s, "`")
	for i := range parts {
		if i%2 == 0 {
			parts[i] = strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(parts[i])
		}
	}
	return strings.ReplaceAll(strings.Join(parts, "`"), "|", `\|`)
}

// Markers around the generated section of docs/model.md.
const (
	beginMarker = "<!-- BEGIN GENERATED by internal/schemagen: do not edit below -->"
	endMarker   = "<!-- END GENERATED -->"
)

// spliceGenerated replaces the text between the markers in doc.
func spliceGenerated(doc, generated []byte) ([]byte, error) {
	i := bytes.Index(doc, []byte(beginMarker))
	j := bytes.Index(doc, []byte(endMarker))
	if i < 0 || j < i {
		return nil, fmt.Errorf("the markers %q and %q are missing", beginMarker, endMarker)
	}
	var b bytes.Buffer
	b.Write(doc[:i+len(beginMarker)])
	b.WriteString("\n\n")
	b.Write(generated)
	b.WriteString("\n")
	b.Write(doc[j:])
	return b.Bytes(), nil
}
