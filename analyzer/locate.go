package analyzer

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// Region is a 1-based span in a file; columns are Unicode code points and
// EndCol is exclusive.
type Region struct {
	File      string
	StartLine int
	StartCol  int
	EndLine   int
	EndCol    int
	// Via is set when the value was reached through a `<<` merge key or alias:
	// the place in the referencing mapping.
	Via *Region
}

// Doc is one parsed YAML file with the bytes it came from.
type Doc struct {
	File  string
	Src   []byte
	Root  *yaml.Node // the document's top-level node (a mapping for stack files)
	lines []string
	// keys indexes the keys of large mappings, built on first use: without
	// it, finding each of n services in `services:` costs O(n²).
	keys map[*yaml.Node]*keyIndex
	// starts are the offsets where lines start, built on first use (edits).
	starts []int
	// Shift is how many bytes the file has before Src (a UTF-8 byte-order
	// mark), added to an edit's offsets; NoEdit is set for a file decoded
	// from UTF-16, whose bytes on disk are not Src's.
	Shift  int
	NoEdit bool
	// reparse is set while Root is dropped (ReleaseLargeDocs): the first
	// use after that parses Src again, under mu.
	mu      sync.Mutex
	reparse bool
}

// NewDoc wraps a parsed document.
func NewDoc(file string, src []byte, root *yaml.Node) *Doc {
	return &Doc{File: file, Src: src, Root: root}
}

// ReleaseAt is the size of a stack file from which ReleaseLargeDocs drops
// its parsed nodes: about 15 bytes of nodes per byte of YAML (45 MB for a
// 3 MiB, 10,000-service file), against a second parse of about 45 ms per
// MiB when a finding is located.
const ReleaseAt = 1 << 20

// ReleaseLargeDocs drops the parsed nodes of every stack file of at least
// min bytes, so that they are not kept alive while the rules run, beside
// the Rego input (docs/performance.md); the first Locate or edit in such a
// file parses it again from the same bytes, which gives the same nodes.
func (a *Analysis) ReleaseLargeDocs(min int) {
	for src, docs := range a.Docs {
		if !strings.HasPrefix(src, "stack:") {
			continue
		}
		for _, d := range docs {
			if d == nil || len(d.Src) < min {
				continue
			}
			d.mu.Lock()
			if d.Root != nil {
				d.Root, d.keys, d.reparse = nil, nil, true
			}
			d.mu.Unlock()
		}
	}
}

// root is the document's top-level node, parsed again if it was released.
func (d *Doc) root() *yaml.Node {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.reparse {
		d.reparse = false
		// The bytes parsed before, so they parse again; should they not,
		// the document has no node and nothing is located in it.
		d.Root, _ = ParseYAML(d.File, d.Src)
	}
	return d.Root
}

func (d *Doc) line(n int) string {
	if d.lines == nil {
		d.lines = SplitLines(string(d.Src))
	}
	if n < 1 || n > len(d.lines) {
		return ""
	}
	return d.lines[n-1]
}

// match is the result of resolving a path in one document.
type match struct {
	key   *yaml.Node // key node of the last mapping step, if any
	value *yaml.Node
	depth int // number of path segments matched
	via   *yaml.Node
}

// resolve walks path through the document as far as it goes.
func (d *Doc) resolve(path []any) match {
	cur := deref(d.root())
	res := match{value: cur}
	for i, seg := range path {
		cur = deref(cur)
		if cur == nil {
			break
		}
		switch s := seg.(type) {
		case string:
			switch cur.Kind {
			case yaml.MappingNode:
				k, v, via := d.lookup(cur, s)
				if k == nil {
					return res
				}
				res = match{key: k, value: v, depth: i + 1, via: firstNonNil(res.via, via)}
				cur = v
			case yaml.SequenceNode:
				// list form of a map: [backend] or [K=V]
				found := false
				for _, item := range cur.Content {
					it := deref(item)
					if it.Kind == yaml.ScalarNode && (it.Value == s || strings.HasPrefix(it.Value, s+"=")) {
						res = match{value: item, depth: i + 1, via: res.via}
						cur = item
						found = true
						break
					}
				}
				if !found {
					return res
				}
			default:
				return res
			}
		case int:
			if cur.Kind != yaml.SequenceNode || s < 0 || s >= len(cur.Content) {
				return res
			}
			res = match{value: cur.Content[s], depth: i + 1, via: res.via}
			cur = cur.Content[s]
		case float64: // paths coming back from Rego
			return d.resolveAt(path, i, int(s), res, cur)
		default:
			return res
		}
	}
	return res
}

// Value returns the node at path in the document, or nil when the path does
// not lead to one (merge keys and aliases followed, as Locate does).
func (d *Doc) Value(path []any) *yaml.Node {
	if m := d.resolve(path); m.depth == len(path) {
		return m.value
	}
	return nil
}

func (d *Doc) resolveAt(path []any, i, idx int, res match, cur *yaml.Node) match {
	np := make([]any, len(path))
	copy(np, path)
	np[i] = idx
	return d.resolve(np)
}

func firstNonNil(a, b *yaml.Node) *yaml.Node {
	if a != nil {
		return a
	}
	return b
}

// normalizePath converts JSON numbers (from Rego) to ints.
func normalizePath(path []any) []any {
	out := make([]any, len(path))
	for i, p := range path {
		switch v := p.(type) {
		case float64:
			out[i] = int(v)
		case int64:
			out[i] = int(v)
		case interface{ String() string }:
			s := v.String()
			if n, err := strconv.Atoi(s); err == nil {
				out[i] = n
			} else {
				out[i] = strings.Trim(s, `"`)
			}
		default:
			out[i] = p
		}
	}
	return out
}

// Locate resolves path in docs (merged in order; later files win) and
// returns the region of the deepest node found, never a fake position. A
// complete match in a later file wins; otherwise the deepest partial match,
// the earliest file on ties.
func Locate(docs []*Doc, path []any) (Region, bool) {
	path = normalizePath(path)
	var best match
	var bestDoc *Doc
	for i := len(docs) - 1; i >= 0; i-- {
		d := docs[i]
		if d == nil || d.root() == nil {
			continue
		}
		m := d.resolve(path)
		if m.depth == len(path) {
			return d.region(m, true), true
		}
		if bestDoc == nil || m.depth >= best.depth {
			best, bestDoc = m, d
		}
	}
	if bestDoc == nil {
		return Region{}, false
	}
	return bestDoc.region(best, best.depth == len(path)), best.depth == len(path)
}

// region turns a match into a token region. A mapping entry whose value is a
// scalar on the same line spans `key: value`; a list item spans the item.
func (d *Doc) region(m match, complete bool) Region {
	var r Region
	switch {
	case m.key != nil && m.value != nil && deref(m.value).Kind == yaml.ScalarNode && m.value.Line == m.key.Line && m.value.Kind != yaml.AliasNode:
		r = d.span(m.key)
		e := d.span(m.value)
		r.EndLine, r.EndCol = e.EndLine, e.EndCol
	case m.key != nil:
		r = d.span(m.key)
	case m.value != nil:
		r = d.span(m.value)
	default:
		r = Region{StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1}
	}
	r.File = d.File
	if m.via != nil {
		v := d.span(m.via)
		v.File = d.File
		r.Via = &v
	}
	return r
}

// span is the region of one node's token in the source.
func (d *Doc) span(n *yaml.Node) Region {
	if n == nil || n.Line == 0 {
		return Region{File: d.File, StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 2}
	}
	r := Region{File: d.File, StartLine: n.Line, StartCol: n.Column, EndLine: n.Line}
	text := []rune(d.line(n.Line))
	start := n.Column - 1
	if start > len(text) {
		start = len(text)
	}
	rest := text[start:]
	end := start
	switch {
	case n.Kind == yaml.AliasNode:
		end = start + 1 + utf8.RuneCountInString(n.Value)
	case n.Kind == yaml.ScalarNode && (n.Style&yaml.DoubleQuotedStyle != 0 || n.Style&yaml.SingleQuotedStyle != 0):
		q := rest[0]
		end = start + 1
		for j := 1; j < len(rest); j++ {
			end = start + j + 1
			if rest[j] == '\\' && q == '"' {
				j++
				continue
			}
			if rest[j] == q {
				if q == '\'' && j+1 < len(rest) && rest[j+1] == '\'' {
					j++
					continue
				}
				break
			}
		}
	case n.Kind == yaml.ScalarNode && (n.Style&yaml.LiteralStyle != 0 || n.Style&yaml.FoldedStyle != 0):
		end = start + 1
	case n.Kind == yaml.ScalarNode:
		v := []rune(n.Value)
		if len(v) <= len(rest) && string(rest[:len(v)]) == n.Value {
			end = start + len(v)
		} else {
			// multi-line plain scalar, or value differs from source: to end of token
			end = start
			for end < len(text) && !strings.ContainsRune(",]}#", text[end]) {
				end++
			}
			for end > start && text[end-1] == ' ' {
				end--
			}
		}
		if n.Anchor != "" && len(rest) > 0 && rest[0] == '&' {
			// value follows the anchor; include both
		}
	default:
		// mappings and sequences: to the end of the first line's content
		end = len(text)
		for end > start && (text[end-1] == ' ' || text[end-1] == '\t') {
			end--
		}
		if c := strings.Index(string(text[start:end]), " #"); c >= 0 {
			end = start + utf8.RuneCountInString(string(text[start:end])[:c])
		}
		for end > start && (text[end-1] == ' ' || text[end-1] == '\t') {
			end--
		}
	}
	if end <= start {
		end = start + 1
	}
	r.EndCol = end + 1
	return r
}

// sequenceAt returns the sequence node at path in this document, or nil.
func (d *Doc) sequenceAt(path []any) *yaml.Node {
	m := d.resolve(path)
	if m.depth != len(path) {
		return nil
	}
	seq := deref(m.value)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	return seq
}

// SplitLines splits text on YAML's line breaks (\r\n, \n, a lone \r), so
// line n here is line n as the YAML parser counts it.
func SplitLines(s string) []string {
	return strings.Split(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n")
}
