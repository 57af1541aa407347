package lsp

import (
	"strings"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/report"
)

// TestIgnoreAction: the inserted directive covers the finding's line as
// lint/ignore.go reads it: trailing where a comment may follow the line,
// else a comment line above the whole command (a backslash continuation
// would be broken by a trailing comment), indented like it, with the
// file's line ending.
func TestIgnoreAction(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
		want      string // the inserted text, placeholder included
	}{
		{"trailing", "services:\n  web:\n    ports:\n      - \"80:80\"\n", 4, "  # swarmlint:ignore SWL103 <reason>"},
		{"trailing after a comment", "services:\n  web: # the shop\n", 2, "  # swarmlint:ignore SWL103 <reason>"},
		{"continued command", "#!/bin/sh\ndocker network create \\\n  --subnet 10.0.0.0/24 \\\n  back\n", 3, "# swarmlint:ignore SWL103 <reason>\n"},
		{"CRLF, indented, above a blank-ended line", "a:\r\n  b: \"x\\\r\n    y\"\r\n", 3, "  # swarmlint:ignore SWL103 <reason>\r\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{})
			d := &document{uri: "file:///w/x", path: "/w/x", text: c.src, version: 3}
			fr := &fileResult{text: c.src}
			f := &report.Finding{RuleID: "SWL103", File: "x", StartLine: c.line, StartCol: 3, EndLine: c.line, EndCol: 5}
			a := s.ignoreAction(d, fr, entry{finding: f})
			edits := a.Edit.Changes[d.uri]
			if len(edits) != 1 || edits[0].NewText != c.want {
				t.Fatalf("edits %+v, want %q", edits, c.want)
			}
			tx := newText(c.src)
			from, to := tx.offset(edits[0].Range.Start), tx.offset(edits[0].Range.End)
			out := c.src[:from] + edits[0].NewText + c.src[to:]
			out = strings.Replace(out, "<reason>", "because", 1)
			line := c.line
			if !strings.HasPrefix(c.want, "  # swarmlint") || strings.HasSuffix(c.want, "\n") {
				line++ // a line was inserted above
			}
			dirs := lint.ParseDirectives("x", []byte(out))
			if len(dirs) != 1 || dirs[0].Reason != "because" || dirs[0].Target > line || dirs[0].TargetEnd < line {
				t.Errorf("directives %+v of\n%s\ndo not cover line %d", dirs, out, line)
			}
		})
	}
}

// TestLinesOverlap: a code action request is answered with the findings
// on its lines.
func TestLinesOverlap(t *testing.T) {
	r := func(a, b uint32) protocol.Range {
		return protocol.Range{Start: protocol.Position{Line: a}, End: protocol.Position{Line: b}}
	}
	if !linesOverlap(r(3, 3), r(3, 3)) || !linesOverlap(r(2, 5), r(4, 4)) || linesOverlap(r(2, 2), r(3, 4)) {
		t.Error("linesOverlap")
	}
}
