package enginetest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// EngineFile is the name of the file, in a rule's fixture folder, that says
// what Docker must do with each of the folder's fixtures.
const EngineFile = "engine.json"

// engineSpec is one fixture's entry in engine.json, keyed by the fixture's
// name (a file name, or a sub-folder's name with a trailing slash). Every
// field is optional; see spec for their meaning.
type engineSpec struct {
	Expect     string             `json:"expect,omitempty"` // rejected | stuck | running | accepted
	Match      []string           `json:"match,omitempty"`
	Variants   bool               `json:"variants,omitempty"`
	NoVariant  map[int]string     `json:"no_variant,omitempty"`
	Skip       string             `json:"skip,omitempty"`
	SkipWhole  string             `json:"skip_whole,omitempty"`
	NotRepro   string             `json:"not_reproducible,omitempty"`
	Wait       string             `json:"wait,omitempty"` // a Go duration, e.g. "30s"
	Exclusive  bool               `json:"exclusive,omitempty"`
	Fresh      bool               `json:"fresh,omitempty"`
	Tries      int                `json:"tries,omitempty"`
	Unattended bool               `json:"unattended,omitempty"`
	Line       map[int]engineSpec `json:"line,omitempty"`
	// GoCheck says the fixture (or line) has a Check or Setup in goChecks.
	GoCheck bool `json:"go_check,omitempty"`
	// Pending marks an expectation written before any engine run (by
	// `swarmlint new-rule --builtin`): the rule's row in
	// engine-verification.md may be missing until the next run.
	Pending bool `json:"pending,omitempty"`
}

// specs are the engine expectations of every fixture, "SWL001/bad.yml" →
// spec, read from the fixture folders' engine.json with goChecks merged in.
// specsErr reports what is wrong with them (TestEngineExpectations).
var specs, specsErr = loadSpecs(fixturesRoot)

// pendingRules are the rules whose engine.json says "pending": true.
var pendingRules = map[string]bool{}

func loadSpecs(root string) (map[string]spec, error) {
	files, err := filepath.Glob(filepath.Join(root, "SWL*-*", EngineFile))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	out := map[string]spec{}
	var errs []error
	used := map[string]bool{}
	for _, file := range files {
		rule, _, _ := strings.Cut(filepath.Base(filepath.Dir(file)), "-")
		b, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var entries map[string]engineSpec
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&entries); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", file, err))
			continue
		}
		for name, e := range entries {
			key := rule + "/" + name
			if _, err := os.Stat(filepath.Join(filepath.Dir(file), strings.TrimSuffix(name, "/"))); err != nil {
				errs = append(errs, fmt.Errorf("%s: %q names no fixture of the folder", file, name))
			}
			if e.Pending {
				pendingRules[rule] = true
			}
			sp, err := e.spec(key, goChecks[key], used)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", file, err))
			}
			out[key] = sp
		}
	}
	for key := range goChecks {
		if !used[key] {
			errs = append(errs, fmt.Errorf("goChecks has %s, but its engine.json entry does not say \"go_check\": true", key))
		}
	}
	return out, errors.Join(errs...)
}

// spec converts the entry, taking Check and Setup from g when it says
// go_check.
func (e engineSpec) spec(key string, g spec, used map[string]bool) (spec, error) {
	sp := spec{Skip: e.Skip, SkipWhole: e.SkipWhole, Expect: e.Expect, Match: e.Match, Variants: e.Variants,
		NoVariant: e.NoVariant, NotRepro: e.NotRepro, Exclusive: e.Exclusive, Fresh: e.Fresh, Tries: e.Tries,
		Unattended: e.Unattended}
	switch e.Expect {
	case "", expectRejected, expectStuck, expectRunning, expectAccepted:
	default:
		return sp, fmt.Errorf("%s: expect %q: want rejected, stuck, running or accepted", key, e.Expect)
	}
	if e.Wait != "" {
		d, err := time.ParseDuration(e.Wait)
		if err != nil {
			return sp, fmt.Errorf("%s: wait: %w", key, err)
		}
		sp.Wait = d
	}
	if e.GoCheck {
		if g.Check == nil && g.Setup == nil {
			return sp, fmt.Errorf("%s says go_check, but goChecks has no Check or Setup for it", key)
		}
		sp.Check, sp.Setup = g.Check, g.Setup
		used[key] = true
	}
	for line, le := range e.Line {
		if sp.Line == nil {
			sp.Line = map[int]spec{}
		}
		lkey := fmt.Sprintf("%s line %d", key, line)
		ls, err := le.spec(lkey, g.Line[line], map[string]bool{})
		if err != nil {
			return sp, err
		}
		sp.Line[line] = ls
		if le.GoCheck {
			used[key] = true
		}
	}
	return sp, nil
}

// TestEngineExpectations needs no engine: every engine.json parses, names
// fixtures that exist, and agrees with goChecks, and every fixture that
// expects a finding (a `# want` comment) has an entry.
func TestEngineExpectations(t *testing.T) {
	if specsErr != nil {
		t.Fatal(specsErr)
	}
	all, err := ruleFixtures()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fs := range all {
		for _, f := range fs {
			bad := false
			for _, file := range append(f.Files(), filepath.Join(f.Dir, swarmInitFile)) {
				if b, err := os.ReadFile(file); err == nil && strings.Contains(string(b), "# want") && file != filepath.Join(f.Dir, swarmInitFile) {
					bad = true
				}
			}
			if _, ok := specs[key(f)]; bad && !ok {
				t.Errorf("%s: expects findings but %s/%s has no entry %q saying what Docker does with it", key(f), f.Dir, EngineFile, f.Name)
			}
			n++
		}
	}
	if n < 100 {
		t.Fatalf("only %d fixtures found", n)
	}
}
