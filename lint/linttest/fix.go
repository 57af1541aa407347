package linttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/rules"
)

// FixedSuffix names the expected result of fixing a fixture file:
// <ID>-<name>/bad.yml.fixed is bad.yml after `swarmlint fix --unsafe` with
// only rule <ID> enabled. A fixture file that a fix changes must have one;
// one that no fix changes must not.
const FixedSuffix = ".fixed"

// FixOptions tunes CheckFix.
type FixOptions struct {
	// Update rewrites (or removes) the .fixed files with what the fix does
	// now instead of comparing with them.
	Update bool
}

// FixResult is what CheckFix found.
type FixResult struct {
	Offered  bool     // a finding of the fixture offered a fix
	Changed  []string // the fixture files the fix changed
	Problems []string
}

// CheckFix runs `swarmlint fix --unsafe` (lint.FixRun) on one fixture and
// checks the result: every changed file is byte for byte its .fixed file
// and still parses, a file with a .fixed file was changed, a lint of the
// fixed files reports none of the findings fixed and offers no further fix,
// fixing again changes nothing, and each fix is as safe as the rule's
// METADATA custom.fix says. err is set when the fixture cannot be checked.
func CheckFix(ctx context.Context, eng *rules.Engine, f Fixture, opts FixOptions) (FixResult, error) {
	var res FixResult
	cfg, _, eng, err := f.setup(ctx, eng)
	if err != nil {
		return res, err
	}
	fr, err := lint.FixRun(ctx, eng, cfg, lint.FixOptions{Unsafe: true}, nil)
	if err != nil {
		return res, fmt.Errorf("fix: %w", err)
	}
	problem := func(format string, a ...any) { res.Problems = append(res.Problems, fmt.Sprintf(format, a...)) }
	documented := map[string]*rules.FixInfo{}
	for _, r := range eng.Catalog() {
		documented[r.ID] = r.Fix
	}
	for _, fd := range fr.Before.Findings {
		res.Offered = res.Offered || len(fd.Fixes) > 0
		for _, c := range fd.Fixes {
			if info := documented[fd.RuleID]; info != nil && info.Safe != c.Safe {
				problem("%s: a fix with safe %v, but METADATA custom.fix says safe: %v", fd.RuleID, c.Safe, info.Safe)
			}
		}
	}
	changed := map[string][]byte{}
	for _, cf := range fr.Files {
		changed[cf.Name] = cf.Fixed
		if _, err := analyzer.ParseYAML(cf.Name, cf.Fixed); err != nil {
			problem("%s: the fixed file does not parse: %v", cf.Name, err)
		}
	}
	files, err := f.Files()
	if err != nil {
		return res, err
	}
	for _, file := range files {
		got, isChanged := changed[lint.DisplayPath(file)]
		if isChanged {
			res.Changed = append(res.Changed, file)
		}
		if opts.Update {
			if isChanged {
				if err := os.WriteFile(file+FixedSuffix, got, 0o644); err != nil {
					return res, err
				}
			} else if err := os.Remove(file + FixedSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return res, err
			}
		}
		want, err := safeio.ReadFile(file+FixedSuffix, analyzer.MaxStackFileSize)
		hasFixed := err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("%s%s: %s", file, FixedSuffix, safeio.Reason(err))
		}
		switch {
		case !hasFixed && isChanged:
			problem("fix changed %s, which has no %s%s with the expected result:\n%s", file, filepath.Base(file), FixedSuffix, got)
		case hasFixed && !isChanged:
			problem("%s%s expects a fix, but fix changed nothing", file, FixedSuffix)
		case hasFixed && !bytes.Equal(got, want):
			problem("fixing %s gives another result than %s%s (- expected, + got):\n%s", file, filepath.Base(file), FixedSuffix,
				udiff.Unified(filepath.Base(file)+FixedSuffix, "fixed", string(want), string(got)))
		}
	}
	if len(fr.Applied) == 0 {
		return res, nil
	}
	// A second lint does not report what was fixed.
	fixed := map[string]string{} // identity → message of the fixed finding
	for _, a := range fr.Applied {
		fixed[a.Finding.Identity] = a.Finding.Message
	}
	for _, fd := range fr.After.Findings {
		if msg, ok := fixed[fd.Identity]; ok && fd.Message == msg {
			problem("after the fix, lint still reports %s:%d:%d %s: %s", fd.File, fd.StartLine, fd.StartCol, fd.RuleID, fd.Message)
		}
		if _, ok := lint.Eligible(fd, true); ok {
			problem("after the fix, %s:%d:%d %s still has a fix to apply", fd.File, fd.StartLine, fd.StartCol, fd.RuleID)
		}
	}
	// Fixing twice changes nothing more.
	again := cfg
	again.Overlay = changed
	fr2, err := lint.FixRun(ctx, eng, again, lint.FixOptions{Unsafe: true}, nil)
	if err != nil {
		return res, fmt.Errorf("fixing again: %w", err)
	}
	for _, cf := range fr2.Files {
		problem("fixing %s a second time changed it again:\n%s", cf.Name, cf.Fixed)
	}
	return res, nil
}

// OrphanFixed lists the .fixed files of a fixture folder that have no
// fixture file beside them (a renamed or removed fixture).
func OrphanFixed(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if name, ok := strings.CutSuffix(e.Name(), FixedSuffix); ok {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
