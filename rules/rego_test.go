package rules

import (
	"context"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestRegoTests runs every built-in policy's _test.rego with OPA's tester.
func TestRegoTests(t *testing.T) {
	srcs, err := BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	mods, err := ParseModules(srcs)
	if err != nil {
		t.Fatal(err)
	}
	comp := ast.NewCompiler().WithCapabilities(Capabilities()).WithEnablePrintStatements(true).WithDefaultRegoVersion(ast.RegoV1)
	ch, err := tester.NewRunner().SetCompiler(comp).SetModules(mods).RaiseBuiltinErrors(true).
		SetTimeout(10*time.Second).RunTests(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ch {
		n++
		if r.Fail || r.Error != nil {
			t.Errorf("%s: %s.%s failed: %v\n%s", r.Location, r.Package, r.Name, r.Error, r.Output)
		}
	}
	if n == 0 {
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
