package lint

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/report/sariftest"
	"github.com/swarmlint/swarmlint/rules"
)

// corpusAbsent is the reason printed by the tests that use the corpus when
// it is not there (a clone with nothing beside it).
const corpusAbsent = "../shared/corpus (real-world stack files, kept outside the repository) not found next to the repository"

// corpusDir finds ../shared/corpus next to the repository (never copied in),
// or returns "".
func corpusDir(t *testing.T) string {
	dir, _ := filepath.Abs(".")
	for i := 0; i < 8; i++ {
		for _, c := range []string{filepath.Join(dir, "shared", "corpus"), filepath.Join(dir, "..", "shared", "corpus")} {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				return c
			}
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

// CorpusFiles lists every YAML file of the shared corpus.
func corpusFiles(t *testing.T) []string {
	root := corpusDir(t)
	if root == "" {
		t.Skip(corpusAbsent)
	}
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	if len(files) < 70 {
		t.Fatalf("expected 70+ corpus files, found %d", len(files))
	}
	return files
}

// TestCorpus runs every rule over every corpus file: no panic, no tool
// error (no file ends with exit code 2: a file Docker would refuse is an
// SWL000 finding at its token), every format deterministic, SARIF valid.
func TestCorpus(t *testing.T) {
	ctx := context.Background()
	eng := snapshotEngine(t)
	counts := map[string]int{}
	loadErrors := 0
	files := corpusFiles(t)
	root := corpusDir(t)
	for _, fabs := range files {
		file, _ := filepath.Rel(root, fabs)
		name := filepath.ToSlash(file)
		t.Run(name, func(t *testing.T) {
			// Lint from the corpus root, as a user would from their repository
			// root: SARIF URIs are relative to it.
			t.Chdir(root)
			cfg := Config{Stacks: []analyzer.StackInput{{Name: "corpus", Files: []string{file}}}, Env: map[string]string{}}
			var outs [2]map[string][]byte
			for run := 0; run < 2; run++ {
				res, _, err := RunWith(ctx, eng, cfg)
				// A tool error is exit code 2: no file of the corpus may
				// end that way. A file Docker refuses is an SWL000 finding.
				if err != nil {
					t.Fatalf("tool error (exit 2): %v", err)
				}
				if !res.Successful {
					t.Fatalf("tool errors (exit 2): %+v", res.Notifications)
				}
				if run == 0 {
					for _, f := range res.Findings {
						if f.RuleID == "SWL000" {
							loadErrors++
							t.Logf("SWL000 %s:%d:%d %s", f.File, f.StartLine, f.StartCol, f.Message)
						}
					}
				}
				outs[run] = map[string][]byte{}
				for _, f := range report.FormatNames() {
					w, _ := report.Lookup(f)
					var buf bytes.Buffer
					if err := w.Write(&buf, res); err != nil {
						t.Fatalf("%s writer: %v", f, err)
					}
					outs[run][f] = buf.Bytes()
				}
				if run == 0 {
					for _, f := range res.Findings {
						counts[f.RuleID]++
						if f.StartLine < 1 || f.StartCol < 1 {
							t.Errorf("finding without a position: %+v", f)
						}
					}
					sariftest.Check(t, outs[0]["sarif"], res.Sources)
				}
			}
			for f, b := range outs[0] {
				if !bytes.Equal(b, outs[1][f]) {
					t.Errorf("%s output differs between two runs", f)
				}
			}
		})
	}
	t.Logf("corpus: %d files Docker would refuse (SWL000); findings per rule: %v", loadErrors, counts)
}

// snapshotEngine is the default engine, whose built-in policies must come
// from the compiled-policy snapshot (rules/snapshot.go): the fixture,
// corpus and docker/cli oracle suites check the findings of the engine
// every run uses.
func snapshotEngine(t *testing.T) *rules.Engine {
	t.Helper()
	eng, err := rules.New(context.Background(), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !eng.FromSnapshot() {
		t.Fatal("the compiled-policy snapshot is stale, so the policies were compiled instead: run go run ./internal/docgen/gen")
	}
	return eng
}
