package script

import (
	"sort"
	"unicode/utf8"
)

// Region is a span of source text. Lines and columns are 1-based, columns
// count Unicode code points (not bytes), and EndCol is exclusive: a word
// "abc" at the start of line 3 is {3, 1, 3, 4}.
type Region struct {
	Line, Col, EndLine, EndCol int
}

// IsZero reports whether r is the zero Region, which marks an absent
// position (for example the value of a boolean flag).
func (r Region) IsZero() bool { return r == Region{} }

// lineIndex converts byte offsets into line and code-point columns.
//
// mvdan.cc/sh reports columns in bytes and stores line and column in a
// limited number of bits, so positions are recomputed from byte offsets.
type lineIndex struct {
	src    []byte
	starts []int  // byte offset at which each line starts
	ascii  []bool // the line is pure ASCII: columns are byte offsets
}

func newLineIndex(src []byte) *lineIndex {
	li := &lineIndex{src: src, starts: []int{0}, ascii: []bool{true}}
	for i, b := range src {
		switch {
		case b == '\n':
			li.starts = append(li.starts, i+1)
			li.ascii = append(li.ascii, true)
		case b >= utf8.RuneSelf:
			li.ascii[len(li.ascii)-1] = false
		}
	}
	return li
}

// lineCol returns the 1-based line and code-point column of byte offset off.
func (li *lineIndex) lineCol(off int) (line, col int) {
	off = max(0, min(off, len(li.src)))
	// The last line start that is <= off.
	i := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1
	i = max(i, 0)
	if li.ascii[i] {
		return i + 1, 1 + off - li.starts[i]
	}
	return i + 1, 1 + utf8.RuneCount(li.src[li.starts[i]:off])
}

// region returns the Region covering bytes [start, end).
func (li *lineIndex) region(start, end int) Region {
	if end < start {
		end = start
	}
	l, c := li.lineCol(start)
	el, ec := li.lineCol(end)
	return Region{Line: l, Col: c, EndLine: el, EndCol: ec}
}
