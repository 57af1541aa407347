package rules

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// The compiled-policy snapshot stores OPA modules as they leave the
// compiler: references resolved, imports removed, local variables
// renamed, bodies reordered for safety, print calls erased. OPA has no
// serialised form of a compiled module that keeps every node (its JSON
// form does not read back `every` and is slower to decode than Rego is to
// parse), so this file writes one of its own: a string table, then each
// node as a tag and its fields, lengths and integers as unsigned varints.
// Locations are written once and referred to afterwards, so that terms
// sharing a location still share it; a location's text is stored as a
// length when it is the source's bytes at its offset, which it is for
// nearly every node.
//
// Annotations and comments are not stored: the compiler has already
// turned every rego.metadata call into a constant, and the catalog the
// engine reads from METADATA is stored beside the modules. A node type
// the codec does not know is an error when the snapshot is written, so an
// OPA version that adds one fails `go generate` and the tests instead of
// being stored incompletely.

// snapFormat changes whenever the encoding below does.
const snapFormat = "swarmlint compiled policies 2"

// Value tags.
const (
	tagNull byte = iota
	tagFalse
	tagTrue
	tagNumber
	tagString
	tagVar
	tagRef
	tagArray
	tagObject
	tagSet
	tagArrayCompr
	tagObjectCompr
	tagSetCompr
	tagCall
)

// Expression term kinds.
const (
	exprTerm byte = iota
	exprCall
	exprSome
	exprEvery
)

type snapEncoder struct {
	body    []byte
	strs    map[string]uint64
	strList []string
	locs    map[*ast.Location]uint64
	sources map[string][]byte // file → source, for location texts
}

func newSnapEncoder(sources map[string][]byte) *snapEncoder {
	return &snapEncoder{strs: map[string]uint64{}, locs: map[*ast.Location]uint64{}, sources: sources}
}

func (e *snapEncoder) uint(n uint64) { e.body = binary.AppendUvarint(e.body, n) }
func (e *snapEncoder) int(n int)     { e.body = binary.AppendVarint(e.body, int64(n)) }
func (e *snapEncoder) byte(b byte)   { e.body = append(e.body, b) }
func (e *snapEncoder) bool(b bool) {
	if b {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

// len writes a slice length, 0 for a nil slice.
func (e *snapEncoder) len(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

func (e *snapEncoder) str(s string) {
	i, ok := e.strs[s]
	if !ok {
		i = uint64(len(e.strList))
		e.strs[s] = i
		e.strList = append(e.strList, s)
	}
	e.uint(i)
}

// loc writes 0 for nil, 1 and the location the first time, 2+i afterwards.
func (e *snapEncoder) loc(l *ast.Location) {
	if l == nil {
		e.uint(0)
		return
	}
	if i, ok := e.locs[l]; ok {
		e.uint(2 + i)
		return
	}
	e.locs[l] = uint64(len(e.locs))
	e.uint(1)
	e.str(l.File)
	e.int(l.Row)
	e.int(l.Col)
	e.int(l.Offset)
	src := e.sources[l.File]
	switch {
	case l.Text == nil:
		e.uint(0)
	case l.Offset >= 0 && l.Offset+len(l.Text) <= len(src) && bytes.Equal(src[l.Offset:l.Offset+len(l.Text)], l.Text):
		e.uint(1)
		e.uint(uint64(len(l.Text)))
	default:
		e.uint(2)
		e.uint(uint64(len(l.Text)))
		e.body = append(e.body, l.Text...)
	}
	e.len(len(l.Tabs), l.Tabs == nil)
	for _, t := range l.Tabs {
		e.int(t)
	}
}

func (e *snapEncoder) term(t *ast.Term) error {
	if t == nil {
		e.byte(0)
		return nil
	}
	e.byte(1)
	e.loc(t.Location)
	return e.value(t.Value)
}

func (e *snapEncoder) terms(ts []*ast.Term) error {
	e.len(len(ts), ts == nil)
	for _, t := range ts {
		if err := e.term(t); err != nil {
			return err
		}
	}
	return nil
}

func (e *snapEncoder) value(v ast.Value) error {
	switch x := v.(type) {
	case ast.Null:
		e.byte(tagNull)
	case ast.Boolean:
		if x {
			e.byte(tagTrue)
		} else {
			e.byte(tagFalse)
		}
	case ast.Number:
		e.byte(tagNumber)
		e.str(string(x))
	case ast.String:
		e.byte(tagString)
		e.str(string(x))
	case ast.Var:
		e.byte(tagVar)
		e.str(string(x))
	case ast.Ref:
		e.byte(tagRef)
		return e.terms(x)
	case *ast.Array:
		e.byte(tagArray)
		n := x.Len()
		e.uint(uint64(n))
		for i := range n {
			if err := e.term(x.Elem(i)); err != nil {
				return err
			}
		}
	case ast.Object:
		e.byte(tagObject)
		keys := x.Keys()
		e.uint(uint64(len(keys)))
		for _, k := range keys {
			if err := e.term(k); err != nil {
				return err
			}
			if err := e.term(x.Get(k)); err != nil {
				return err
			}
		}
	case ast.Set:
		e.byte(tagSet)
		elems := x.Slice()
		e.uint(uint64(len(elems)))
		for _, t := range elems {
			if err := e.term(t); err != nil {
				return err
			}
		}
	case *ast.ArrayComprehension:
		e.byte(tagArrayCompr)
		if err := e.term(x.Term); err != nil {
			return err
		}
		return e.bodyOf(x.Body)
	case *ast.ObjectComprehension:
		e.byte(tagObjectCompr)
		if err := e.term(x.Key); err != nil {
			return err
		}
		if err := e.term(x.Value); err != nil {
			return err
		}
		return e.bodyOf(x.Body)
	case *ast.SetComprehension:
		e.byte(tagSetCompr)
		if err := e.term(x.Term); err != nil {
			return err
		}
		return e.bodyOf(x.Body)
	case ast.Call:
		e.byte(tagCall)
		return e.terms(x)
	default:
		return fmt.Errorf("compiled-policy snapshot: no encoding for a %T value", v)
	}
	return nil
}

func (e *snapEncoder) bodyOf(b ast.Body) error {
	e.len(len(b), b == nil)
	for _, x := range b {
		if err := e.expr(x); err != nil {
			return err
		}
	}
	return nil
}

func (e *snapEncoder) expr(x *ast.Expr) error {
	e.int(x.Index)
	e.bool(x.Generated)
	e.bool(x.Negated)
	e.loc(x.Location)
	switch t := x.Terms.(type) {
	case *ast.Term:
		e.byte(exprTerm)
		if err := e.term(t); err != nil {
			return err
		}
	case []*ast.Term:
		e.byte(exprCall)
		if err := e.terms(t); err != nil {
			return err
		}
	case *ast.SomeDecl:
		e.byte(exprSome)
		e.loc(t.Location)
		if err := e.terms(t.Symbols); err != nil {
			return err
		}
	case *ast.Every:
		e.byte(exprEvery)
		e.loc(t.Location)
		for _, tt := range []*ast.Term{t.Key, t.Value, t.Domain} {
			if err := e.term(tt); err != nil {
				return err
			}
		}
		if err := e.bodyOf(t.Body); err != nil {
			return err
		}
	default:
		return fmt.Errorf("compiled-policy snapshot: no encoding for an expression of %T (%v)", x.Terms, x.Location)
	}
	e.len(len(x.With), x.With == nil)
	for _, w := range x.With {
		e.loc(w.Location)
		if err := e.term(w.Target); err != nil {
			return err
		}
		if err := e.term(w.Value); err != nil {
			return err
		}
	}
	return nil
}

func (e *snapEncoder) rule(r *ast.Rule) error {
	if r == nil {
		e.byte(0)
		return nil
	}
	e.byte(1)
	e.loc(r.Location)
	e.bool(r.Default)
	h := r.Head
	e.loc(h.Location)
	e.str(string(h.Name))
	if err := e.terms(h.Reference); err != nil {
		return err
	}
	if err := e.terms(h.Args); err != nil {
		return err
	}
	if err := e.term(h.Key); err != nil {
		return err
	}
	if err := e.term(h.Value); err != nil {
		return err
	}
	e.bool(h.Assign)
	if err := e.bodyOf(r.Body); err != nil {
		return err
	}
	return e.rule(r.Else)
}

func (e *snapEncoder) module(m *ast.Module) error {
	span := m.RegoVersionSpan()
	e.int(int(span.Min()))
	e.int(int(span.Max()))
	e.loc(m.Package.Location)
	if err := e.terms(m.Package.Path); err != nil {
		return err
	}
	e.len(len(m.Imports), m.Imports == nil)
	for _, imp := range m.Imports {
		e.loc(imp.Location)
		e.loc(imp.AliasLocation)
		e.str(string(imp.Alias))
		if err := e.term(imp.Path); err != nil {
			return err
		}
	}
	e.uint(uint64(len(m.Rules)))
	for _, r := range m.Rules {
		if err := e.rule(r); err != nil {
			return err
		}
	}
	return nil
}

// encodeModules writes the modules (sorted by file name) and the
// compiler's table of renamed variables.
func encodeModules(mods map[string]*ast.Module, rewritten map[ast.Var]ast.Var, sources map[string][]byte) ([]byte, error) {
	e := newSnapEncoder(sources)
	files := sortedKeys(mods)
	e.uint(uint64(len(files)))
	for _, f := range files {
		e.str(f)
		if err := e.module(mods[f]); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	vars := make([]string, 0, len(rewritten))
	for k := range rewritten {
		vars = append(vars, string(k))
	}
	slices.Sort(vars)
	e.uint(uint64(len(vars)))
	for _, k := range vars {
		e.str(k)
		e.str(string(rewritten[ast.Var(k)]))
	}
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(e.strList)))
	for _, s := range e.strList {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	return append(out, e.body...), nil
}

var errSnapCorrupt = errors.New("compiled-policy snapshot: truncated or corrupt")

type snapDecoder struct {
	b       []byte
	err     error
	strs    []string
	locs    []*ast.Location
	sources map[string][]byte
	// Nodes are allocated in slabs: a compiled policy set is some 10^5
	// terms and locations, all alive as long as the engine.
	termSlab []ast.Term
	locSlab  []ast.Location
	exprSlab []ast.Expr
}

const slabSize = 1024

func (d *snapDecoder) newTerm() *ast.Term {
	if len(d.termSlab) == 0 {
		d.termSlab = make([]ast.Term, slabSize)
	}
	t := &d.termSlab[0]
	d.termSlab = d.termSlab[1:]
	return t
}

func (d *snapDecoder) newLoc() *ast.Location {
	if len(d.locSlab) == 0 {
		d.locSlab = make([]ast.Location, slabSize)
	}
	l := &d.locSlab[0]
	d.locSlab = d.locSlab[1:]
	return l
}

func (d *snapDecoder) newExpr() *ast.Expr {
	if len(d.exprSlab) == 0 {
		d.exprSlab = make([]ast.Expr, slabSize/4)
	}
	x := &d.exprSlab[0]
	d.exprSlab = d.exprSlab[1:]
	return x
}

func (d *snapDecoder) uint() uint64 {
	n, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *snapDecoder) int() int {
	n, k := binary.Varint(d.b)
	if k <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[k:]
	return int(n)
}

func (d *snapDecoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *snapDecoder) bool() bool { return d.byte() == 1 }

func (d *snapDecoder) fail() {
	if d.err == nil {
		d.err = errSnapCorrupt
	}
	d.b = nil
}

// count reads a length and checks it against the bytes left (each
// element takes at least one byte), so that corrupt input cannot make a
// huge allocation.
func (d *snapDecoder) count() int {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

// len reads a slice length written by snapEncoder.len: -1 for nil.
func (d *snapDecoder) len() int {
	n := d.uint()
	if n == 0 {
		return -1
	}
	if n-1 > uint64(len(d.b)) {
		d.fail()
		return -1
	}
	return int(n - 1)
}

func (d *snapDecoder) str() string {
	i := d.uint()
	if i >= uint64(len(d.strs)) {
		d.fail()
		return ""
	}
	return d.strs[i]
}

func (d *snapDecoder) loc() *ast.Location {
	switch k := d.uint(); {
	case d.err != nil || k == 0:
		return nil
	case k >= 2:
		if k-2 >= uint64(len(d.locs)) {
			d.fail()
			return nil
		}
		return d.locs[k-2]
	}
	l := d.newLoc()
	l.File, l.Row, l.Col, l.Offset = d.str(), d.int(), d.int(), d.int()
	d.locs = append(d.locs, l)
	switch d.uint() {
	case 0:
	case 1:
		n := int(d.uint())
		src := d.sources[l.File]
		if l.Offset < 0 || n < 0 || l.Offset+n > len(src) {
			d.fail()
			return nil
		}
		l.Text = src[l.Offset : l.Offset+n : l.Offset+n]
	default:
		n := d.count()
		l.Text = d.b[:n:n]
		d.b = d.b[n:]
	}
	if n := d.len(); n >= 0 {
		l.Tabs = make([]int, n)
		for i := range l.Tabs {
			l.Tabs[i] = d.int()
		}
	}
	return l
}

func (d *snapDecoder) term() *ast.Term {
	if d.byte() == 0 || d.err != nil {
		return nil
	}
	t := d.newTerm()
	t.Location = d.loc()
	t.Value = d.value()
	return t
}

func (d *snapDecoder) terms() []*ast.Term {
	n := d.len()
	if n < 0 {
		return nil
	}
	ts := make([]*ast.Term, n)
	for i := range ts {
		ts[i] = d.term()
	}
	return ts
}

func (d *snapDecoder) value() ast.Value {
	switch tag := d.byte(); tag {
	case tagNull:
		return ast.Null{}
	case tagFalse:
		return ast.Boolean(false)
	case tagTrue:
		return ast.Boolean(true)
	case tagNumber:
		return ast.Number(d.str())
	case tagString:
		return ast.String(d.str())
	case tagVar:
		return ast.Var(d.str())
	case tagRef:
		return ast.Ref(d.terms())
	case tagArray:
		ts := make([]*ast.Term, d.count())
		for i := range ts {
			ts[i] = d.term()
		}
		return ast.NewArray(ts...)
	case tagObject:
		n := d.count()
		items := make([][2]*ast.Term, n)
		for i := range items {
			items[i] = [2]*ast.Term{d.term(), d.term()}
		}
		if d.err != nil {
			return ast.NewObject()
		}
		return ast.NewObject(items...)
	case tagSet:
		ts := make([]*ast.Term, d.count())
		for i := range ts {
			ts[i] = d.term()
		}
		if d.err != nil {
			return ast.NewSet()
		}
		return ast.NewSet(ts...)
	case tagArrayCompr:
		return &ast.ArrayComprehension{Term: d.term(), Body: d.bodyOf()}
	case tagObjectCompr:
		return &ast.ObjectComprehension{Key: d.term(), Value: d.term(), Body: d.bodyOf()}
	case tagSetCompr:
		return &ast.SetComprehension{Term: d.term(), Body: d.bodyOf()}
	case tagCall:
		return ast.Call(d.terms())
	default:
		d.fail()
		return ast.Null{}
	}
}

func (d *snapDecoder) bodyOf() ast.Body {
	n := d.len()
	if n < 0 {
		return nil
	}
	b := make(ast.Body, n)
	for i := range b {
		b[i] = d.expr()
	}
	return b
}

func (d *snapDecoder) expr() *ast.Expr {
	x := d.newExpr()
	x.Index, x.Generated, x.Negated, x.Location = d.int(), d.bool(), d.bool(), d.loc()
	switch d.byte() {
	case exprTerm:
		x.Terms = d.term()
	case exprCall:
		x.Terms = d.terms()
	case exprSome:
		s := &ast.SomeDecl{Location: d.loc()}
		s.Symbols = d.terms()
		x.Terms = s
	case exprEvery:
		ev := &ast.Every{Location: d.loc()}
		ev.Key, ev.Value, ev.Domain = d.term(), d.term(), d.term()
		ev.Body = d.bodyOf()
		x.Terms = ev
	default:
		d.fail()
		return x
	}
	if n := d.len(); n >= 0 {
		x.With = make([]*ast.With, n)
		for i := range x.With {
			w := &ast.With{Location: d.loc()}
			w.Target, w.Value = d.term(), d.term()
			x.With[i] = w
		}
	}
	return x
}

func (d *snapDecoder) rule(m *ast.Module) *ast.Rule {
	if d.byte() == 0 || d.err != nil {
		return nil
	}
	r := &ast.Rule{Module: m, Location: d.loc(), Default: d.bool()}
	h := &ast.Head{Location: d.loc(), Name: ast.Var(d.str())}
	h.Reference = d.terms()
	h.Args = d.terms()
	h.Key = d.term()
	h.Value = d.term()
	h.Assign = d.bool()
	r.Head = h
	r.Body = d.bodyOf()
	r.Else = d.rule(m)
	return r
}

func (d *snapDecoder) module() *ast.Module {
	m := &ast.Module{}
	if span, err := ast.NewRegoVersionSpan(ast.RegoVersion(d.int()), ast.RegoVersion(d.int())); err != nil {
		d.fail()
	} else {
		m.SetRegoVersionSpan(span)
	}
	m.Package = &ast.Package{Location: d.loc()}
	m.Package.Path = d.terms()
	if n := d.len(); n >= 0 {
		m.Imports = make([]*ast.Import, n)
		for i := range m.Imports {
			imp := &ast.Import{Location: d.loc(), AliasLocation: d.loc(), Alias: ast.Var(d.str())}
			imp.Path = d.term()
			m.Imports[i] = imp
		}
	}
	m.Rules = make([]*ast.Rule, d.count())
	for i := range m.Rules {
		m.Rules[i] = d.rule(m)
	}
	return m
}

// decodeModules reads what encodeModules wrote; sources are the policy
// files the location texts point into.
func decodeModules(b []byte, sources map[string][]byte) (map[string]*ast.Module, map[ast.Var]ast.Var, error) {
	d := &snapDecoder{b: b, sources: sources}
	// The string table is one allocation: every string is a substring of
	// one copy of the table's bytes.
	d.strs = make([]string, d.count())
	ends := make([]int, len(d.strs))
	var all []byte
	for i := range d.strs {
		n := d.count()
		if d.err != nil {
			break
		}
		all = append(all, d.b[:n]...)
		ends[i] = len(all)
		d.b = d.b[n:]
	}
	table, start := string(all), 0
	for i, end := range ends {
		if d.err != nil {
			break
		}
		d.strs[i] = table[start:end]
		start = end
	}
	mods := map[string]*ast.Module{}
	for n := d.count(); n > 0 && d.err == nil; n-- {
		f := d.str()
		mods[f] = d.module()
	}
	rewritten := map[ast.Var]ast.Var{}
	for n := d.count(); n > 0 && d.err == nil; n-- {
		k := d.str()
		rewritten[ast.Var(k)] = ast.Var(d.str())
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errSnapCorrupt
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	return mods, rewritten, nil
}
