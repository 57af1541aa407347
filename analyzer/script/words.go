package script

import (
	"slices"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// maxWordLen bounds the resolved length of a word or variable value:
// assignments such as A=$A$A double a value each time, and a value this
// long is no network fact anyway. Longer values are treated as unknown.
const maxWordLen = 1 << 14

// span is the half-open source byte range that produced one byte of a
// resolved word.
type span struct{ start, end int }

// rword is a shell word after quote removal and variable resolution, with
// per-byte provenance so that flags can be split at '=' and still carry
// exact positions.
type rword struct {
	text    []byte
	spans   []span // source range of each byte of text
	unknown []bool // byte comes from an unresolved part (text holds its source)
	split   []bool // byte comes from an unquoted expansion: subject to field splitting

	quoted  bool // the word has a quoted part, so it survives even when empty
	mayVary bool // an unresolved part may expand to zero or several words

	start, end int // source byte range of the whole word
}

func (w *rword) add(b []byte, sp span, unknown, split bool) {
	for _, c := range b {
		w.text = append(w.text, c)
		w.spans = append(w.spans, sp)
		w.unknown = append(w.unknown, unknown)
		w.split = append(w.split, split)
	}
}

// known reports whether bytes [a, b) are all resolved.
func (w *rword) known(a, b int) bool {
	return !slices.Contains(w.unknown[a:b], true)
}

// isLit reports whether the word is exactly the resolved text s.
func (w *rword) isLit(s string) bool {
	return string(w.text) == s && w.known(0, len(w.text))
}

// word converts bytes [a, len) of w into a Word. For a > 0 the region starts
// right after byte a-1 (the '=' or the short flag letter) so that quotes
// around the value are included.
func (w *rword) word(li *lineIndex, a int) Word {
	start := w.start
	if a > 0 {
		start = w.spans[a-1].end
	}
	return Word{
		Text:  string(w.text[a:]),
		Known: w.known(a, len(w.text)),
		Pos:   li.region(start, w.end),
	}
}

// resolver turns syntax words into rwords.
type resolver struct {
	src  []byte
	vars *varTable // nil: no variable is known
}

// useCtx says where a word is expanded, which decides which assignments
// are visible.
type useCtx struct {
	stmt   int                 // byte offset of the enclosing top-level statement
	inFunc bool                // inside a function body
	local  map[string]varValue // earlier assignments of the same statement
	assign bool                // expanding an assignment value: no field splitting
}

// offsets returns the clamped source byte range of n.
func (r *resolver) offsets(n syntax.Node) (int, int, bool) {
	p, e := n.Pos(), n.End()
	if !p.IsValid() || !e.IsValid() {
		return 0, 0, false
	}
	s, t := int(p.Offset()), int(e.Offset())
	if s > len(r.src) || t > len(r.src) || t < s {
		return 0, 0, false
	}
	// The parser reads "\r\n" as "\n" and lets a word that ends a line
	// end after the '\r'.
	if t > s && r.src[t-1] == '\r' && t < len(r.src) && r.src[t] == '\n' {
		t--
	}
	return s, t, true
}

// unresolved appends the source text of part as an unknown piece.
func (r *resolver) unresolved(w *rword, part syntax.Node) {
	s, e, ok := r.offsets(part)
	if !ok {
		w.add([]byte("?"), span{w.start, w.end}, true, false)
		return
	}
	w.add(r.src[s:e], span{s, e}, true, false)
}

// resolve expands a word: a command argument, or the value of an
// assignment (assign), which is not brace-expanded.
func (r *resolver) resolve(sw *syntax.Word, ctx useCtx, assign bool) rword {
	w := rword{}
	if len(sw.Parts) == 0 {
		return w
	}
	var ok bool
	if w.start, w.end, ok = r.offsets(sw); !ok {
		w.start, w.end = 0, 0
	}
	if !assign && hasBraceExpansion(sw) {
		r.unresolved(&w, sw)
		w.mayVary = true
		return w
	}
	for i, part := range sw.Parts {
		switch part := part.(type) {
		case *syntax.Lit:
			if i == 0 && strings.HasPrefix(part.Value, "~") {
				// Tilde expansion depends on the environment.
				r.unresolved(&w, part)
				continue
			}
			r.lit(&w, part, false)
		case *syntax.SglQuoted:
			w.quoted = true
			r.sglQuoted(&w, part)
		case *syntax.DblQuoted:
			w.quoted = true
			r.dblQuoted(&w, part, ctx)
		case *syntax.ParamExp:
			r.param(&w, part, false, ctx)
		case *syntax.ArithmExp:
			// A number: never split into several words.
			r.unresolved(&w, part)
		default:
			// Command and process substitutions, extended globs.
			r.unresolved(&w, part)
			w.mayVary = true
		}
	}
	return w
}

// hasBraceExpansion reports whether bash would brace-expand the word
// ("a{b,c}" becomes two words).
func hasBraceExpansion(sw *syntax.Word) bool {
	cp := &syntax.Word{Parts: slices.Clone(sw.Parts)}
	if !syntax.SplitBraces(cp) {
		return false
	}
	return slices.ContainsFunc(cp.Parts, func(p syntax.WordPart) bool {
		_, ok := p.(*syntax.BraceExp)
		return ok
	})
}

// lit appends a literal, removing backslash escapes (unquoted or
// double-quoted rules) and line continuations, mapping each byte back to
// the source.
func (r *resolver) lit(w *rword, l *syntax.Lit, inDbl bool) {
	s, e, ok := r.offsets(l)
	if ok {
		var raw []byte
		mark := len(w.text)
		unescapeInto(w, r.src[s:e], s, inDbl, func(b []byte) { raw = append(raw, b...) }, nil)
		if string(raw) == l.Value {
			return
		}
		// The source does not match the literal (e.g. backquote
		// unescaping): fall back to the value with coarse positions.
		w.text, w.spans, w.unknown, w.split = w.text[:mark], w.spans[:mark], w.unknown[:mark], w.split[:mark]
	} else {
		s, e = w.start, w.end
	}
	whole := span{s, e}
	unescapeInto(w, []byte(l.Value), s, inDbl, nil, &whole)
}

// unescapeInto appends src (a literal as written, starting at byte offset
// base) to w. raw, if set, receives the text with only line continuations
// removed, which is how mvdan.cc/sh stores literals. fixed, if set, is used
// as the span of every byte.
func unescapeInto(w *rword, src []byte, base int, inDbl bool, raw func([]byte), fixed *span) {
	sp := func(a, b int) span {
		if fixed != nil {
			return *fixed
		}
		return span{base + a, base + b}
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == 0:
			// The parser ignores NUL bytes, like bash.
			i++
			continue
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
			continue
		case c == '\\' && i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n':
			i += 3
			continue
		case c == '\r' && i+1 < len(src) && src[i+1] == '\n':
			// "\r\n" is read as "\n".
			i++
			continue
		case c == '\\' && i+1 < len(src) && (!inDbl || strings.IndexByte("$`\"\\", src[i+1]) >= 0):
			_, n := utf8.DecodeRune(src[i+1:])
			if raw != nil {
				raw(src[i : i+1+n])
			}
			w.add(src[i+1:i+1+n], sp(i, i+1+n), false, false)
			i += 1 + n
			continue
		}
		if raw != nil {
			raw(src[i : i+1])
		}
		w.add(src[i:i+1], sp(i, i+1), false, false)
		i++
	}
}

func (r *resolver) sglQuoted(w *rword, q *syntax.SglQuoted) {
	s, e, ok := r.offsets(q)
	open := 1
	if q.Dollar {
		open = 2
		if strings.Contains(q.Value, `\`) {
			// ANSI-C escapes are not decoded.
			r.unresolved(w, q)
			return
		}
	}
	if ok && e-s >= open+1 && string(r.src[s+open:e-1]) == q.Value {
		for i := range len(q.Value) {
			w.add([]byte{q.Value[i]}, span{s + open + i, s + open + i + 1}, false, false)
		}
		return
	}
	if !ok {
		s, e = w.start, w.end
	}
	w.add([]byte(q.Value), span{s, e}, false, false)
}

func (r *resolver) dblQuoted(w *rword, q *syntax.DblQuoted, ctx useCtx) {
	for _, part := range q.Parts {
		switch part := part.(type) {
		case *syntax.Lit:
			r.lit(w, part, true)
		case *syntax.ParamExp:
			r.param(w, part, true, ctx)
		default:
			r.unresolved(w, part)
		}
	}
}

// param expands $NAME or ${NAME} from the variable table; anything more
// elaborate stays unresolved.
func (r *resolver) param(w *rword, p *syntax.ParamExp, quoted bool, ctx useCtx) {
	name, simple := simpleParam(p)
	if simple {
		if v, ok := r.vars.lookup(name, ctx); ok && len(w.text)+len(v) <= maxWordLen {
			if !quoted && !ctx.assign && r.vars.ifsChanged() {
				// Field splitting with a custom IFS is not modelled.
				r.unresolved(w, p)
				w.mayVary = true
				return
			}
			s, e, ok := r.offsets(p)
			if !ok {
				s, e = w.start, w.end
			}
			w.add([]byte(v), span{s, e}, false, !quoted)
			return
		}
	}
	r.unresolved(w, p)
	if !quoted || p.Index != nil || p.Names != 0 || p.Excl || (p.Param != nil && p.Param.Value == "@") {
		w.mayVary = true
	}
}

// simpleParam returns NAME for $NAME or ${NAME} where NAME is an ordinary
// variable name.
func simpleParam(p *syntax.ParamExp) (string, bool) {
	if p.Param == nil || p.Flags != nil || p.Excl || p.Length || p.Width || p.IsSet ||
		p.Split != syntax.OptUnset || p.GlobSubst != syntax.OptUnset || p.RcExpand != syntax.OptUnset ||
		p.NestedParam != nil || p.Index != nil || len(p.Modifiers) > 0 || p.Slice != nil ||
		p.Repl != nil || p.Names != 0 || p.Exp != nil {
		return "", false
	}
	if !isName(p.Param.Value) {
		return "", false
	}
	return p.Param.Value, true
}

// isName reports whether s is a valid shell variable name.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// fields applies field splitting to a resolved argument: an unquoted
// expansion whose value contains blanks becomes several words, and an
// unquoted expansion that is empty disappears. Words with unresolved parts
// are returned whole.
func fields(w rword) []rword {
	if !w.known(0, len(w.text)) {
		return []rword{w}
	}
	if len(w.text) == 0 {
		if w.quoted {
			return []rword{w}
		}
		return nil
	}
	isSep := func(i int) bool {
		c := w.text[i]
		return w.split[i] && (c == ' ' || c == '\t' || c == '\n')
	}
	hasSep := false
	for i := range w.text {
		if isSep(i) {
			hasSep = true
			break
		}
	}
	if !hasSep {
		return []rword{w}
	}
	var out []rword
	for i := 0; i < len(w.text); {
		if isSep(i) {
			i++
			continue
		}
		j := i
		for j < len(w.text) && !isSep(j) {
			j++
		}
		f := rword{
			text:    w.text[i:j],
			spans:   w.spans[i:j],
			unknown: w.unknown[i:j],
			split:   w.split[i:j],
			start:   w.spans[i].start,
			end:     w.spans[j-1].end,
		}
		// Keep quotes at the edges of the word inside the region.
		if i == 0 {
			f.start = w.start
		}
		if j == len(w.text) {
			f.end = w.end
		}
		out = append(out, f)
		i = j
	}
	return out
}
