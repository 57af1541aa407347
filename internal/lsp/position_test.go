package lsp

import (
	"strings"
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/swarmlint/swarmlint/rules"
)

// TestPositions: swarmlint's 1-based code-point columns become 0-based
// UTF-16 characters; a code point outside the BMP counts two units, one
// in the BMP (é, 中) one; "\r\n", "\n" and a lone "\r" end lines.
func TestPositions(t *testing.T) {
	src := "a: 1\r\nlabel: \"😀 x\" # é中 y\rlast: z\n"
	tx := newText(src)
	if tx.lines() != 4 || tx.line(1) != "label: \"😀 x\" # é中 y" || tx.line(2) != "last: z" || tx.line(3) != "" {
		t.Fatalf("lines: %d %q %q %q", tx.lines(), tx.line(1), tx.line(2), tx.line(3))
	}
	for _, c := range []struct {
		line, col int
		want      protocol.Position
	}{
		{1, 1, protocol.Position{Line: 0, Character: 0}},
		{2, 9, protocol.Position{Line: 1, Character: 8}},   // the emoji
		{2, 10, protocol.Position{Line: 1, Character: 10}}, // after it: two units
		{2, 16, protocol.Position{Line: 1, Character: 16}}, // é
		{2, 18, protocol.Position{Line: 1, Character: 18}}, // after 中
		{2, 30, protocol.Position{Line: 1, Character: 30}}, // past the end: one unit a column
		{3, 1, protocol.Position{Line: 2, Character: 0}},   // after a lone \r
	} {
		if got := tx.position(c.line, c.col); got != c.want {
			t.Errorf("position(%d, %d) = %+v, want %+v", c.line, c.col, got, c.want)
		}
		if c.col < 20 {
			if back := tx.column(c.want); back != c.col {
				t.Errorf("column(%+v) = %d, want %d", c.want, back, c.col)
			}
		}
	}
	// byte offsets (fix edits) and back
	for _, off := range []int{0, 6, 14, 18, 23, len(src)} {
		p := tx.offsetPosition(off)
		if back := tx.offset(p); back != off {
			t.Errorf("offset %d → %+v → %d", off, p, back)
		}
	}
	if p := tx.offsetPosition(18); p != (protocol.Position{Line: 1, Character: 10}) {
		t.Errorf("offset after the emoji: %+v", p)
	}
	// inside a surrogate pair: the end of the code point
	if off := tx.offset(protocol.Position{Line: 1, Character: 9}); off != 18 {
		t.Errorf("offset inside the emoji = %d, want 18", off)
	}
	if tx.lineEnding() != "\r\n" {
		t.Errorf("line ending %q", tx.lineEnding())
	}
}

func TestURIs(t *testing.T) {
	for uri, want := range map[string]string{
		"file:///work/a%20b/stack.yml":   "/work/a b/stack.yml",
		"file://localhost/work/x.yml":    "/work/x.yml",
		"untitled:Untitled-1":            "",
		"file://server/share/x.yml":      "",
		"git:/work/x.yml?ref=HEAD":       "",
		"%zz":                            "",
		"file:///work/../etc/passwd.yml": "/etc/passwd.yml",
	} {
		if got := uriPath(uri); got != want {
			t.Errorf("uriPath(%q) = %q, want %q", uri, got, want)
		}
	}
	if got := pathURI("/work/a b/stack.yml"); got != "file:///work/a%20b/stack.yml" {
		t.Errorf("pathURI = %q", got)
	}
}

// TestRulePage: a built-in rule's page is the generated one, a custom
// rule's is made from its METADATA, anything else says it is no rule.
func TestRulePage(t *testing.T) {
	if p := rulePage("SWL101", nil); !strings.Contains(p, "SWL101") || !strings.Contains(p, "dnsrr") {
		t.Errorf("built-in page %q", p)
	}
	custom := []rules.Rule{{ID: "ACME001", Name: "labels", Title: "services carry an owner label", Severity: "warning",
		Description: "Every service names its team.", Remediation: "Add an owner label.", Related: []rules.Link{{URL: "https://wiki.example/labels"}}}}
	p := rulePage("acme001", custom)
	for _, want := range []string{"# ACME001 labels", "services carry an owner label", "Every service names its team.", "Add an owner label.", "<https://wiki.example/labels>"} {
		if !strings.Contains(p, want) {
			t.Errorf("custom page %q lacks %q", p, want)
		}
	}
	if p := rulePage("XYZ123", custom); !strings.Contains(p, "not a swarmlint rule") {
		t.Errorf("unknown id: %q", p)
	}
}
