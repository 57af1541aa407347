package report_test

import (
	"bufio"
	"bytes"
	"slices"
	"strconv"
	"testing"

	"github.com/swarmlint/swarmlint/report"
)

func TestGitHubEscaping(t *testing.T) {
	if got := report.EscapeData("50% done\r\nnext: a,b"); got != "50%25 done%0D%0Anext: a,b" {
		t.Errorf("EscapeData = %q", got)
	}
	if got := report.EscapeProperty("C:\\a,b%\n"); got != "C%3A\\a%2Cb%25%0A" {
		t.Errorf("EscapeProperty = %q", got)
	}
	// ESC, BEL, C1 and bidi overrides never reach the log raw
	if got := report.EscapeData("a\x1b]2;x\x07\u009b\u202eb\r"); got != "a\ufffd]2;x\ufffd\ufffd\ufffdb%0D" {
		t.Errorf("EscapeData = %q", got)
	}
	if got := report.EscapeProperty("f\x1b[2K.yml"); got != "f\ufffd[2K.yml" {
		t.Errorf("EscapeProperty = %q", got)
	}
}

// TestGitHubWriterNeutralises: a finding whose message and file carry
// terminal escapes is written without them.
func TestGitHubWriterNeutralises(t *testing.T) {
	r := sampleResult()
	r.Findings[0].Message = "service \"\x1b[2K\" \r::error::forged"
	r.Findings[0].File = "a\x1b.yml"
	out := render(t, report.GitHubWriter{}, r)
	if bytes.ContainsAny(out, "\x1b\r") || !bytes.Contains(out, []byte("%0D::error::forged")) {
		t.Errorf("%q", out)
	}
}

// Any text survives WorkflowCommand → ParseWorkflowCommand unchanged.
func TestGitHubRoundTrip(t *testing.T) {
	texts := []string{"", "plain", "a:b,c=d", "%", "%25", "%3A%2C%0A%0D", "100%\r\n::error::x", "x\ry\nz", "%%0A", "::", "ünï 🚀"}
	for _, value := range texts {
		for _, msg := range texts {
			line := report.WorkflowCommand("warning", []string{"file", value, "title", "SWL001"}, msg)
			c, err := report.ParseWorkflowCommand(line)
			if err != nil {
				t.Fatalf("parse %q: %v", line, err)
			}
			if c.Command != "warning" || c.Properties["file"] != value || c.Properties["title"] != "SWL001" || c.Message != msg {
				t.Errorf("round trip of (%q, %q) via %q gave %+v", value, msg, line, c)
			}
			if !slices.Equal(c.Keys, []string{"file", "title"}) {
				t.Errorf("keys = %q", c.Keys)
			}
		}
	}
}

func TestParseWorkflowCommandErrors(t *testing.T) {
	for _, line := range []string{"error::x", "::error", "::error file::x", ":: a=b::x"} {
		if _, err := report.ParseWorkflowCommand(line); err == nil {
			t.Errorf("ParseWorkflowCommand(%q) succeeded", line)
		}
	}
}

// Every line GitHubWriter writes parses back to its finding.
func TestGitHubWriterParses(t *testing.T) {
	r := sampleResult()
	r.Findings[0].Message = "multi\nline, with: 100%"
	out := render(t, report.GitHubWriter{}, r)
	sc := bufio.NewScanner(bytes.NewReader(out))
	i := 0
	for sc.Scan() {
		c, err := report.ParseWorkflowCommand(sc.Text())
		if err != nil {
			t.Fatal(err)
		}
		f := r.Findings[i]
		want := map[string]string{"file": f.File, "line": strconv.Itoa(f.StartLine), "col": strconv.Itoa(f.StartCol),
			"endLine": strconv.Itoa(f.EndLine), "endColumn": strconv.Itoa(f.EndCol), "title": f.RuleID}
		for k, v := range want {
			if c.Properties[k] != v {
				t.Errorf("line %d: %s = %q, want %q", i+1, k, c.Properties[k], v)
			}
		}
		if c.Message != f.Message {
			t.Errorf("line %d: message %q, want %q", i+1, c.Message, f.Message)
		}
		if wantCmd := map[string]string{"error": "error", "warning": "warning", "note": "notice"}[f.Level]; c.Command != wantCmd {
			t.Errorf("line %d: command %q for level %s", i+1, c.Command, f.Level)
		}
		i++
	}
	if i != len(r.Findings) {
		t.Errorf("got %d lines, want %d", i, len(r.Findings))
	}
}
