package lint_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/swarmlint/swarmlint/lint/linttest"
	"github.com/swarmlint/swarmlint/rules"
)

// TestFixtures is the golden test: every `# want:` must be matched by a
// finding starting on that line, and every finding must be wanted. In
// fixtures/<ID>-*/ only that rule runs; in fixtures/_stacks/ all rules run.
// The fixture forms and the want contract are linttest's, shared with
// `swarmlint test`.
func TestFixtures(t *testing.T) {
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !eng.FromSnapshot() {
		// The findings checked here are those of the engine every run uses.
		t.Fatal("the compiled-policy snapshot is stale, so the policies were compiled instead: run go run ./internal/docgen/gen")
	}
	dirs, err := os.ReadDir("../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		id, ok := linttest.RuleID(d.Name())
		if !ok && d.Name() != "_stacks" {
			continue
		}
		fixtures, err := linttest.Fixtures(filepath.Join("../fixtures", d.Name()), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fixtures {
			t.Run(d.Name()+"/"+f.Name, func(t *testing.T) {
				res, err := linttest.Check(ctx, eng, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range res.Problems {
					t.Error(p)
				}
			})
		}
	}
}
