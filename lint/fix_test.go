package lint_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/lint/linttest"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

var updateFixed = flag.Bool("update-fixed", false, "rewrite the fixtures' .fixed files with what fix does now")

// TestFixFixtures runs `swarmlint fix --unsafe` on every fixture of every
// rule folder and checks it against its .fixed file (linttest.CheckFix, the
// check `swarmlint test` makes on custom rules' fixtures), and that a rule's
// METADATA documents a fix exactly when its findings offer one. Run with
// -update-fixed to (re)write the .fixed files.
func TestFixFixtures(t *testing.T) {
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := os.ReadDir("../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	offered := map[string]bool{} // rules whose fixtures got a fix
	for _, d := range dirs {
		id, ok := linttest.RuleID(d.Name())
		if !d.IsDir() || !ok {
			continue
		}
		dir := filepath.Join("../fixtures", d.Name())
		fixtures, err := linttest.Fixtures(dir, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, fx := range fixtures {
			t.Run(d.Name()+"/"+fx.Name, func(t *testing.T) {
				res, err := linttest.CheckFix(ctx, eng, fx, linttest.FixOptions{Update: *updateFixed})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range res.Problems {
					t.Error(p)
				}
				if res.Offered {
					offered[id] = true
				}
			})
		}
		orphans, err := linttest.OrphanFixed(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range orphans {
			t.Errorf("%s: no fixture beside it", o)
		}
	}
	// A rule's METADATA documents its fix (custom.fix) exactly when its
	// findings offer one.
	for _, r := range eng.Catalog() {
		switch {
		case r.Directive:
		case r.Fix != nil && !offered[r.ID]:
			t.Errorf("%s: METADATA custom.fix documents a fix, but no finding on its fixtures offers one", r.ID)
		case r.Fix == nil && offered[r.ID]:
			t.Errorf("%s: its findings offer a fix; document it in METADATA custom.fix (description, safe)", r.ID)
		}
	}
}

// ApplyFixes takes fixes in order and skips, whole, a fix with an edit
// overlapping one already taken; a fix identical to one taken counts once.
func TestApplyFixesOverlap(t *testing.T) {
	src := []byte("abcdef\n")
	e := func(s, end int, text string) report.Edit {
		return report.Edit{File: "f", StartOffset: s, EndOffset: end, NewText: text}
	}
	first := report.Fix{Description: "first", Edits: []report.Edit{e(0, 2, "AB"), e(4, 4, "+")}}
	overlapping := report.Fix{Description: "overlapping", Edits: []report.Edit{e(1, 3, "x")}}
	sameInsert := report.Fix{Description: "insert at the same place", Edits: []report.Edit{e(4, 4, "-")}}
	apart := report.Fix{Description: "apart", Edits: []report.Edit{e(5, 6, "F"), e(0, 0, "other file")}}
	apart.Edits[1].File = "g"
	out, ap, err := lint.ApplyFixes(src, "f", []report.Fix{first, overlapping, sameInsert, first, apart})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "ABcd+eF\n" {
		t.Errorf("got %q", out)
	}
	if len(ap.Fixes) != 2 || ap.Fixes[0].Description != "first" || ap.Fixes[1].Description != "apart" {
		t.Errorf("applied %+v", ap.Fixes)
	}
	if len(ap.Skipped) != 2 || ap.Skipped[0].Description != "overlapping" || ap.Skipped[1].Description != "insert at the same place" {
		t.Errorf("skipped %+v", ap.Skipped)
	}
	if _, _, err := lint.ApplyFixes(src, "f", []report.Fix{{Edits: []report.Edit{e(3, 99, "")}}}); err == nil {
		t.Error("an edit past the end of the file is not refused")
	}
}
