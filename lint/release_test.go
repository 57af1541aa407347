package lint

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/stackgen"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// TestReleasedDocsLocateTheSame checks that dropping the parsed nodes of a
// stack file while the rules run (done for large files, here for every
// file) changes nothing: the same findings at the same places, with the
// same fixes (planned on the nodes, which are parsed again), for every
// fixture and a generated stack.
func TestReleasedDocsLocateTheSame(t *testing.T) {
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := allFixtureFiles(t)
	gen := filepath.Join(t.TempDir(), "gen-300.yml")
	if err := os.WriteFile(gen, stackgen.Generate(stackgen.Options{Services: 300, Seed: 300}), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, gen)
	run := func(f string, at int) string {
		t.Helper()
		releaseDocsAt = at
		defer func() { releaseDocsAt = analyzer.ReleaseAt }()
		res, _, err := RunWith(ctx, eng, Config{Stacks: []analyzer.StackInput{{Files: []string{f}}}, Env: map[string]string{}})
		if err != nil {
			return "error: " + err.Error()
		}
		var buf bytes.Buffer
		if err := (report.JSONWriter{}).Write(&buf, res); err != nil {
			t.Fatal(err)
		}
		return buf.String() // with each finding's fixes, planned on the nodes
	}
	located := 0
	for _, f := range files {
		kept, released := run(f, math.MaxInt), run(f, 0)
		if kept != released {
			t.Errorf("%s: with the nodes released during evaluation the report differs:\nkept:\n%s\nreleased:\n%s", f, kept, released)
		}
		if bytes.Contains([]byte(kept), []byte(`"start_line"`)) {
			located++
		}
	}
	if located < 50 {
		t.Fatalf("only %d of %d files had located findings: the comparison checks too little", located, len(files))
	}
}
