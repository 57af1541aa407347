package safeio

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable replaces every control character other than tab (C0, DEL, C1:
// ESC, CR, ...) and every bidirectional override or isolate by U+FFFD, so
// text from input can neither drive a terminal (`\r\e[2K` wiping a line) nor
// forge a line in a log (`\r::error ...`) nor reorder what a reader sees.
// It keeps one rune per rune, so code-point columns stay valid.
func Printable(s string) string {
	if !strings.ContainsFunc(s, Unsafe) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if Unsafe(r) {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

// PrintableLines is Printable, keeping line feeds (for multi-line text
// that is split into lines afterwards).
func PrintableLines(s string) string {
	if !strings.ContainsFunc(s, Unsafe) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r != '\n' && Unsafe(r) {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

// Unsafe reports whether r is replaced by Printable.
func Unsafe(r rune) bool {
	switch {
	case r == '\t':
		return false
	case unicode.IsControl(r):
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true // bidi embeddings, overrides, isolates and marks
	}
	return false
}

// MaxWord is the longest run of non-space characters Shorten keeps whole;
// MaxMessage the longest message.
const (
	MaxWord    = 200
	MaxMessage = 4000
)

// Shorten bounds a message built from input values: every run of
// non-space characters longer than MaxWord bytes (a long interpolated
// value, a quoted key) keeps its start and end around an ellipsis, and the
// whole message is cut at MaxMessage bytes. Short messages come back as
// they are.
func Shorten(msg string) string {
	if len(msg) <= MaxWord {
		return msg
	}
	var b strings.Builder
	start := -1
	flush := func(end int) {
		w := msg[start:end]
		if len(w) > MaxWord {
			w = cut(w, MaxWord*3/4) + "…" + tail(w, MaxWord/4)
		}
		b.WriteString(w)
		start = -1
	}
	for i, r := range msg {
		if unicode.IsSpace(r) {
			if start >= 0 {
				flush(i)
			}
			b.WriteRune(r)
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		flush(len(msg))
	}
	out := b.String()
	if len(out) > MaxMessage {
		out = cut(out, MaxMessage) + "…"
	}
	return out
}

// cut is s's first n bytes or fewer, ending on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// tail is s's last n bytes or fewer, starting on a rune boundary.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[i:]
}
