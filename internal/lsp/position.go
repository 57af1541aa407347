package lsp

import (
	"strings"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// text is a document's content split into lines the way both YAML and
// LSP split them: at "\r\n", "\n" and a lone "\r". swarmlint's positions
// are 1-based lines and 1-based columns in Unicode code points (EndCol
// exclusive, report.Finding); LSP's are 0-based lines and 0-based
// characters in UTF-16 code units (the protocol's default encoding, which
// this server always uses).
type text struct {
	s string
	// starts[i] is the byte offset of line i; ends[i] the offset of its
	// terminator (or of the end of the text).
	starts, ends []int
}

func newText(s string) *text {
	t := &text{s: s, starts: []int{0}}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			t.ends = append(t.ends, i)
			t.starts = append(t.starts, i+1)
		case '\r':
			t.ends = append(t.ends, i)
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			t.starts = append(t.starts, i+1)
		}
	}
	t.ends = append(t.ends, len(s))
	return t
}

// lines is the number of lines (a text ending in a line break has an empty
// last line, as editors show it).
func (t *text) lines() int { return len(t.starts) }

// line returns 0-based line n without its terminator ("" past the end).
func (t *text) line(n int) string {
	if n < 0 || n >= len(t.starts) {
		return ""
	}
	return t.s[t.starts[n]:t.ends[n]]
}

// position converts a 1-based line and 1-based code-point column into an
// LSP position. A column past the end of its line counts one unit per
// column, as report's SARIF conversion does; clients clamp it to the line.
func (t *text) position(line, col int) protocol.Position {
	if line < 1 {
		return protocol.Position{}
	}
	if col < 1 {
		col = 1
	}
	return protocol.Position{Line: uint32(line - 1), Character: uint32(utf16Units(t.line(line-1), col-1))}
}

// utf16Units counts the UTF-16 code units of the first n code points of s,
// plus one unit for every code point past its end.
func utf16Units(s string, n int) int {
	units := 0
	for _, r := range s {
		if n == 0 {
			return units
		}
		units += utf16Len(r)
		n--
	}
	return units + n
}

func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

// offsetPosition converts a byte offset into an LSP position.
func (t *text) offsetPosition(off int) protocol.Position {
	off = max(0, min(off, len(t.s)))
	// the last line starting at or before off
	lo, hi := 0, len(t.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	end := min(off, t.ends[lo])
	seg := t.s[t.starts[lo]:end]
	return protocol.Position{Line: uint32(lo), Character: uint32(utf16Units(seg, utf8.RuneCountInString(seg)))}
}

// offset converts an LSP position into a byte offset: a line past the end
// is the end of the text, a character past the end of its line the end of
// the line, a character inside a surrogate pair the end of that code point.
func (t *text) offset(p protocol.Position) int {
	n := int(p.Line)
	if n >= len(t.starts) {
		return len(t.s)
	}
	line := t.line(n)
	units, want := 0, int(p.Character)
	for i, r := range line {
		if units >= want {
			return t.starts[n] + i
		}
		units += utf16Len(r)
	}
	return t.ends[n]
}

// column converts an LSP position into a 1-based code-point column of its
// line (the unit of swarmlint's positions).
func (t *text) column(p protocol.Position) int {
	n := int(p.Line)
	if n >= len(t.starts) {
		return 1
	}
	off := t.offset(p)
	return utf8.RuneCountInString(t.s[t.starts[n]:off]) + 1
}

// lineEnding is the document's first line terminator ("\n" when it has
// none), for inserting whole lines.
func (t *text) lineEnding() string {
	for i := 0; i+1 < len(t.starts); i++ {
		if term := t.s[t.ends[i]:t.starts[i+1]]; term != "" {
			return term
		}
	}
	return "\n"
}

// indent is the leading white space of s.
func indent(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, " \t"))]
}
