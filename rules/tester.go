package rules

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// DefaultTestTimeout bounds one Rego test when TestOptions.Timeout is zero.
const DefaultTestTimeout = 5 * time.Second

// TestOptions configure RunTests.
type TestOptions struct {
	// Custom are policy files with their *_test.rego files. When empty, the
	// built-in policies' own tests run instead.
	Custom []Module
	// Run selects tests by a regular expression over "package.test_name",
	// like opa test --run.
	Run string
	// Coverage computes line coverage of the policies under test.
	Coverage bool
	// Timeout bounds each test (default DefaultTestTimeout).
	Timeout time.Duration
	// Params becomes data.swarmlint.params, as when linting.
	Params map[string]any
}

// Test statuses.
const (
	TestPass  = "PASS"
	TestFail  = "FAIL"
	TestError = "ERROR"
	TestSkip  = "SKIP"
)

// TestResult is the outcome of one Rego test rule.
type TestResult struct {
	Package string // data.acme.rules.no_latest_tag_test
	Name    string // test_untagged_image_is_reported
	File    string
	Line    int
	Status  string // TestPass, TestFail, TestError or TestSkip
	Err     string // the error, for TestError
	Output  string // print() output
}

// FileCoverage is the line coverage of one policy file.
type FileCoverage struct {
	File       string
	Percent    float64
	Covered    int
	NotCovered int
	// Lines lists the lines not covered, as "12" or "12-14".
	Lines []string
}

// TestReport is the outcome of RunTests: results sorted by file and line,
// and coverage per policy file (when asked for).
type TestReport struct {
	Results  []TestResult
	Coverage []FileCoverage
	// Percent is the coverage over all files in Coverage.
	Percent float64
}

// RunTests runs the `test_*` rules of the custom policies (or, without
// custom policies, of the built-ins) with OPA's tester, in the same sandbox
// and with the same compiler settings as linting. The built-in libraries
// (data.swarmlint.lib.*) are always loaded, so tests can exercise rules
// that build findings with them.
func RunTests(ctx context.Context, opts TestOptions) (*TestReport, error) {
	if opts.Run != "" {
		if _, err := regexp.Compile(opts.Run); err != nil {
			return nil, fmt.Errorf("--run: %w", err)
		}
	}
	builtins, err := BuiltinModules()
	if err != nil {
		return nil, err
	}
	var srcs []Module
	for _, b := range builtins {
		if len(opts.Custom) == 0 || !IsTestFile(b.File) {
			srcs = append(srcs, b)
		}
	}
	custom := map[string]bool{}
	for _, c := range opts.Custom {
		c.Custom = true
		custom[c.File] = true
		srcs = append(srcs, c)
	}
	mods, err := ParseModules(srcs)
	if err != nil {
		return nil, err
	}
	if err := checkNamespaces(mods, custom); err != nil {
		return nil, err
	}
	params, err := normalizeParams(opts.Params)
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTestTimeout
	}
	// A fresh compiler: the runner adds its own stages and compiles the modules.
	runner := tester.NewRunner().
		SetCompiler(NewCompiler(true)).
		SetModules(mods).
		SetStore(newStore(ParamsData(params))).
		CapturePrintOutput(true).
		RaiseBuiltinErrors(true).
		SetTimeout(timeout).
		Filter(opts.Run)
	var cov *cover.Cover
	if opts.Coverage {
		cov = cover.New()
		runner.SetCoverageQueryTracer(cov)
	}
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		var ae ast.Errors
		if errors.As(err, &ae) {
			return nil, PolicyError{Errors: ae}
		}
		return nil, err
	}
	rep := &TestReport{}
	for r := range ch {
		rep.Results = append(rep.Results, testResult(r))
	}
	sort.Slice(rep.Results, func(i, j int) bool {
		a, b := rep.Results[i], rep.Results[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Name < b.Name
	})
	if cov != nil {
		under := func(file string) bool {
			if IsTestFile(file) {
				return false
			}
			if len(opts.Custom) > 0 {
				return custom[file]
			}
			return !strings.HasPrefix(file, "policies/lib/")
		}
		coverage(rep, cov.Report(mods), under)
	}
	return rep, nil
}

func testResult(r *tester.Result) TestResult {
	tr := TestResult{Package: r.Package, Name: r.Name, Output: string(r.Output), Status: TestPass}
	if r.Location != nil {
		tr.File, tr.Line = r.Location.File, r.Location.Row
	}
	switch {
	case r.Skip:
		tr.Status = TestSkip
	case r.Error != nil:
		tr.Status, tr.Err = TestError, r.Error.Error()
		// An error inside swarmlint's own policies, whose paths are not in
		// the author's repository, says what the path is.
		var te *topdown.Error
		if errors.As(r.Error, &te) && te.Location != nil && isBuiltinFile(te.Location.File) && !isBuiltinFile(tr.File) {
			tr.Err += fmt.Sprintf(" (in swarmlint's %s, called by this test)", builtinPackage(te.Location.File))
		}
	case r.Fail:
		tr.Status = TestFail
	}
	return tr
}

// Failed reports whether any test failed or raised an error.
func (r *TestReport) Failed() bool {
	for _, t := range r.Results {
		if t.Status == TestFail || t.Status == TestError {
			return true
		}
	}
	return false
}

func coverage(rep *TestReport, cr cover.Report, under func(string) bool) {
	covered, notCovered := 0, 0
	for _, file := range sortedKeys(cr.Files) {
		if !under(file) {
			continue
		}
		fr := cr.Files[file]
		fc := FileCoverage{File: file, Covered: fr.CoveredLines, NotCovered: fr.NotCoveredLines, Percent: fr.Coverage}
		for _, rg := range fr.NotCovered {
			if rg.Start.Row == rg.End.Row {
				fc.Lines = append(fc.Lines, fmt.Sprint(rg.Start.Row))
			} else {
				fc.Lines = append(fc.Lines, fmt.Sprintf("%d-%d", rg.Start.Row, rg.End.Row))
			}
		}
		covered += fc.Covered
		notCovered += fc.NotCovered
		rep.Coverage = append(rep.Coverage, fc)
	}
	if covered+notCovered > 0 {
		rep.Percent = 100 * float64(covered) / float64(covered+notCovered)
	}
}
