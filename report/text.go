package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/swarmlint/swarmlint/internal/safeio"
)

// TextWriter writes findings for people: "file:line:col: level ID message"
// grouped by file, each with a code frame that underlines the region, and a
// closing summary line. Tool notifications come first as
// "file:line:col: tool-error message". Suppressed findings are only counted.
// Color adds ANSI colours; the caller decides (terminal, NO_COLOR).
type TextWriter struct {
	Color bool
}

// Write writes r to w.
func (t TextWriter) Write(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	p := palette(t.Color)
	src := newSourceCache(r.Sources)
	for _, n := range r.Notifications {
		// A message of several lines (several policy errors, OPA's
		// have/want details) keeps its line breaks, continuation lines
		// indented below the first.
		lines := strings.Split(strings.TrimRight(safeio.PrintableLines(n.Message), "\n"), "\n")
		fmt.Fprintf(bw, "%s %s %s\n", p.loc(notificationPos(n)+":"), p.level("tool-"+notificationLevel(n.Level)), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(bw, "    %s\n", l)
		}
	}
	file := ""
	blockStarted := len(r.Notifications) > 0
	for _, f := range sortedFindings(r.Findings) {
		if f.Suppression != nil {
			continue
		}
		if f.File != file || !blockStarted {
			if blockStarted {
				bw.WriteString("\n")
			}
			file, blockStarted = f.File, true
		}
		writeFinding(bw, p, src, f)
	}
	if blockStarted {
		bw.WriteString("\n")
	}
	bw.WriteString(p.bold(textSummary(countFindings(r.Findings), len(r.Notifications))) + "\n")
	return bw.Flush()
}

func writeFinding(w *bufio.Writer, p colors, src *sourceCache, f Finding) {
	level := normLevel(f.Level)
	pos := fmt.Sprintf("%s:%d:%d:", printable(f.File), f.StartLine, f.StartCol)
	fmt.Fprintf(w, "%s %s %s %s\n", p.loc(pos), p.levelAs(level, level), p.dim(f.RuleID), printable(f.Message))
	writeFrame(w, p, level, src, f)
	for _, l := range f.Related {
		msg := strings.TrimSpace(l.Message)
		if msg == "" {
			msg = "related location"
		}
		fmt.Fprintf(w, "  %s %s:%d:%d: %s\n", p.dim("related:"), printable(l.File), l.StartLine, l.StartCol, printable(msg))
	}
}

// writeFrame prints the first line of the region with a line-number gutter
// and a caret line ("^~~~") under StartCol..EndCol; a region spanning lines
// is underlined to the end of its first line. Nothing is printed when the
// source line is unknown.
func writeFrame(w *bufio.Writer, p colors, level string, src *sourceCache, f Finding) {
	text, ok := src.line(f.File, f.StartLine)
	if !ok {
		return
	}
	text = printable(text)
	sp := src.fix(f.File, span{f.StartLine, f.StartCol, f.EndLine, f.EndCol})
	end := sp.EndCol
	eol := utf8.RuneCountInString(text) + 1
	if sp.EndLine > sp.StartLine || end == 0 {
		end = eol
	}
	start := min(sp.StartCol, eol)
	end = max(end, start+1)

	num := strconv.Itoa(f.StartLine)
	gutter := strings.Repeat(" ", len(num))
	fmt.Fprintf(w, " %s %s %s\n", p.dim(num), p.dim("|"), text)
	pad, marker := caretLine(text, start, end)
	fmt.Fprintf(w, " %s %s %s%s\n", gutter, p.dim("|"), pad, p.levelAs(level, marker))
}

// caretLine returns the indentation before column start and the "^~~~"
// marker for columns start..end (exclusive). Tabs are copied so the caret
// lines up with the source line; wide (East Asian, emoji) characters take
// two cells and combining marks none, as in a terminal.
func caretLine(text string, start, end int) (pad, marker string) {
	var b strings.Builder
	cells, col := 0, 1
	for _, r := range text {
		if col >= end {
			break
		}
		w := cellWidth(r)
		switch {
		case col < start && r == '\t':
			b.WriteByte('\t')
		case col < start:
			b.WriteString(strings.Repeat(" ", w))
		default:
			cells += w
		}
		col++
	}
	if col < start {
		b.WriteString(strings.Repeat(" ", start-col))
		col = start
	}
	cells += max(end-col, 0) // columns past the end of the line
	return b.String(), "^" + strings.Repeat("~", max(cells-1, 0))
}

// cellWidth is the number of terminal cells r occupies.
func cellWidth(r rune) int {
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// notificationPos is "file:line:col", shortened when parts are unknown.
func notificationPos(n Notification) string {
	switch {
	case n.File == "":
		return "swarmlint"
	case n.Line <= 0:
		return printable(n.File)
	case n.Col <= 0:
		return fmt.Sprintf("%s:%d", printable(n.File), n.Line)
	}
	return fmt.Sprintf("%s:%d:%d", printable(n.File), n.Line, n.Col)
}

// notificationLevel maps a notification level onto error, warning or note:
// SARIF's "none" is a note, anything unknown an error.
func notificationLevel(l string) string {
	switch l {
	case levelWarning, levelNote:
		return l
	case "none":
		return levelNote
	}
	return levelError
}

// textSummary is e.g. "3 findings (1 error, 2 warnings) in 2 files", or
// "no findings", followed by how many findings have a fix (safe, then only
// unsafe) and suppressed and tool-error counts when non-zero.
func textSummary(t tally, notifications int) string {
	s := "no findings"
	if t.total() > 0 {
		var parts []string
		for _, c := range []struct {
			n         int
			one, many string
		}{{t.errors, "error", "errors"}, {t.warnings, "warning", "warnings"}, {t.notes, "note", "notes"}} {
			if c.n > 0 {
				parts = append(parts, plural(c.n, c.one, c.many))
			}
		}
		s = fmt.Sprintf("%s (%s) in %s", plural(t.total(), "finding", "findings"),
			strings.Join(parts, ", "), plural(t.files, "file", "files"))
		switch {
		case t.fixable > 0 && t.unsafeFixable > 0:
			s += fmt.Sprintf(", %d fixable with swarmlint fix (%d more with --unsafe)", t.fixable, t.unsafeFixable)
		case t.fixable > 0:
			s += fmt.Sprintf(", %d fixable with swarmlint fix", t.fixable)
		case t.unsafeFixable > 0:
			s += fmt.Sprintf(", %d fixable with swarmlint fix --unsafe", t.unsafeFixable)
		}
	}
	if t.suppressed > 0 {
		s += ", " + strconv.Itoa(t.suppressed) + " suppressed"
	}
	if notifications > 0 {
		s += ", " + plural(notifications, "tool message", "tool messages")
	}
	return s
}
