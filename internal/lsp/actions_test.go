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

// TestActionEncodings: a client that takes LSP 3.18 snippet edits gets the
// suppression as a snippet with the reason as its placeholder (and no
// command); one that takes documentChanges gets versioned edits, for the
// suppression and for a fix, so that a stale buffer rejects them.
func TestActionEncodings(t *testing.T) {
	src := "services:\n  web:\n    ports:\n      - \"80:80\"\n"
	d := &document{uri: "file:///w/stack.yml", path: "/w/stack.yml", text: src, version: 7}
	fr := &fileResult{text: src}
	f := &report.Finding{RuleID: "SWL101", File: "/w/stack.yml", StartLine: 4, StartCol: 9, EndLine: 4, EndCol: 16}

	s := New(Options{})
	s.caps = clientCaps{snippetEdits: true, documentChanges: true, showDocument: true}
	a := s.ignoreAction(d, fr, entry{finding: f})
	if a.Command != nil || a.Edit == nil || len(a.Edit.DocumentChanges) != 1 {
		t.Fatalf("snippet action %+v", a)
	}
	tde := a.Edit.DocumentChanges[0].(protocol.TextDocumentEdit)
	sn, ok := tde.Edits[0].(snippetTextEdit)
	if !ok || sn.Snippet.Kind != "snippet" || sn.Snippet.Value != "  # swarmlint:ignore SWL101 ${1:<reason>}" || *tde.TextDocument.Version != 7 {
		t.Errorf("snippet edit %+v", tde)
	}
	if snippetEscape(`a$b}c\`) != `a\$b\}c\\` {
		t.Errorf("snippetEscape")
	}

	s.caps = clientCaps{documentChanges: true}
	f.Fixes = []report.Fix{{Description: "publish 80/tcp in host mode", Safe: false, Edits: []report.Edit{
		{File: "/w/stack.yml", StartLine: 4, StartCol: 9, EndLine: 4, EndCol: 16, StartOffset: 36, EndOffset: 43, NewText: "x"}}}}
	s.docs[d.uri] = d
	fa, ok := s.fixAction(d, fr, entry{finding: f}, f.Fixes[0])
	if !ok || fa.Title != "Fix SWL101 (unsafe, changes behaviour): publish 80/tcp in host mode" || len(fa.Edit.DocumentChanges) != 1 {
		t.Fatalf("fix action %+v", fa)
	}
	fe := fa.Edit.DocumentChanges[0].(protocol.TextDocumentEdit)
	te := fe.Edits[0].(protocol.TextEdit)
	want := protocol.Range{Start: protocol.Position{Line: 3, Character: 8}, End: protocol.Position{Line: 3, Character: 15}}
	if fe.TextDocument.URI != d.uri || *fe.TextDocument.Version != 7 || te.Range != want || te.NewText != "x" {
		t.Errorf("fix edit %+v %+v", fe, te)
	}
	// an edit past the end of the text it was made for is not offered
	f.Fixes[0].Edits[0].EndOffset = len(src) + 1
	if _, ok := s.fixAction(d, fr, entry{finding: f}, f.Fixes[0]); ok {
		t.Error("a fix with an offset past the text was offered")
	}
}
