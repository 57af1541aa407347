package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/stackgen"
	"github.com/swarmlint/swarmlint/rules"
)

// TestInputValueOfModels checks that the fast conversion of the model into
// the Rego input (rules.InputValue) gives exactly what ast.InterfaceToValue
// gives, for every fixture, every corpus file and generated stacks.
func TestInputValueOfModels(t *testing.T) {
	files := allFixtureFiles(t)
	if corpusDir(t) != "" {
		files = append(files, corpusFiles(t)...)
	} else {
		t.Log(corpusAbsent + ": corpus files not checked")
	}
	dir := t.TempDir()
	generated := map[string]bool{}
	for _, n := range []int{30, 300} {
		f := filepath.Join(dir, fmt.Sprintf("gen-%d.yml", n))
		if err := os.WriteFile(f, stackgen.Generate(stackgen.Options{Services: n, Seed: uint64(n)}), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		generated[f] = true
	}
	checked := 0
	for _, f := range files {
		a, err := analyzer.Load(context.Background(), analyzer.Options{Stacks: []analyzer.StackInput{{Files: []string{f}}},
			Env: map[string]string{}})
		if err != nil {
			if generated[f] {
				t.Fatalf("generated stack: %v", err)
			}
			continue // load errors of fixtures and corpus files are other tests' business
		}
		want, err := ast.InterfaceToValue(a.Model)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rules.InputValue(a.Model)
		if err != nil {
			t.Fatal(err)
		}
		if got.Compare(want) != 0 {
			t.Errorf("%s: rules.InputValue differs from ast.InterfaceToValue", f)
		}
		checked++
	}
	if checked < 50 {
		t.Errorf("only %d models checked", checked)
	}
}
