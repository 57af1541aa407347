package lint

import (
	"context"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// TestFixCorpus applies every fix, unsafe ones included, to every corpus
// file (each its own stack, every default rule): the fixed file still
// parses and Docker refuses it no more than before (no new SWL000), no
// finding with a fix is left, and fixing again changes nothing.
func TestFixCorpus(t *testing.T) {
	files := corpusFiles(t)
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	refused := func(r *report.Result) int {
		n := 0
		for _, f := range r.Findings {
			if f.RuleID == "SWL000" {
				n++
			}
		}
		return n
	}
	applied, changed := 0, 0
	for _, file := range files {
		cfg := Config{Env: map[string]string{}, Stacks: []analyzer.StackInput{{Files: []string{file}}}}
		fr, err := FixRun(ctx, eng, cfg, FixOptions{Unsafe: true}, nil)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		applied += len(fr.Applied)
		changed += len(fr.Files)
		overlay := map[string][]byte{}
		for _, f := range fr.Files {
			if _, err := analyzer.ParseYAML(f.Name, f.Fixed); err != nil {
				t.Errorf("%s: the fixed file does not parse: %v", f.Name, err)
			}
			overlay[f.Name] = f.Fixed
		}
		if refused(fr.After) > refused(fr.Before) {
			t.Errorf("%s: the fixes make Docker refuse the file", file)
		}
		for _, f := range fr.After.Findings {
			if _, ok := Eligible(f, true); ok {
				t.Errorf("%s:%d: %s still has a fix after fixing", f.File, f.StartLine, f.RuleID)
			}
		}
		if len(fr.Files) == 0 {
			continue
		}
		again := cfg
		again.Overlay = overlay
		fr2, err := FixRun(ctx, eng, again, FixOptions{Unsafe: true}, nil)
		if err != nil {
			t.Errorf("%s: fixing again: %v", file, err)
			continue
		}
		for _, f := range fr2.Files {
			t.Errorf("%s: fixing a second time changed it again", f.Name)
		}
	}
	t.Logf("%d fixes applied in %d of %d corpus files", applied, changed, len(files))
}
