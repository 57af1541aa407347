package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/swarmlint/swarmlint/internal/safeio"
	"github.com/swarmlint/swarmlint/lint/linttest"
	"github.com/swarmlint/swarmlint/rules"
)

// loadPolicyDirs reads the .rego files of every --policy (or test) DIR.
func loadPolicyDirs(dirs []string) ([]rules.Module, error) {
	var custom []rules.Module
	for _, dir := range dirs {
		mods, err := rules.LoadDir(dir)
		if err != nil {
			return nil, err
		}
		custom = append(custom, mods...)
	}
	return custom, nil
}

type testFlags struct {
	run      string
	coverage bool
	verbose  bool
	timeout  time.Duration
	data     []string
}

func newTest(stdout, stderr io.Writer) *cobra.Command {
	tf := &testFlags{}
	c := &cobra.Command{
		Use:   "test [flags] [DIR...]",
		Short: "Run the Rego tests and the fixtures of custom rules",
		Long: `test checks custom rules in two ways:

  - every rule named test_* in DIR's .rego files runs with OPA's tester,
    in the same sandbox as linting, with swarmlint's libraries loaded;
  - every fixture in DIR/fixtures/<ID>-<name>/ is linted with only rule <ID>
    enabled, and its findings must match its "# want: <ID>" comments exactly
    (a missing or an unexpected finding fails). A fixture is a stack file
    (*.yml), a sub-folder (one stack merged from its files in name order),
    a bootstrap script (*.sh) or a daemon*.json; a swarm-init.txt in the
    folder is passed as --swarm-init to its file fixtures. A comment
    "# fixture: --stack NAME --data FILE" in a fixture sets its stack name
    and adds parameters (FILE relative to the fixture).

--data applies to the fixtures only: Rego tests set their parameters with
"with data.swarmlint.params as {...}".

Without DIR, the built-in rules' own Rego tests run.
Exit codes: 0 all passed, 1 a test failed, 2 the policies do not load or
no test was found.`,
		Example: `  swarmlint test policy
  swarmlint test --coverage policy
  swarmlint test --run 'no_latest_tag' policy`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTest(cmd.Context(), tf, args, stdout, stderr)
		},
	}
	f := c.Flags()
	f.StringVar(&tf.run, "run", "", "run only tests whose package.name (or fixture ID-name/file.yml, ID-name/folder/) matches `REGEX`")
	f.BoolVar(&tf.coverage, "coverage", false, "print line coverage of the rules under test")
	f.BoolVarP(&tf.verbose, "verbose", "v", false, "print the print() output of passing tests too")
	f.DurationVar(&tf.timeout, "timeout", rules.DefaultTestTimeout, "stop a test (or a fixture's evaluation) after this long")
	f.StringArrayVar(&tf.data, "data", nil, "rule parameters for the fixtures from a JSON or YAML `FILE`, as data.swarmlint.params (repeatable)")
	return c
}

// fixtureResult is the outcome of one fixture file.
type fixtureResult struct {
	file     string
	wants    int
	fixed    int  // fixture files a fix changed (each checked against its .fixed file)
	orphan   bool // a .fixed file without its fixture
	problems []string
}

func runTest(ctx context.Context, tf *testFlags, dirs []string, stdout, stderr io.Writer) error {
	var runRe *regexp.Regexp
	if tf.run != "" {
		re, err := regexp.Compile(tf.run)
		if err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("--run: %w", err)}
		}
		runRe = re
	}
	custom, err := loadPolicyDirs(dirs)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	params, err := rules.ReadParams(tf.data...)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	// Compiling the engine first checks METADATA and the sandbox exactly as
	// linting does; the engine then lints the fixtures.
	eng, err := rules.New(ctx, rules.Options{Custom: custom, Params: params, Timeout: tf.timeout})
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	// --data is for the fixtures; a Rego test that needs parameters sets
	// them itself (with data.swarmlint.params as ...), so that its outcome
	// does not depend on the command line.
	rep, err := rules.RunTests(ctx, rules.TestOptions{Custom: custom, Run: tf.run, Coverage: tf.coverage, Timeout: tf.timeout})
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	var fixtures []fixtureResult
	for _, dir := range dirs {
		fs, err := checkFixtures(ctx, eng, dir, runRe)
		if err != nil {
			return &exitError{code: ExitError, err: err}
		}
		fixtures = append(fixtures, fs...)
	}
	if len(rep.Results) == 0 && len(fixtures) == 0 {
		where := "the built-in rules"
		if len(dirs) > 0 {
			where = strings.Join(dirs, ", ")
		}
		if tf.run != "" {
			where += " matching --run " + tf.run
		}
		return &exitError{code: ExitError, err: fmt.Errorf("no tests found in %s: name Rego tests test_* in *_test.rego files, and put fixtures in DIR/fixtures/<ID>-<name>/*.yml", where)}
	}
	passed, failed, skipped := 0, 0, 0
	for _, r := range rep.Results {
		fmt.Fprintf(stdout, "%-5s %s:%d: %s.%s\n", r.Status, r.File, r.Line, strings.TrimPrefix(r.Package, "data."), r.Name)
		switch r.Status {
		case rules.TestPass:
			passed++
		case rules.TestSkip:
			skipped++
		default:
			failed++
		}
		if r.Output != "" && (r.Status == rules.TestFail || r.Status == rules.TestError || tf.verbose) {
			writeIndented(stdout, r.Output)
		}
		if r.Err != "" {
			writeIndented(stdout, r.Err)
		}
	}
	for _, f := range fixtures {
		status := rules.TestPass
		if len(f.problems) > 0 {
			status = rules.TestFail
			failed++
		} else {
			passed++
		}
		if f.orphan {
			fmt.Fprintf(stdout, "%-5s %s: expected result of a fix\n", status, filepath.ToSlash(f.file))
			for _, p := range f.problems {
				writeIndented(stdout, p)
			}
			continue
		}
		fixed := ""
		if f.fixed > 0 {
			fixed = fmt.Sprintf(", %d fixed %s", f.fixed, plural(f.fixed, "file"))
		}
		fmt.Fprintf(stdout, "%-5s %s: fixture, %d wanted %s%s\n", status, filepath.ToSlash(f.file), f.wants, plural(f.wants, "finding"), fixed)
		for _, p := range f.problems {
			writeIndented(stdout, p)
		}
	}
	if tf.coverage {
		writeCoverage(stdout, rep)
	}
	fmt.Fprintf(stdout, "\n%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 {
		return &exitError{code: ExitFindings}
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func writeIndented(w io.Writer, text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(w, "      %s\n", line)
	}
}

func writeCoverage(w io.Writer, rep *rules.TestReport) {
	fmt.Fprintf(w, "\ncoverage %.1f%%\n", rep.Percent)
	for _, c := range rep.Coverage {
		fmt.Fprintf(w, "  %5.1f%% %s", c.Percent, c.File)
		if len(c.Lines) > 0 {
			fmt.Fprintf(w, " (not covered: lines %s)", strings.Join(c.Lines, ", "))
		}
		fmt.Fprintln(w)
	}
}

// checkFixtures checks every fixture of DIR/fixtures/<ID>-*/ with only rule
// <ID> enabled: the same fixture forms, want contract and fix check
// (<file>.fixed) as swarmlint's own fixtures (package linttest).
func checkFixtures(ctx context.Context, eng *rules.Engine, dir string, runRe *regexp.Regexp) ([]fixtureResult, error) {
	root := filepath.Join(dir, "fixtures")
	ents, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []fixtureResult
	for _, d := range ents {
		id, ok := linttest.RuleID(d.Name())
		if !d.IsDir() || !ok {
			continue
		}
		folder := filepath.Join(root, d.Name())
		fixtures, err := linttest.Fixtures(folder, id)
		if err != nil {
			return nil, err
		}
		for _, f := range fixtures {
			if runRe != nil && !runRe.MatchString(d.Name()+"/"+f.Name) {
				continue
			}
			res, err := linttest.Check(ctx, eng, f)
			if err != nil {
				res.Problems = []string{err.Error()}
			}
			fr := fixtureResult{file: f.Path, wants: res.Wants, problems: res.Problems}
			if err == nil {
				fix, err := linttest.CheckFix(ctx, eng, f, linttest.FixOptions{})
				if err != nil {
					fix.Problems = append(fix.Problems, err.Error())
				}
				fr.fixed = len(fix.Changed)
				fr.problems = append(fr.problems, fix.Problems...)
			}
			out = append(out, fr)
		}
		if runRe == nil {
			orphans, err := linttest.OrphanFixed(folder)
			if err != nil {
				return nil, err
			}
			for _, o := range orphans {
				out = append(out, fixtureResult{file: o, orphan: true, problems: []string{"no fixture file beside it: rename or remove it"}})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].file < out[j].file })
	return out, nil
}

type newRuleFlags struct {
	dir      string
	id       string
	severity string
	force    bool
	builtin  bool
	category string
}

func newNewRule(stdout io.Writer) *cobra.Command {
	nf := &newRuleFlags{}
	c := &cobra.Command{
		Use:   "new-rule [flags] NAME",
		Short: "Start a custom rule: a working example with Rego tests and fixtures",
		Long: `new-rule writes a custom rule NAME (kebab-case) into DIR:

  DIR/<name>.rego                       the rule, with METADATA
  DIR/<name>_test.rego                  its Rego tests
  DIR/fixtures/<ID>-<name>/bad.yml      a stack file it reports ("# want:" comments)
  DIR/fixtures/<ID>-<name>/good.yml     a stack file it accepts

The example flags images without a pinned tag; it already passes
'swarmlint test DIR' and fires on bad.yml. Edit it into your own check:
docs/custom-rules.md is the tutorial, docs/model.md lists the input.

With --builtin (in a clone of swarmlint) it writes a built-in rule of
--category instead, with the next free id of that category:

  policies/<category>/<name>.rego and <name>_test.rego
  fixtures/<ID>-<name>/bad.yml, good.yml
  fixtures/<ID>-<name>/engine.json      what Docker must do with bad.yml
                                        (pending until the engine suite ran)

then 'go run ./internal/docgen/gen' and 'go test -short ./...' pass; no
Go file to edit and no Docker needed (README: Adding a built-in rule).`,
		Example: `  swarmlint new-rule --dir policy --id ACME001 no-latest-tag
  swarmlint test policy
  swarmlint --policy policy docker-stack.yml
  swarmlint new-rule --builtin --category ports my-port-check`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNewRule(cmd.Context(), nf, args[0], stdout)
		},
	}
	f := c.Flags()
	f.StringVar(&nf.dir, "dir", "policy", "write the rule into `DIR`")
	f.StringVar(&nf.id, "id", "", "rule `ID`: your own prefix and three digits (default: the next free "+rules.DefaultCustomPrefix+"nnn in DIR)")
	f.StringVar(&nf.severity, "severity", rules.SeverityWarning, "default `LEVEL` of its findings: error, warning or note")
	f.BoolVar(&nf.force, "force", false, "overwrite existing files")
	f.BoolVar(&nf.builtin, "builtin", false, "write a built-in rule into this clone of swarmlint (policies/, fixtures/) instead of a custom rule")
	f.StringVar(&nf.category, "category", "", "with --builtin: the rule's `CATEGORY` (deploy, ports, addressing, encryption, ingress, cluster)")
	return c
}

func runNewRule(ctx context.Context, nf *newRuleFlags, name string, stdout io.Writer) error {
	if nf.builtin {
		return runNewBuiltinRule(nf, name, stdout)
	}
	if nf.category != "" {
		return &exitError{code: ExitError, err: errors.New("--category needs --builtin")}
	}
	used, err := rules.UsedCustomIDs(nf.dir)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	id := strings.ToUpper(nf.id)
	if id == "" {
		if id, err = rules.NextCustomID(nf.dir, rules.DefaultCustomPrefix); err != nil {
			return &exitError{code: ExitError, err: err}
		}
	} else if used[id] && !nf.force {
		return &exitError{code: ExitError, err: fmt.Errorf("--id %s is already used by a rule in %s", id, nf.dir)}
	}
	files, err := rules.Scaffold(rules.ScaffoldOptions{Name: name, ID: id, Severity: nf.severity})
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	names := make([]string, 0, len(files))
	for rel := range files {
		names = append(names, rel)
		if _, err := os.Stat(filepath.Join(nf.dir, rel)); err == nil && !nf.force {
			return &exitError{code: ExitError, err: fmt.Errorf("%s already exists; choose another name or pass --force", filepath.Join(nf.dir, rel))}
		}
	}
	sort.Strings(names)
	// The new rule must load beside the rules already in DIR (unique ids and
	// names, no package clash) before anything is written.
	existing, err := loadExisting(nf.dir)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	for _, rel := range names {
		if strings.HasSuffix(rel, ".rego") {
			p := filepath.ToSlash(filepath.Join(nf.dir, rel))
			existing = dropModule(existing, p)
			existing = append(existing, rules.Module{File: p, Source: files[rel], Custom: true})
		}
	}
	if _, err := rules.New(ctx, rules.Options{Custom: existing}); err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("the new rule would not load beside the rules in %s:\n%w", nf.dir, err)}
	}
	for _, rel := range names {
		p := filepath.Join(nf.dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return &exitError{code: ExitError, err: err}
		}
		if err := safeio.WriteFile(p, files[rel]); err != nil {
			return &exitError{code: ExitError, err: err}
		}
		fmt.Fprintf(stdout, "created %s\n", filepath.ToSlash(p))
	}
	fmt.Fprintf(stdout, "\nRule %s is a working example. Edit %s, then:\n  swarmlint test %s\n  swarmlint --policy %s docker-stack.yml\n",
		id, filepath.ToSlash(filepath.Join(nf.dir, strings.ReplaceAll(name, "-", "_")+".rego")), nf.dir, nf.dir)
	return nil
}

func loadExisting(dir string) ([]rules.Module, error) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return rules.LoadDir(dir)
}

func dropModule(mods []rules.Module, file string) []rules.Module {
	out := mods[:0]
	for _, m := range mods {
		if m.File != file {
			out = append(out, m)
		}
	}
	return out
}

// runNewBuiltinRule writes a built-in rule into the clone of swarmlint that
// the working directory is in.
func runNewBuiltinRule(nf *newRuleFlags, name string, stdout io.Writer) error {
	if nf.category == "" {
		return &exitError{code: ExitError, err: errors.New("--builtin needs --category (deploy, ports, addressing, encryption, ingress or cluster)")}
	}
	root, err := swarmlintRoot()
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	id := strings.ToUpper(nf.id)
	if id == "" {
		if id, err = rules.NextBuiltinID(filepath.Join(root, "policies"), filepath.Join(root, "fixtures"), nf.category); err != nil {
			return &exitError{code: ExitError, err: err}
		}
	}
	files, err := rules.ScaffoldBuiltin(rules.ScaffoldOptions{Name: name, ID: id, Severity: nf.severity}, nf.category)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	names := make([]string, 0, len(files))
	for rel := range files {
		names = append(names, rel)
		if _, err := os.Stat(filepath.Join(root, rel)); err == nil && !nf.force {
			return &exitError{code: ExitError, err: fmt.Errorf("%s already exists; choose another name or pass --force", rel)}
		}
	}
	if dirs, _ := filepath.Glob(filepath.Join(root, "fixtures", id+"-*")); len(dirs) > 0 && !nf.force {
		return &exitError{code: ExitError, err: fmt.Errorf("%s is already used by %s", id, filepath.ToSlash(dirs[0]))}
	}
	sort.Strings(names)
	for _, rel := range names {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return &exitError{code: ExitError, err: err}
		}
		if err := safeio.WriteFile(p, files[rel]); err != nil {
			return &exitError{code: ExitError, err: err}
		}
		fmt.Fprintf(stdout, "created %s\n", rel)
	}
	fmt.Fprintf(stdout, "\nRule %s is a working example (it flags unpinned images). Make it yours, say in engine.json\n"+
		"what Docker does with bad.yml, then:\n  go run ./internal/docgen/gen\n  go vet ./... && go test -short ./...\n", id)
	return nil
}

// swarmlintRoot is the clone of swarmlint the working directory is in: the
// nearest directory upwards with swarmlint's go.mod and a policies folder.
func swarmlintRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := safeio.ReadFile(filepath.Join(dir, "go.mod"), 1<<20); err == nil && strings.Contains(string(b), "module github.com/swarmlint/swarmlint\n") {
			if st, err := os.Stat(filepath.Join(dir, "policies")); err == nil && st.IsDir() {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("--builtin writes into a clone of swarmlint: run it inside one (no go.mod of github.com/swarmlint/swarmlint with a policies folder found here or above)")
		}
		dir = parent
	}
}
