package rules

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// TestRegoTests runs every built-in policy's _test.rego exactly as
// `swarmlint test` does (same sandbox, strict compiler).
func TestRegoTests(t *testing.T) {
	rep, err := RunTests(context.Background(), TestOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Status == TestFail || r.Status == TestError {
			t.Errorf("%s:%d: %s.%s: %s %s\n%s", r.File, r.Line, r.Package, r.Name, r.Status, r.Err, r.Output)
		}
	}
	if len(rep.Results) == 0 {
		t.Fatal("no Rego tests ran")
	}
}

// TestCatalog checks the catalog built from METADATA: unique ids whose
// digit matches the category folder (enforced in buildCatalog), a test file
// beside every rule, and the written style of every entry: a title is a
// fragment starting with a capital letter and without a final period, a
// remediation ends with a period, and the summary (SARIF fullDescription)
// is written to fit GitHub's 1,024 characters instead of being cut.
func TestCatalog(t *testing.T) {
	eng, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range eng.Catalog() {
		if first, _ := utf8.DecodeRuneInString(r.Title); !unicode.IsUpper(first) {
			t.Errorf("%s: title %q must start with a capital letter (rephrase when it starts with a key: \"Option encrypted ...\")", r.ID, r.Title)
		}
		if strings.HasSuffix(r.Title, ".") {
			t.Errorf("%s: title %q is a fragment: no final period", r.ID, r.Title)
		}
		if rem := strings.TrimSpace(r.Remediation); !strings.HasSuffix(rem, ".") {
			t.Errorf("%s: remediation must be sentences ending with a period: %q", r.ID, rem)
		}
		if n := len(utf16.Encode([]rune(r.Summary))); n == 0 || n > 1024 {
			t.Errorf("%s: summary has %d UTF-16 units; SARIF fullDescription takes at most 1,024: write METADATA custom.summary (a few sentences) or shorten the description's first paragraph", r.ID, n)
		}
	}
	srcs, _ := BuiltinModules()
	files := map[string]bool{}
	for _, s := range srcs {
		files[s.File] = true
	}
	for _, r := range eng.Catalog() {
		if r.Directive {
			continue // checked in Go (lint/ignore.go), tested in lint/ignore_test.go
		}
		test := r.File[:len(r.File)-len(".rego")] + "_test.rego"
		if !files[test] {
			t.Errorf("%s (%s) has no %s", r.ID, r.File, test)
		}
		if r.Remediation == "" {
			t.Errorf("%s has no custom.remediation", r.ID)
		}
		if len(r.Related) == 0 {
			t.Errorf("%s has no related_resources", r.ID)
		}
	}
}
