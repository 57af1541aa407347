package rules

import (
	"context"
	"testing"
	"time"
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
// digit matches the category folder (enforced in buildCatalog) and a test
// file beside every rule.
func TestCatalog(t *testing.T) {
	eng, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	srcs, _ := BuiltinModules()
	files := map[string]bool{}
	for _, s := range srcs {
		files[s.File] = true
	}
	for _, r := range eng.Catalog() {
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
