package rules

import (
	"bytes"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"

	"github.com/swarmlint/swarmlint/policies"
)

// TestPoliciesAreFormatted fails when a built-in .rego file is not in the
// form `opa fmt` writes, so `opa fmt --list policies/` stays empty without
// the opa binary being installed in CI. Fix with `opa fmt -w policies/`.
func TestPoliciesAreFormatted(t *testing.T) {
	n := 0
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		src, err := fs.ReadFile(policies.FS, p)
		if err != nil {
			return err
		}
		out, err := format.Source(p, src)
		if err != nil {
			t.Errorf("policies/%s: %v", p, err)
			return nil
		}
		n++
		if !bytes.Equal(src, out) {
			t.Errorf("policies/%s is not formatted: run `opa fmt -w policies/`", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no .rego files found")
	}
}

// TestScaffoldIsFormatted: the Rego files new-rule writes (custom and
// --builtin) are in `opa fmt` form, so a team's `opa fmt --list policy/`
// starts empty.
func TestScaffoldIsFormatted(t *testing.T) {
	custom, err := Scaffold(ScaffoldOptions{Name: "no-latest-tag", ID: "ACME001", Severity: SeverityWarning})
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := ScaffoldBuiltin(ScaffoldOptions{Name: "my-check", ID: "SWL199", Severity: SeverityWarning}, "ports")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, files := range []map[string][]byte{custom, builtin} {
		for name, src := range files {
			if !strings.HasSuffix(name, ".rego") {
				continue
			}
			n++
			out, err := format.Source(name, src)
			if err != nil {
				t.Errorf("%s: %v", name, err)
			} else if !bytes.Equal(src, out) {
				t.Errorf("%s is not in opa fmt form:\n%s", name, out)
			}
		}
	}
	if n != 4 {
		t.Errorf("%d Rego files scaffolded, want 4", n)
	}
}

// TestWithSeverityRef checks the hand-built reference against the parsed one.
func TestWithSeverityRef(t *testing.T) {
	if want := ast.MustParseRef("data.swarmlint.lib.result.with_severity"); !withSeverity.Equal(want) {
		t.Fatalf("withSeverity = %v, want %v", withSeverity, want)
	}
}

// TestQueryParse checks that a rule's query parsed with queryParserOptions
// is the one rego.Query parses (with its locations).
func TestQueryParse(t *testing.T) {
	q := "data.swarmlint.rules.addressing.pool_exhaustion.report"
	got, err := ast.ParseBodyWithOpts(q, queryParserOptions())
	if err != nil {
		t.Fatal(err)
	}
	want, err := ast.ParseBodyWithOpts(q, ast.ParserOptions{SkipRules: true})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(want) || got.String() != want.String() {
		t.Fatalf("query %v, want %v", got, want)
	}
	if g, w := got[0].Location, want[0].Location; g == nil || w == nil || !reflect.DeepEqual(g, w) ||
		!reflect.DeepEqual(got[0].Terms.(*ast.Term).Location, want[0].Terms.(*ast.Term).Location) {
		t.Fatalf("locations differ: %+v, want %+v", g, w)
	}
}
