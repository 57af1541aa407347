package lint_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/lint/linttest"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// FixedSuffix names the expected result of fixing a fixture file:
// fixtures/<ID>-*/bad.yml.fixed is bad.yml after `swarmlint fix --unsafe`
// with only that rule enabled.
const FixedSuffix = ".fixed"

var updateFixed = flag.Bool("update-fixed", false, "rewrite the fixtures' .fixed files with what fix does now")

// TestFixFixtures runs `swarmlint fix --unsafe` (lint.FixRun) on every
// fixture of every rule folder: where a fix applies, the fixed file must
// be byte for byte its .fixed file (comments, quoting and anchors kept), a
// lint of the fixed files must report none of the findings fixed, fixing
// again must change nothing, and a fixture with a .fixed file must have
// been changed. Run with -update-fixed to (re)write the .fixed files.
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
				if checkFix(t, ctx, eng, fx) {
					offered[id] = true
				}
			})
		}
		// every .fixed file belongs to a fixture file
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if name, ok := strings.CutSuffix(e.Name(), FixedSuffix); ok {
				if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
					t.Errorf("%s/%s: no fixture %s beside it", dir, e.Name(), name)
				}
			}
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

// checkFix checks one fixture and reports whether a finding offered a fix.
func checkFix(t *testing.T, ctx context.Context, eng *rules.Engine, fx linttest.Fixture) bool {
	cfg, _, params, err := fx.Config()
	if err != nil {
		t.Fatal(err)
	}
	if params != nil {
		if eng, err = eng.WithParams(ctx, rules.MergeParams(eng.Params(), params)); err != nil {
			t.Fatal(err)
		}
	}
	fr, err := lint.FixRun(ctx, eng, cfg, lint.FixOptions{Unsafe: true}, nil)
	if err != nil {
		t.Fatalf("fix: %v", err)
	}
	offered := false
	for _, f := range fr.Before.Findings {
		offered = offered || len(f.Fixes) > 0
		for _, c := range f.Fixes {
			if info := ruleFix(eng, f.RuleID); info != nil && info.Safe != c.Safe {
				t.Errorf("%s: a fix with safe %v, but METADATA custom.fix says safe: %v", f.RuleID, c.Safe, info.Safe)
			}
		}
	}
	changed := map[string][]byte{}
	for _, f := range fr.Files {
		changed[f.Name] = f.Fixed
		if _, err := analyzer.ParseYAML(f.Name, f.Fixed); err != nil {
			t.Errorf("%s: the fixed file does not parse: %v", f.Name, err)
		}
	}
	files, err := fx.Files()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		got, isChanged := changed[lint.DisplayPath(file)]
		if *updateFixed {
			if isChanged {
				if err := os.WriteFile(file+FixedSuffix, got, 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				_ = os.Remove(file + FixedSuffix)
			}
		}
		want, err := os.ReadFile(file + FixedSuffix)
		switch {
		case err != nil && isChanged:
			t.Errorf("fix changed %s, which has no %s%s with the expected result:\n%s", file, file, FixedSuffix, got)
		case err == nil && !isChanged:
			t.Errorf("%s%s expects a fix, but fix changed nothing", file, FixedSuffix)
		case err == nil && !bytes.Equal(got, want):
			t.Errorf("fixing %s:\n--- got\n%s\n--- want (%s%s)\n%s", file, got, file, FixedSuffix, want)
		}
	}
	if len(fr.Applied) == 0 {
		return offered
	}
	// A second lint does not report what was fixed.
	gone := map[string]bool{}
	for _, a := range fr.Applied {
		gone[a.Finding.Identity] = true
	}
	for _, f := range fr.After.Findings {
		if gone[f.Identity] && f.Message == findingMessage(fr, f.Identity) {
			t.Errorf("after the fix, lint still reports %s:%d:%d %s: %s", f.File, f.StartLine, f.StartCol, f.RuleID, f.Message)
		}
		if _, ok := lint.Eligible(f, true); ok {
			t.Errorf("after the fix, %s:%d:%d %s still has a fix to apply", f.File, f.StartLine, f.StartCol, f.RuleID)
		}
	}
	// Fixing twice changes nothing more.
	again := cfg
	again.Overlay = changed
	fr2, err := lint.FixRun(ctx, eng, again, lint.FixOptions{Unsafe: true}, nil)
	if err != nil {
		t.Fatalf("fixing again: %v", err)
	}
	for _, f := range fr2.Files {
		t.Errorf("fixing %s a second time changed it again:\n%s", f.Name, f.Fixed)
	}
	return offered
}

// ruleFix is a rule's documented fix.
func ruleFix(eng *rules.Engine, id string) *rules.FixInfo {
	for _, r := range eng.Catalog() {
		if r.ID == id {
			return r.Fix
		}
	}
	return nil
}

// findingMessage is the message of the fixed finding with that identity.
func findingMessage(fr *lint.FixResult, identity string) string {
	for _, a := range fr.Applied {
		if a.Finding.Identity == identity {
			return a.Finding.Message
		}
	}
	return ""
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
