package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestCaretLine(t *testing.T) {
	tests := []struct {
		name, text  string
		start, end  int
		pad, marker string
	}{
		{"ascii", "    image: postgres", 12, 20, "           ", "^~~~~~~~"},
		{"one column", "abc", 2, 3, " ", "^"},
		{"tabs kept", "\t\tkey: v", 3, 6, "\t\t", "^~~"},
		{"wide before", "a: \"🚀 launch\"", 7, 13, "       ", "^~~~~~"},
		{"wide inside", "x: 日本", 4, 6, "   ", "^~~~"},
		{"combining", "e\u0301x", 3, 4, " ", "^"},
		{"past end", "ab", 3, 5, "  ", "^~"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pad, marker := caretLine(tt.text, tt.start, tt.end)
			if pad != tt.pad || marker != tt.marker {
				t.Errorf("caretLine(%q, %d, %d) = %q, %q; want %q, %q", tt.text, tt.start, tt.end, pad, marker, tt.pad, tt.marker)
			}
		})
	}
}

func TestTextFrames(t *testing.T) {
	r := &Result{
		Sources: map[string][]byte{"s.yml": []byte("a: 1\r\nlong_key: value\r\nz: \x1b[31mred\n")},
		Findings: []Finding{
			{RuleID: "SWL1", Level: "error", Message: "multi-line", File: "s.yml", StartLine: 2, StartCol: 11, EndLine: 3, EndCol: 2},
			{RuleID: "SWL2", Level: "warning", Message: "no end", File: "s.yml", StartLine: 1, StartCol: 4},
			{RuleID: "SWL3", Level: "note", Message: "escape", File: "s.yml", StartLine: 3, StartCol: 4, EndLine: 3, EndCol: 9},
			{RuleID: "SWL4", Level: "note", Message: "no source", File: "other.yml", StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 2},
		},
	}
	var buf bytes.Buffer
	if err := (TextWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := `other.yml:1:1: note SWL4 no source

s.yml:1:4: warning SWL2 no end
 1 | a: 1
   |    ^
s.yml:2:11: error SWL1 multi-line
 2 | long_key: value
   |           ^~~~~
s.yml:3:4: note SWL3 escape
 3 | z: ` + "\uFFFD" + `[31mred
   |    ^~~~~

4 findings (1 error, 1 warning, 2 notes) in 2 files
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(buf.String(), "\x1b") {
		t.Error("escape sequence from the source reached the output")
	}
}

func TestTextSummary(t *testing.T) {
	tests := []struct {
		t    tally
		n    int
		want string
	}{
		{tally{}, 0, "no findings"},
		{tally{errors: 1, files: 1}, 0, "1 finding (1 error) in 1 file"},
		{tally{errors: 1, warnings: 2, files: 2}, 0, "3 findings (1 error, 2 warnings) in 2 files"},
		{tally{notes: 2, suppressed: 3, files: 1}, 1, "2 findings (2 notes) in 1 file, 3 suppressed, 1 tool message"},
		{tally{errors: 2, files: 1, fixable: 1}, 0, "2 findings (2 errors) in 1 file, 1 fixable with swarmlint fix"},
		{tally{errors: 2, files: 1, fixable: 1, unsafeFixable: 1}, 0, "2 findings (2 errors) in 1 file, 1 fixable with swarmlint fix (1 more with --unsafe)"},
		{tally{errors: 2, files: 1, unsafeFixable: 2}, 0, "2 findings (2 errors) in 1 file, 2 fixable with swarmlint fix --unsafe"},
		{tally{suppressed: 1}, 2, "no findings, 1 suppressed, 2 tool messages"},
	}
	for _, tt := range tests {
		if got := textSummary(tt.t, tt.n); got != tt.want {
			t.Errorf("textSummary(%+v, %d) = %q, want %q", tt.t, tt.n, got, tt.want)
		}
	}
}

func TestUTF16Column(t *testing.T) {
	for _, tt := range []struct {
		text     string
		col, out int
	}{
		{"abc", 1, 1}, {"abc", 3, 3}, {"abc", 4, 4}, {"abc", 6, 6},
		{"🚀x", 2, 3}, {"🚀x", 3, 4}, {"é😀😀x", 4, 6}, {"日本x", 3, 3},
	} {
		if got := utf16Column(tt.text, tt.col); got != tt.out {
			t.Errorf("utf16Column(%q, %d) = %d, want %d", tt.text, tt.col, got, tt.out)
		}
	}
}

func TestFixRegion(t *testing.T) {
	c := newSourceCache(map[string][]byte{"f": []byte("abcdef\nxy\n")})
	for _, tt := range []struct{ in, want span }{
		{span{1, 2, 1, 4}, span{1, 2, 1, 4}},
		{span{0, 0, 0, 0}, span{1, 1, 1, 7}}, // unknown: whole line
		{span{1, 3, 1, 3}, span{1, 3, 1, 7}}, // empty: to end of line
		{span{2, 3, 2, 0}, span{2, 3, 2, 4}}, // at end of line: one past it
		{span{1, 2, 2, 0}, span{1, 2, 2, 3}}, // multi-line, unknown end column
		{span{2, 1, 1, 1}, span{2, 1, 2, 3}}, // end before start
		{span{9, 1, 9, 0}, span{9, 1, 9, 2}}, // no such line
	} {
		if got := c.fix("f", tt.in); got != tt.want {
			t.Errorf("fix(%+v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// TestTextMultiLineNotification: a tool message of several lines (policy
// errors with OPA's have/want details) keeps its line breaks, continuation
// lines indented; a carriage return or escape in it is still replaced.
func TestTextMultiLineNotification(t *testing.T) {
	r := &Result{Findings: []Finding{}, Sources: map[string][]byte{}, Notifications: []Notification{{Level: "error",
		Message: "p/x.rego:13:7: rego_type_error: concat: invalid argument(s)\n\thave: (string, number)\n\twant: (string, array[string])\np/y.rego:2:1: rego_parse_error: \x1b[2Kbad\r\n"}}}
	var buf bytes.Buffer
	if err := (TextWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := "swarmlint: tool-error p/x.rego:13:7: rego_type_error: concat: invalid argument(s)\n" +
		"    \thave: (string, number)\n" +
		"    \twant: (string, array[string])\n" +
		"    p/y.rego:2:1: rego_parse_error: \uFFFD[2Kbad\uFFFD\n" +
		"\nno findings, 1 tool message\n"
	if got := buf.String(); got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
}
