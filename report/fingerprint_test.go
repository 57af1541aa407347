package report

import (
	"slices"
	"strings"
	"testing"
)

// Test vectors from GitHub codeql-action's fingerprint tests (src/fingerprints.test.ts).
func TestLineHashesVectors(t *testing.T) {
	greetings := []string{
		"e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1",
		"b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1",
	}
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", []string{"c129715d7a2bc9a3:1"}},
		{"blanks", " a\nb\n  \t\tc\n d", []string{
			"271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"}},
		{"lf", " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", greetings},
		{"cr", " hello; \t\rworld!!!\r\r\r  \t\tGreetings\r End\r", greetings},
		{"crlf", " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", greetings},
		{"mixed", " hello; \t\r\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", greetings},
		{"repeated", strings.Repeat("Lorem ipsum dolor sit amet.\n", 10), []string{
			"a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3", "a7f2ff13bc495cf2:4",
			"a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6", "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1",
			"55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"}},
		{"code", "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n", []string{
			"e54938cc54b302f1:1", "bb609acbe9138d60:1", "1131fd5871777f34:1", "5c482a0f8b35ea28:1",
			"54517377da7028d2:1", "2c644846cb18d53e:1", "f1b89f20de0d133:1", "c129715d7a2bc9a3:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LineHashes([]byte(tt.in)); !slices.Equal(got, tt.want) {
				t.Errorf("LineHashes(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// A small example stack.
func TestLineHashExampleStack(t *testing.T) {
	src := []byte("version: \"3.8\"\nservices:\n  web:\n    image: nginx:1.25\n    privileged: true\n" +
		"    deploy:\n      replicas: 2\n  db:\n    image: postgres\n")
	for line, want := range map[int]string{5: "9dc4549370207c4:1", 9: "6b7002b108b68d0d:1"} {
		if got := LineHash(src, line); got != want {
			t.Errorf("LineHash(line %d) = %q, want %q", line, got, want)
		}
	}
	if got := LineHash(src, 11); got != "" {
		t.Errorf("LineHash past the end = %q, want empty", got)
	}
}

func TestLineHashesOneValuePerLine(t *testing.T) {
	for _, in := range []string{"a", "a\n", "a\r\nb", "\n\n\n", "é😀\nx", strings.Repeat("y\n", 250)} {
		want := len(splitLines(in))
		if got := LineHashes([]byte(in)); len(got) != want || slices.Contains(got, "") {
			t.Errorf("LineHashes(%q) = %d values %q, want %d non-empty", in, len(got), got, want)
		}
	}
}
