package lint

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/swarmlint/swarmlint/rules"
)

// TestFixtures is the golden test: every `# want:` must be matched by a
// finding starting on that line, and every finding must be wanted. In
// fixtures/<ID>-*/ only that rule runs; in fixtures/_stacks/ all rules run.
// The want contract lives in want.go, shared with `swarmlint test`.
func TestFixtures(t *testing.T) {
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := os.ReadDir("../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join("../fixtures", d.Name())
		var enable []string
		if id, ok := FixtureRuleID(d.Name()); ok {
			enable = []string{id}
		} else if d.Name() != "_stacks" {
			continue
		}
		files, err := fixtureInputFiles(dir) // stacks and *.sh scripts (fixture_inputs_test.go)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			t.Run(d.Name()+"/"+filepath.Base(file), func(t *testing.T) {
				checkFixture(t, ctx, eng, file, enable)
			})
		}
	}
}

func checkFixture(t *testing.T, ctx context.Context, eng *rules.Engine, file string, enable []string) {
	problems, err := checkInputFixture(ctx, eng, file, enable)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
