package report

import (
	"strings"
	"unicode/utf8"
)

// sourceCache splits the Result's source files into lines on first use.
type sourceCache struct {
	src   map[string][]byte
	lines map[string][]string
}

func newSourceCache(src map[string][]byte) *sourceCache {
	return &sourceCache{src: src, lines: map[string][]string{}}
}

// line returns the text of a 1-based line without its line terminator.
func (c *sourceCache) line(file string, n int) (string, bool) {
	ls, ok := c.lines[file]
	if !ok {
		b, found := c.src[file]
		if !found {
			return "", false
		}
		ls = splitLines(string(b))
		c.lines[file] = ls
	}
	if n < 1 || n > len(ls) {
		return "", false
	}
	return ls[n-1], true
}

// splitLines splits on YAML's line breaks: \r\n, \n and a lone \r (the
// YAML parser numbers lines that way, and so does GitHub's line hash).
func splitLines(s string) []string {
	return strings.Split(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n")
}

// span is a region in code-point columns; EndCol is exclusive and 0 means
// "unknown" (SARIF then defaults to the end of the line).
type span struct {
	StartLine, StartCol, EndLine, EndCol int
}

// fix makes a region valid for every format: lines and columns at least 1,
// the end not before the start, and never an empty one-line region (a zero
// width region is invalid in SARIF and invisible in GitHub). An unknown or
// empty end is widened to the end of the line when the source is known.
func (c *sourceCache) fix(file string, s span) span {
	s.StartLine = max(s.StartLine, 1)
	s.StartCol = max(s.StartCol, 1)
	if s.EndLine < s.StartLine {
		s.EndLine = s.StartLine
	}
	if (s.EndLine == s.StartLine && s.EndCol <= s.StartCol) || s.EndCol < 1 {
		s.EndCol = 0
		if text, ok := c.line(file, s.EndLine); ok {
			if eol := utf8.RuneCountInString(text) + 1; s.EndLine > s.StartLine || eol > s.StartCol {
				s.EndCol = eol
			}
		}
		if s.EndCol == 0 && s.EndLine == s.StartLine {
			s.EndCol = s.StartCol + 1
		}
	}
	return s
}

// utf16Column converts a 1-based code-point column in text to a 1-based
// UTF-16 code-unit column: every rune outside the BMP before the column
// counts twice. Columns past the end of the line count one unit each.
func utf16Column(text string, col int) int {
	if col < 1 {
		return col
	}
	units, n := 1, 1
	for _, r := range text {
		if n >= col {
			break
		}
		units += utf16Len(r)
		n++
	}
	return units + col - n
}

func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}
