package report

import (
	"strconv"
	"unicode/utf16"
)

// Parameters of GitHub's primaryLocationLineHash (github/codeql-action src/fingerprints.ts): a
// polynomial rolling hash, base 37, modulo 2^64, over a window of 100
// characters with spaces and tabs left out.
const (
	lineHashWindow        = 100
	lineHashBase   uint64 = 37
	lineHashEOF    uint64 = 0xFFFF // pseudo-character fed after the last one
)

// lineHashDrop is base^window: the weight of the character leaving the window.
var lineHashDrop = func() uint64 {
	p := uint64(1)
	for range lineHashWindow {
		p *= lineHashBase
	}
	return p
}()

// LineHashes returns the primaryLocationLineHash value GitHub's upload-sarif
// action would compute for every line of src: element i is the value for line
// i+1. Each value is the unpadded lower-case hex hash of the 100 non-blank
// UTF-16 code units starting at that line, then ":" and the occurrence count
// of that hash in the file. A final line terminator starts one more line (the
// hash of end-of-file), so "" has one line and "a\n" two.
func LineHashes(src []byte) []string {
	h := lineHasher{seen: map[string]int{}, lineStart: true}
	for _, u := range utf16.Encode([]rune(string(src))) {
		h.feed(uint64(u))
	}
	h.feed(lineHashEOF)
	for range lineHashWindow {
		h.emitIfLineStart()
		h.push(0)
	}
	return h.out
}

// LineHash returns the primaryLocationLineHash of 1-based line in src, or ""
// when src has no such line.
func LineHash(src []byte, line int) string {
	hs := LineHashes(src)
	if line < 1 || line > len(hs) {
		return ""
	}
	return hs[line-1]
}

// lineHasher is the streaming state: the window of the last 100 characters
// and, for each slot, the line that starts there (0 when none does). When a
// slot comes round again, the hash covers the 100 characters from that line
// start onwards and is emitted for it.
type lineHasher struct {
	window    [lineHashWindow]uint64
	starts    [lineHashWindow]int
	pos       int
	sum       uint64
	line      int
	lineStart bool // the next kept character begins a line
	afterCR   bool // the previous character was \r
	seen      map[string]int
	out       []string
}

func (h *lineHasher) feed(c uint64) {
	switch {
	case c == ' ' || c == '\t':
		h.afterCR = false
		return
	case c == '\n' && h.afterCR:
		h.afterCR = false // \r\n is one line break
		return
	}
	h.afterCR = c == '\r'
	if c == '\r' {
		c = '\n'
	}
	h.emitIfLineStart()
	if h.lineStart {
		h.lineStart = false
		h.line++
		h.starts[h.pos] = h.line
	}
	if c == '\n' {
		h.lineStart = true
	}
	h.push(c)
}

func (h *lineHasher) push(c uint64) {
	leaving := h.window[h.pos]
	h.window[h.pos] = c
	h.sum = h.sum*lineHashBase + c - lineHashDrop*leaving
	h.pos = (h.pos + 1) % lineHashWindow
}

// emitIfLineStart records the hash for the line starting in the current slot,
// whose 100 characters are now all in the window.
func (h *lineHasher) emitIfLineStart() {
	line := h.starts[h.pos]
	if line == 0 {
		return
	}
	h.starts[h.pos] = 0
	hex := strconv.FormatUint(h.sum, 16)
	h.seen[hex]++
	for len(h.out) < line {
		h.out = append(h.out, "")
	}
	h.out[line-1] = hex + ":" + strconv.Itoa(h.seen[hex])
}
