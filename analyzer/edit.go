package analyzer

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/swarmlint/swarmlint/internal/safeio"
	"go.yaml.in/yaml/v4"

	"github.com/swarmlint/swarmlint/internal/lazyre"
)

// EditRequest is one edit a rule's fix asks for (policies/lib/result.rego):
// Op is "set", "remove" or "comment"; Ref and Sub name the YAML node as a
// finding's ref and sub do.
type EditRequest struct {
	Op    string
	Ref   Ref
	Sub   []any
	Value any    // set: the new value (string, json.Number, bool, nil, map[string]any, []any)
	Text  string // comment: the comment's text, without "#"
}

// ByteEdit replaces the bytes [Start, End) of File with NewText. Offsets
// are into the file as read (a UTF-8 byte-order mark counted); lines and
// columns are 1-based, columns in code points and EndCol exclusive.
type ByteEdit struct {
	File                                 string
	Start, End                           int
	StartLine, StartCol, EndLine, EndCol int
	NewText                              string
}

// errNoEdit is why an edit cannot be made; a fix with such an edit is not
// offered.
var errNoEdit = errors.New("cannot edit")

func noEdit(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errNoEdit, fmt.Sprintf(format, args...))
}

// MaxFixCheckBytes bounds the YAML parsed, over a run, to check that
// fixes leave their files valid (an edit inside a flow collection is
// checked by parsing the whole fixed file). A 1 MB stack with a hundred
// findings whose fixes are in flow lists (`networks: [a, b, …]` in each
// service) spent ten seconds on those parses; past the budget such fixes
// are not offered (the findings stay), so the cost is bounded by the
// budget rather than by findings times file size.
const MaxFixCheckBytes = 16 << 20

// Edits turns the edits of one fix into byte edits, sorted by file and
// offset. It refuses (with an error saying why) an edit it cannot make
// without touching more than the element: an element reached through an
// alias or a `<<` merge key or carrying an anchor (the edit would change
// other places too), a position only a script or flag has, overlapping
// edits, or a result that is no longer valid YAML.
func (a *Analysis) Edits(reqs []EditRequest) ([]ByteEdit, error) {
	type docEdit struct {
		d          *Doc
		start, end int
		text       string
	}
	var all []docEdit
	check := map[*Doc]bool{}
	for _, r := range reqs {
		d, es, flow, err := a.edit(r)
		if err != nil {
			return nil, err
		}
		check[d] = check[d] || flow
		for _, e := range es {
			all = append(all, docEdit{d, e.start, e.end, e.text})
			check[d] = check[d] || e.check
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].d.File != all[j].d.File {
			return all[i].d.File < all[j].d.File
		}
		return all[i].start < all[j].start
	})
	for i := 1; i < len(all); i++ {
		p, c := all[i-1], all[i]
		if p.d == c.d && (c.start < p.end || c.start == p.start) {
			return nil, noEdit("two edits of the fix overlap")
		}
	}
	// The file after the fix must still be YAML. Block-style edits are
	// valid by construction (whole lines at the entry's indentation, a
	// scalar rendered with its quoting); an edit inside a flow collection
	// is checked by parsing the result, which costs a parse of the file.
	byDoc := map[*Doc][]textEdit{}
	var order []*Doc
	for _, e := range all {
		if byDoc[e.d] == nil {
			order = append(order, e.d)
		}
		byDoc[e.d] = append(byDoc[e.d], textEdit{start: e.start, end: e.end, text: e.text})
	}
	for _, d := range order {
		if !check[d] {
			continue
		}
		if a.fixChecked += int64(len(d.Src)); a.fixChecked > MaxFixCheckBytes {
			return nil, noEdit("checking it would parse more than %s of YAML in this run", safeio.Bytes(MaxFixCheckBytes))
		}
		if _, err := ParseYAML(d.File, applyText(d.Src, byDoc[d])); err != nil {
			return nil, noEdit("the fixed file would not parse: %v", err)
		}
	}
	out := make([]ByteEdit, 0, len(all))
	for _, e := range all {
		sl, sc := e.d.pos(e.start)
		el, ec := e.d.pos(e.end)
		out = append(out, ByteEdit{File: e.d.File, Start: e.start + e.d.Shift, End: e.end + e.d.Shift,
			StartLine: sl, StartCol: sc, EndLine: el, EndCol: ec, NewText: e.text})
	}
	return out, nil
}

// textEdit is an edit of a Doc's Src; check asks for the result to be
// parsed (an edit whose extent the block structure does not settle).
type textEdit struct {
	start, end int
	text       string
	check      bool
}

// applyText applies sorted, non-overlapping edits to src.
func applyText(src []byte, es []textEdit) []byte {
	var b strings.Builder
	at := 0
	for _, e := range es {
		b.Write(src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.Write(src[at:])
	return []byte(b.String())
}

// edit resolves one request in the document it applies to.
// flow is true when the edit is inside a flow collection.
func (a *Analysis) edit(r EditRequest) (*Doc, []textEdit, bool, error) {
	if r.Ref.Line > 0 {
		return nil, nil, false, noEdit("the element is in a script or a flag, not YAML")
	}
	docs := a.Docs[r.Ref.Src]
	if r.Ref.File != "" {
		var pinned []*Doc
		for _, d := range docs {
			if d.File == r.Ref.File {
				pinned = append(pinned, d)
			}
		}
		docs = pinned
	}
	path := append(append([]any{}, normalizePath(r.Ref.Path)...), normalizePath(r.Sub)...)
	if len(path) == 0 {
		return nil, nil, false, noEdit("the edit names no YAML path")
	}
	// The last file that writes the element is the one whose value wins;
	// for a key to add, the last file that writes its parent.
	var found, parent *Doc
	var w, pw walk
	merged := false
	for i := len(docs) - 1; i >= 0; i-- {
		d := docs[i]
		if d == nil || d.root() == nil {
			continue
		}
		if found == nil {
			x := d.walk(path)
			if x.complete {
				found, w = d, x
				break
			}
			merged = merged || x.via
		}
		if parent == nil {
			if x := d.walk(path[:len(path)-1]); x.complete {
				parent, pw = d, x
			}
		}
	}
	switch {
	case found != nil:
		if found.NoEdit {
			return nil, nil, false, noEdit("%s is UTF-16: swarmlint does not rewrite it", found.File)
		}
		if w.via {
			return nil, nil, false, noEdit("the element is reached through an alias or a merge key")
		}
		var es []textEdit
		var err error
		switch r.Op {
		case "set":
			es, err = found.setValue(w, r.Value)
		case "remove":
			es, err = found.remove(w)
		case "comment":
			es, err = found.comment(w, r.Text)
		default:
			err = noEdit("unknown edit %q", r.Op)
		}
		return found, es, w.flow, err
	case r.Op == "set" && parent != nil:
		if parent.NoEdit {
			return nil, nil, false, noEdit("%s is UTF-16: swarmlint does not rewrite it", parent.File)
		}
		key, ok := path[len(path)-1].(string)
		if !ok || pw.via {
			return nil, nil, false, noEdit("cannot add %v here", path[len(path)-1])
		}
		es, err := parent.addKey(pw, key, r.Value)
		return parent, es, pw.flow || pw.node.Style&yaml.FlowStyle != 0, err
	}
	if merged {
		return nil, nil, false, noEdit("the element is reached through an alias or a merge key")
	}
	return nil, nil, false, noEdit("the element is not written in the stack's files")
}

// walk is a path resolved for editing: the node at its end, the key node
// when the last step is a mapping key, and the collection that holds it.
type walk struct {
	complete bool
	key      *yaml.Node // nil for a sequence item
	node     *yaml.Node
	parent   *yaml.Node // the mapping or sequence node holding it
	index    int        // index of the key (mapping) or item (sequence) in parent.Content
	via      bool       // an alias, a merge key or an anchor was on the way
	flow     bool       // the node is inside a flow collection
}

// walk resolves path without following merge keys silently: via records
// every alias, merge or anchor met, because an edit there would change
// more than the element.
func (d *Doc) walk(path []any) walk {
	cur := d.root()
	if cur != nil && cur.Kind == yaml.DocumentNode && len(cur.Content) > 0 {
		cur = cur.Content[0]
	}
	w := walk{node: cur}
	for _, seg := range path {
		if cur == nil {
			return w
		}
		if cur.Kind == yaml.AliasNode || cur.Anchor != "" {
			w.via = true
		}
		cur = deref(cur)
		flow := w.flow || cur.Style&yaml.FlowStyle != 0
		switch s := seg.(type) {
		case string:
			switch cur.Kind {
			case yaml.MappingNode:
				found := false
				for i := 0; i+1 < len(cur.Content); i += 2 {
					if k := cur.Content[i]; !isMergeKey(k) && k.Value == s {
						w = walk{key: k, node: cur.Content[i+1], parent: cur, index: i, via: w.via, flow: flow}
						found = true
						break
					}
				}
				if !found {
					if k, _, _ := mapLookup(cur, s); k != nil {
						w.via = true // only through a merge key
						w.complete = false
					}
					return w
				}
			case yaml.SequenceNode:
				found := false
				for i, item := range cur.Content {
					it := deref(item)
					if it.Kind == yaml.ScalarNode && (it.Value == s || strings.HasPrefix(it.Value, s+"=")) {
						w = walk{node: item, parent: cur, index: i, via: w.via || item.Kind == yaml.AliasNode, flow: flow}
						found = true
						break
					}
				}
				if !found {
					return w
				}
			default:
				return w
			}
		case int:
			if cur.Kind != yaml.SequenceNode || s < 0 || s >= len(cur.Content) {
				return w
			}
			w = walk{node: cur.Content[s], parent: cur, index: s, via: w.via, flow: flow}
		default:
			return w
		}
		cur = w.node
	}
	if w.node != nil && (w.node.Kind == yaml.AliasNode || w.node.Anchor != "") {
		w.via = true
	}
	w.complete = true
	return w
}

// ---- positions ----

// lineStarts are the byte offsets in Src where each line starts (line n at
// index n-1), with YAML's line breaks.
func (d *Doc) lineStarts() []int {
	if d.starts != nil {
		return d.starts
	}
	starts := []int{0}
	src := d.Src
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	d.starts = starts
	return starts
}

// lineStart is the offset where line n starts (len(Src) past the end).
func (d *Doc) lineStart(n int) int {
	s := d.lineStarts()
	if n < 1 {
		return 0
	}
	if n > len(s) {
		return len(d.Src)
	}
	return s[n-1]
}

// lineEnd is the offset of line n's line break (or the end of Src).
func (d *Doc) lineEnd(n int) int {
	end := d.lineStart(n + 1)
	if n >= len(d.lineStarts()) {
		return len(d.Src)
	}
	for end > d.lineStart(n) && (d.Src[end-1] == '\n' || d.Src[end-1] == '\r') {
		end--
	}
	return end
}

// offset is the byte offset of line:col (1-based, code points).
func (d *Doc) offset(line, col int) int {
	off, end := d.lineStart(line), d.lineEnd(line)
	for c := 1; c < col && off < end; c++ {
		_, size := utf8.DecodeRune(d.Src[off:end])
		off += size
	}
	return off
}

// pos is the 1-based line and code-point column of a byte offset.
func (d *Doc) pos(off int) (line, col int) {
	s := d.lineStarts()
	line = sort.Search(len(s), func(i int) bool { return s[i] > off })
	if line < 1 {
		line = 1
	}
	return line, utf8.RuneCount(d.Src[s[line-1]:off]) + 1
}

// eol is the file's line break: "\r\n" when its first line ends so.
func (d *Doc) eol() string {
	if i := strings.IndexByte(string(d.Src), '\n'); i > 0 && d.Src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// firstOnLine reports whether only spaces precede line:col on its line,
// and returns the indentation (the leading spaces and tabs).
func (d *Doc) firstOnLine(line, col int) (bool, string) {
	start, at := d.lineStart(line), d.offset(line, col)
	before := string(d.Src[start:at])
	return strings.TrimLeft(before, " \t") == "", before[:len(before)-len(strings.TrimLeft(before, " \t"))]
}

// lineIndent is the column of the first character that is not a space on
// line n, and whether the line is blank or a comment.
func (d *Doc) lineIndent(n int) (col int, blank, comment bool) {
	text := string(d.Src[d.lineStart(n):d.lineEnd(n)])
	rest := strings.TrimLeft(text, " \t")
	return utf8.RuneCountInString(text[:len(text)-len(rest)]) + 1, rest == "", strings.HasPrefix(rest, "#")
}

// blockLast is the last line of a block entry that starts on line first at
// column col: the lines after it indented deeper (blank lines and deeper
// comments included, trailing ones not), plus lines starting a sequence
// item at col when dashAtCol (a block sequence written at the key's
// column), and at least every line up to the last one where a node of the
// entry (value) starts, whatever comes between.
func (d *Doc) blockLast(first, col int, dashAtCol bool, value *yaml.Node) int {
	last := first
	minLast := d.maxLine(value, 0)
	n := len(d.lineStarts())
	for l := first + 1; l <= n; l++ {
		c, blank, comment := d.lineIndent(l)
		if blank {
			continue
		}
		inside := c > col || l <= minLast
		if !inside && dashAtCol && c == col && !comment {
			t := d.Src[d.offset(l, c):d.lineEnd(l)]
			inside = len(t) > 0 && t[0] == '-' && (len(t) == 1 || t[1] == ' ' || t[1] == '\t')
		}
		if !inside {
			break
		}
		last = l
	}
	return last
}

// multiline reports whether a scalar below n (n included) is not a
// one-line token.
func (d *Doc) multiline(n *yaml.Node, depth int) bool {
	if n == nil || depth > 200 {
		return false
	}
	if n.Kind == yaml.ScalarNode {
		_, ok := d.nodeEnd(n)
		return !ok
	}
	for _, c := range n.Content {
		if d.multiline(c, depth+1) {
			return true
		}
	}
	return false
}

// maxLine is the last line a node below n (n included) is known to
// reach: where it starts, or for a flow collection the line of its closing
// bracket (which may be indented less than the entry); not following
// aliases.
func (d *Doc) maxLine(n *yaml.Node, depth int) int {
	if n == nil || depth > 200 {
		return 0
	}
	m := n.Line
	if n.Style&yaml.FlowStyle != 0 && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) {
		if end, ok := d.nodeEnd(n); ok {
			line, _ := d.pos(max(end-1, 0))
			m = max(m, line)
		}
	}
	for _, c := range n.Content {
		m = max(m, d.maxLine(c, depth+1))
	}
	return m
}

// nodeStart is the offset where a node's token starts.
func (d *Doc) nodeStart(n *yaml.Node) int { return d.offset(n.Line, n.Column) }

// nodeEnd is the offset just after a node: a one-line scalar token, or a
// flow collection's closing bracket; ok is false for block collections and
// scalars over several lines.
func (d *Doc) nodeEnd(n *yaml.Node) (int, bool) {
	switch {
	case n.Kind == yaml.ScalarNode:
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return 0, false
		}
		r := d.span(n)
		if r.EndLine != n.Line {
			return 0, false
		}
		start, end := d.nodeStart(n), d.offset(n.Line, r.EndCol)
		tok := string(d.Src[start:end])
		switch {
		case n.Style&yaml.DoubleQuotedStyle != 0:
			if len(tok) < 2 || !strings.HasSuffix(tok, `"`) {
				return 0, false
			}
		case n.Style&yaml.SingleQuotedStyle != 0:
			if len(tok) < 2 || !strings.HasSuffix(tok, `'`) {
				return 0, false
			}
		default:
			if tok != n.Value {
				return 0, false
			}
		}
		return end, true
	case n.Style&yaml.FlowStyle != 0 && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode):
		return d.flowEnd(d.nodeStart(n))
	}
	return 0, false
}

// flowEnd scans a flow collection starting at off ('[' or '{') to just
// after its closing bracket, skipping quoted scalars and comments.
func (d *Doc) flowEnd(off int) (int, bool) {
	depth := 0
	src := d.Src
	for i := off; i < len(src); i++ {
		switch c := src[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(src); i++ {
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
				for i < len(src) && src[i] != '\n' && src[i] != '\r' {
					i++
				}
			}
		}
	}
	return 0, false
}

// ---- operations ----

// remove deletes a mapping entry or a sequence item: its whole lines in
// block style, the entry and one separating comma in flow style.
func (d *Doc) remove(w walk) ([]textEdit, error) {
	if w.parent == nil {
		return nil, noEdit("cannot remove the document")
	}
	if w.key != nil && d.oddKey(w.key) {
		return nil, noEdit("the entry has a complex or empty key")
	}
	if hasAnchor(w.node) || hasAnchor(w.key) {
		return nil, noEdit("the element holds an anchor other places use")
	}
	first := w.node
	if w.key != nil {
		first = w.key
	}
	if w.parent.Style&yaml.FlowStyle != 0 {
		return d.removeFlow(w, first)
	}
	col := first.Column
	dashAtCol := false
	if w.key == nil {
		// a block sequence item: its lines start at the dash
		dash := d.offset(first.Line, first.Column)
		for dash > d.lineStart(first.Line) && d.Src[dash-1] != '-' {
			dash--
		}
		if dash == d.lineStart(first.Line) || d.Src[dash-1] != '-' {
			return nil, noEdit("no dash before the sequence item")
		}
		_, col = d.pos(dash - 1)
		if ok, _ := d.firstOnLine(first.Line, col); !ok {
			return nil, noEdit("the sequence item does not start its line")
		}
	} else {
		v := w.node
		dashAtCol = v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && v.Column == col
	}
	last := d.blockLast(first.Line, col, dashAtCol, w.node)
	// A scalar over several lines may end below the last line a node
	// starts on: such a removal is checked by parsing the result.
	multi := d.multiline(w.node, 0)
	if ok, _ := d.firstOnLine(first.Line, col); ok {
		// An entry set off by blank lines on both sides leaves one.
		if first.Line > 1 && last < len(d.lineStarts()) {
			_, before, _ := d.lineIndent(first.Line - 1)
			_, after, _ := d.lineIndent(last + 1)
			if before && after && d.lineStart(last+2) > d.lineStart(last+1) {
				last++
			}
		}
		return []textEdit{{d.lineStart(first.Line), d.lineStart(last + 1), "", multi}}, nil
	}
	// A mapping's first key after "- " or "? ": the next key moves up.
	if w.key != nil && w.index+2 < len(w.parent.Content) {
		next := w.parent.Content[w.index+2]
		return []textEdit{{d.nodeStart(first), d.nodeStart(next), "", false}}, nil
	}
	return nil, noEdit("the entry shares its line and is the last of its mapping")
}

// removeFlow deletes an entry of a flow collection with one comma.
func (d *Doc) removeFlow(w walk, first *yaml.Node) ([]textEdit, error) {
	if !d.bracketed(w.parent) {
		return nil, noEdit("a single-pair mapping inside a flow sequence")
	}
	step := 1
	if w.key != nil {
		step = 2
	}
	end, ok := d.entryEnd(w.node)
	if !ok {
		return nil, noEdit("cannot find the end of the entry")
	}
	start := d.nodeStart(first)
	if w.index+step < len(w.parent.Content) {
		return []textEdit{{start, d.nodeStart(w.parent.Content[w.index+step]), "", false}}, nil
	}
	if w.index > 0 {
		prevEnd, ok := d.entryEnd(w.parent.Content[w.index-1])
		if !ok {
			return nil, noEdit("cannot find the end of the previous entry")
		}
		return []textEdit{{prevEnd, end, "", false}}, nil
	}
	return []textEdit{{start, end, "", false}}, nil
}

// oddKey reports whether a mapping key is not a plain one-line name:
// complex (`? ...`), or empty.
func (d *Doc) oddKey(k *yaml.Node) bool {
	return k.Kind != yaml.ScalarNode || k.Value == "" && k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 ||
		strings.Contains(string(d.Src[d.lineStart(k.Line):d.nodeStart(k)]), "?")
}

// bracketed reports whether a flow collection is written with its
// brackets ({...} or [...]); a single-pair mapping in a flow sequence
// ([a: b]) is not.
func (d *Doc) bracketed(n *yaml.Node) bool {
	at := d.nodeStart(n)
	return at < len(d.Src) && (d.Src[at] == '{' && n.Kind == yaml.MappingNode || d.Src[at] == '[' && n.Kind == yaml.SequenceNode)
}

// entryEnd is where a node in a flow collection ends.
func (d *Doc) entryEnd(n *yaml.Node) (int, bool) {
	if n.Kind == yaml.AliasNode {
		return d.nodeStart(n) + 1 + len(n.Alias.Anchor), true
	}
	return d.nodeEnd(n)
}

// hasAnchor reports whether n or a node below it carries an anchor.
func hasAnchor(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Anchor != "" {
		return true
	}
	for _, c := range n.Content {
		if hasAnchor(c) {
			return true
		}
	}
	return false
}

// comment inserts a comment line above the line of the element.
func (d *Doc) comment(w walk, text string) ([]textEdit, error) {
	first := w.node
	if w.key != nil {
		first = w.key
	}
	line := first.Line
	start := d.lineStart(line)
	end := d.lineEnd(line)
	t := string(d.Src[start:end])
	indent := t[:len(t)-len(strings.TrimLeft(t, " \t"))]
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r", " "), "\n", " ")
	return []textEdit{{start, start, indent + "# " + text + d.eol(), false}}, nil
}

// setValue replaces the scalar the walk ended on with value.
func (d *Doc) setValue(w walk, value any) ([]textEdit, error) {
	n := w.node
	if n.Kind != yaml.ScalarNode {
		return nil, noEdit("only a scalar can be replaced")
	}
	start := d.nodeStart(n)
	end, ok := d.nodeEnd(n)
	if !ok {
		return nil, noEdit("the value spans several lines")
	}
	if n.Value == "" && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		return nil, noEdit("the value is not written (an empty null)")
	}
	flow := w.parent != nil && w.parent.Style&yaml.FlowStyle != 0
	switch v := value.(type) {
	case map[string]any, []any:
		if flow {
			return []textEdit{{start, end, renderFlow(v), false}}, nil
		}
		if w.key != nil {
			return nil, noEdit("a mapping value cannot become a collection in place")
		}
		// A block sequence item: the first line replaces the scalar, the
		// others follow the line (after its comment, which stays put),
		// indented with spaces to the scalar's column.
		if strings.ContainsRune(string(d.Src[d.lineStart(n.Line):start]), '\t') {
			return nil, noEdit("a tab before the item: its column is not an indentation")
		}
		_, col := d.pos(start)
		lines := renderBlock(v, strings.Repeat(" ", col-1))
		if len(lines) == 0 {
			return nil, noEdit("empty value")
		}
		es := []textEdit{{start, end, strings.TrimLeft(lines[0], " "), false}}
		if len(lines) > 1 {
			eol := d.eol()
			es = append(es, textEdit{d.lineEnd(n.Line), d.lineEnd(n.Line), eol + strings.Join(lines[1:], eol), false})
		}
		return es, nil
	}
	return []textEdit{{start, end, renderScalar(value, n.Style), false}}, nil
}

// addKey adds key: value to the mapping the walk ended on.
func (d *Doc) addKey(w walk, key string, value any) ([]textEdit, error) {
	m := w.node
	if m.Kind != yaml.MappingNode {
		return nil, noEdit("the parent is not a mapping")
	}
	if m.Style&yaml.FlowStyle != 0 {
		if !d.bracketed(m) {
			return nil, noEdit("a single-pair mapping inside a flow sequence")
		}
		entry := renderKey(key) + ": " + renderFlowValue(value)
		if len(m.Content) == 0 {
			at := d.nodeStart(m) + 1
			return []textEdit{{at, at, entry, false}}, nil
		}
		end, ok := d.entryEnd(m.Content[len(m.Content)-1])
		if !ok {
			return nil, noEdit("cannot find the end of the mapping")
		}
		return []textEdit{{end, end, ", " + entry, false}}, nil
	}
	if len(m.Content) == 0 {
		return nil, noEdit("an empty block mapping")
	}
	for i := 0; i < len(m.Content); i += 2 {
		if d.oddKey(m.Content[i]) {
			return nil, noEdit("the mapping has a complex or empty key")
		}
	}
	firstKey := m.Content[0]
	col := firstKey.Column
	lastKey, lastVal := m.Content[len(m.Content)-2], m.Content[len(m.Content)-1]
	dashAtCol := lastVal.Kind == yaml.SequenceNode && lastVal.Style&yaml.FlowStyle == 0 && lastVal.Column == lastKey.Column
	last := d.blockLast(lastKey.Line, lastKey.Column, dashAtCol, lastVal)
	indent := strings.Repeat(" ", col-1)
	eol := d.eol()
	var text string
	switch v := value.(type) {
	case map[string]any, []any:
		text = indent + renderKey(key) + ":" + eol + strings.Join(renderBlock(v, indent+"  "), eol) + eol
	default:
		text = indent + renderKey(key) + ": " + renderScalar(value, 0) + eol
	}
	at := d.lineStart(last + 1)
	if last >= len(d.lineStarts()) || at == len(d.Src) && (len(d.Src) == 0 || d.Src[len(d.Src)-1] != '\n' && d.Src[len(d.Src)-1] != '\r') {
		at = d.lineEnd(last)
		text = eol + strings.TrimSuffix(text, eol)
	}
	return []textEdit{{at, at, text, d.multiline(lastVal, 0)}}, nil
}

// ---- rendering ----

// keyOrder puts the keys of a long-syntax port first, in the order the
// Compose documentation writes them; other keys follow alphabetically.
var keyOrder = map[string]int{"target": 1, "published": 2, "host_ip": 3, "protocol": 4, "mode": 5}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keyOrder[keys[i]], keyOrder[keys[j]]
		if a == 0 {
			a = 100
		}
		if b == 0 {
			b = 100
		}
		if a != b {
			return a < b
		}
		return keys[i] < keys[j]
	})
	return keys
}

// renderBlock renders a mapping or sequence in block style, each line
// starting with indent.
func renderBlock(v any, indent string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedMapKeys(x) {
			switch c := x[k].(type) {
			case map[string]any, []any:
				if isEmpty(c) {
					out = append(out, indent+renderKey(k)+": "+renderFlow(c))
					continue
				}
				out = append(out, indent+renderKey(k)+":")
				out = append(out, renderBlock(c, indent+"  ")...)
			default:
				out = append(out, indent+renderKey(k)+": "+renderScalar(c, 0))
			}
		}
	case []any:
		for _, c := range x {
			switch cc := c.(type) {
			case map[string]any, []any:
				if isEmpty(cc) {
					out = append(out, indent+"- "+renderFlow(cc))
					continue
				}
				lines := renderBlock(cc, indent+"  ")
				lines[0] = indent + "- " + strings.TrimPrefix(lines[0], indent+"  ")
				out = append(out, lines...)
			default:
				out = append(out, indent+"- "+renderScalar(c, 0))
			}
		}
	}
	return out
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

// renderFlow renders a mapping or sequence in flow style.
func renderFlow(v any) string {
	switch x := v.(type) {
	case map[string]any:
		parts := make([]string, 0, len(x))
		for _, k := range sortedMapKeys(x) {
			parts = append(parts, renderKey(k)+": "+renderFlowValue(x[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := make([]string, 0, len(x))
		for _, c := range x {
			parts = append(parts, renderFlowValue(c))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return renderScalar(v, 0)
}

func renderFlowValue(v any) string {
	switch v.(type) {
	case map[string]any, []any:
		return renderFlow(v)
	}
	return renderScalar(v, 0)
}

func renderKey(k string) string { return renderScalar(k, 0) }

// plainSafe matches strings that may be written without quotes, unless
// yamlNumber matches them too: every YAML reader (1.1 and 1.2) reads them
// back as the same string (a subnet such as 10.0.1.0/24, a mode, a name,
// an image such as nginx:1.27; a colon only after a leading letter, where
// YAML 1.1 cannot read base-60 numbers or a time).
var plainSafe = lazyre.New(`^[A-Za-z0-9_][A-Za-z0-9_./@-]*$|^[A-Za-z_][A-Za-z0-9_./@:-]*[A-Za-z0-9_./@-]$`)

// yamlNumber matches the plain scalars YAML 1.1 or 1.2 reads as numbers.
var yamlNumber = lazyre.New(`(?i)^[-+]?(0x[0-9a-f_]+|0o?[0-7_]+|0b[01_]+|[0-9][0-9_]*(\.[0-9_]*)?(e[-+]?[0-9]+)?|\.[0-9_]+(e[-+]?[0-9]+)?|\.inf|\.nan)$`)

// yaml11Words are plain scalars YAML 1.1 readers take for booleans or null.
var yaml11Words = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true,
	"true": true, "false": true, "null": true}

// renderScalar renders a scalar; a string keeps the quoting style of the
// value it replaces, and is quoted whenever it would not read back as the
// same string.
func renderScalar(v any, style yaml.Style) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case string:
		switch {
		case style&yaml.SingleQuotedStyle != 0:
			return "'" + strings.ReplaceAll(x, "'", "''") + "'"
		case style&yaml.DoubleQuotedStyle != 0:
			return doubleQuote(x)
		case plainSafe().MatchString(x) && !yamlNumber().MatchString(x) && !yaml11Words[strings.ToLower(x)]:
			return x
		}
		return doubleQuote(x)
	}
	return doubleQuote(fmt.Sprint(v))
}

func doubleQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
