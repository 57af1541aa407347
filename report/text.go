package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
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
		fmt.Fprintf(bw, "%s %s %s\n", p.loc(notificationPos(n)+":"), p.level("tool-"+notificationLevel(n.Level)), printable(n.Message))
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
	marker := "^" + strings.Repeat("~", end-start-1)
	fmt.Fprintf(w, " %s %s %s%s\n", gutter, p.dim("|"), caretPadding(text, start), p.levelAs(level, marker))
}

// caretPadding returns the indentation before column col: tabs are kept so
// the caret lines up with the source line, everything else becomes a space.
func caretPadding(text string, col int) string {
	var b strings.Builder
	n := 1
	for _, r := range text {
		if n >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		n++
	}
	b.WriteString(strings.Repeat(" ", col-n))
	return b.String()
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

// notificationLevel maps a notification level onto error, warning or note;
// anything unknown is an error.
func notificationLevel(l string) string {
	switch l {
	case levelWarning, levelNote:
		return l
	}
	return levelError
}

// textSummary is e.g. "3 findings (1 error, 2 warnings) in 2 files", or
// "no findings", followed by suppressed and tool-error counts when non-zero.
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
	}
	if t.suppressed > 0 {
		s += ", " + strconv.Itoa(t.suppressed) + " suppressed"
	}
	if notifications > 0 {
		s += ", " + plural(notifications, "tool message", "tool messages")
	}
	return s
}
