package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"

	"github.com/swarmlint/swarmlint/internal/opatest"
)

// opaCheckStrict does what `opa check --strict DIR` does: load the .rego
// files below dir (tests included) as Rego v1 with annotations, and compile
// them in strict mode with annotations as types and print statements on,
// with caps (OPA's own when nil).
func opaCheckStrict(t *testing.T, dir string, caps *ast.Capabilities) ast.Errors {
	t.Helper()
	if caps == nil {
		caps = ast.CapabilitiesForThisVersion(ast.CapabilitiesRegoVersion(ast.RegoV1))
	}
	res, err := loader.NewFileLoader().
		WithRegoVersion(ast.RegoV1).
		WithProcessAnnotation(true).
		WithCapabilities(caps).
		Filtered([]string{dir}, func(_ string, info os.FileInfo, _ int) bool {
			return !info.IsDir() && !strings.HasSuffix(info.Name(), ".rego")
		})
	if err != nil {
		t.Fatalf("loading %s: %v", dir, err)
	}
	if len(res.ParsedModules()) == 0 {
		t.Fatalf("no .rego file below %s", dir)
	}
	c := ast.NewCompiler().
		WithCapabilities(caps).
		WithEnablePrintStatements(true).
		WithStrict(true).
		WithUseTypeCheckAnnotations(true)
	c.Compile(res.ParsedModules())
	return c.Errors
}

// TestPoliciesCheckStrict: the built-in policies, their tests included, are
// `opa check --strict` clean, with OPA's capabilities and with the
// sandbox's (swarmlint capabilities); so is every policy the check can
// fail on for a reason, e.g. an unused import.
func TestPoliciesCheckStrict(t *testing.T) {
	for name, caps := range map[string]*ast.Capabilities{"opa": nil, "sandbox": Capabilities()} {
		if errs := opaCheckStrict(t, filepath.Join("..", "policies"), caps); len(errs) > 0 {
			t.Errorf("opa check --strict policies/ (%s capabilities):\n%v", name, errs)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.rego"), []byte("package p\n\nimport data.q\n\nx := 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if errs := opaCheckStrict(t, dir, nil); len(errs) == 0 || !strings.Contains(errs.Error(), "import data.q unused") {
		t.Errorf("an unused import passes the strict check: %v", errs)
	}
}

// TestPoliciesWithOPA runs the opa binary, when installed, on policies/:
// `opa fmt --list` prints nothing, `opa check --strict` passes (also with
// the sandbox's capabilities), and `opa test` passes the built-in tests.
func TestPoliciesWithOPA(t *testing.T) {
	bin := opatest.Binary(t)
	caps, err := CapabilitiesJSON()
	if err != nil {
		t.Fatal(err)
	}
	capsFile := filepath.Join(t.TempDir(), "caps.json")
	if err := os.WriteFile(capsFile, caps, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, ok := opatest.Run(t, bin, "..", "fmt", "--list", "policies"); !ok || out != "" {
		t.Errorf("opa fmt --list policies/ (ok=%v):\n%s", ok, out)
	}
	for _, args := range [][]string{
		{"check", "--strict", "policies"},
		{"check", "--strict", "--capabilities", capsFile, "policies"},
		{"test", "policies"},
	} {
		if out, ok := opatest.Run(t, bin, "..", args...); !ok {
			t.Errorf("opa %s:\n%s", strings.Join(args, " "), out)
		}
	}
}
