package stackgen

import (
	"bytes"
	"strings"
	"testing"
)

func TestGenerateIsDeterministicAndSized(t *testing.T) {
	a := Generate(Options{Services: 50, Seed: 7})
	if !bytes.Equal(a, Generate(Options{Services: 50, Seed: 7})) {
		t.Fatal("same options, different stacks")
	}
	if bytes.Equal(a, Generate(Options{Services: 50, Seed: 8})) {
		t.Fatal("the seed changes nothing")
	}
	if n := strings.Count(string(a), "\n  svc"); n != 50 {
		t.Fatalf("%d services, want 50", n)
	}
	if n := strings.Count(string(Generate(Options{Services: 50, Networks: 7})), "\n  net"); n != 7 {
		t.Fatalf("%d networks, want 7", n)
	}
}
