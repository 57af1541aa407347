package rules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/print"

	"github.com/swarmlint/swarmlint/policies"
)

// BuiltinRoot is the package root of the built-in rules.
const BuiltinRoot = "swarmlint.rules"

// DefaultTimeout bounds the evaluation of one rule when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Options configure an Engine.
type Options struct {
	// Custom are extra policy sources (see LoadDir), loaded beside the built-ins.
	Custom []Module
	// Debug sends print() output to PrintTo.
	Debug   bool
	PrintTo io.Writer
	// Timeout bounds the evaluation of each rule (default DefaultTimeout).
	Timeout time.Duration
	// Params becomes data.swarmlint.params (an empty object when nil).
	Params map[string]any
	// FullCompile compiles the built-in policies even when the
	// compiled-policy snapshot matches (tests and benchmarks compare both).
	FullCompile bool
}

// Module is one Rego source file.
type Module struct {
	File   string // display path
	Source []byte
	Custom bool
}

// Engine holds the compiled policies and one prepared query per rule.
type Engine struct {
	compiler *ast.Compiler
	// queries holds one prepared query per rule package, so that disabled
	// rules cost nothing and a timeout or a runtime error names its rule.
	queries map[string]rego.PreparedEvalQuery
	catalog []Rule // the policies' rules, evaluated by Eval
	all     []Rule // catalog and DirectiveRules, sorted by id
	byPkg   map[string]*Rule
	timeout time.Duration
	// Modules are the parsed policies; nil when the built-in policies
	// came from the compiled-policy snapshot.
	Modules  map[string]*ast.Module
	snapshot bool
	params   map[string]any
	debug    bool
	printTo  io.Writer
}

// RawFinding is a finding as a rule returned it, before it is located.
type RawFinding struct {
	Rule     *Rule
	Severity string
	Message  string
	Ref      map[string]any
	Sub      []any
	// Fixes are the fixes the rule offers (result.with_fix), as written.
	Fixes []RawFix
}

// RawFix is one fix as a rule returned it: edits naming model elements,
// which lint turns into byte edits.
type RawFix struct {
	Description string
	Safe        bool
	Edits       []RawEdit
}

// RawEdit is one edit of a RawFix (see policies/lib/result.rego): Op is
// set, remove, comment or subnet; Ref and Sub name the YAML node as a
// finding's ref and sub do.
type RawEdit struct {
	Op    string
	Ref   map[string]any
	Sub   []any
	Value any    // set: the new value; subnet: a template ("{subnet}" in its strings), or nil
	Text  string // comment: the comment's text
	// Network and PrefixLength (subnet): the network whose free subnet of
	// that length the pools give.
	Network      string
	PrefixLength int
}

// editOps are the edit operations a fix may use.
var editOps = map[string]bool{"set": true, "remove": true, "comment": true, "subnet": true}

// BuiltinModules reads the embedded policies.
func BuiltinModules() ([]Module, error) {
	var mods []Module
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		b, err := policies.FS.ReadFile(p)
		if err != nil {
			return err
		}
		mods = append(mods, Module{File: path.Join("policies", p), Source: b})
		return nil
	})
	return mods, err
}

// forbiddenBuiltins are removed from the capabilities: they reach outside
// the process (network, runtime) or make results non-deterministic.
var forbiddenBuiltins = map[string]bool{"http.send": true, "net.lookup_ip_addr": true, "opa.runtime": true,
	"time.now_ns": true, "rand.intn": true, "uuid.rfc4122": true,
	// read the wall clock when no time is given
	"io.jwt.decode_verify": true, "crypto.x509.parse_and_verify_certificates": true,
	"crypto.x509.parse_and_verify_certificates_with_options": true,
	// ECDSA and RSA-PSS signatures are random
	"io.jwt.encode_sign": true, "io.jwt.encode_sign_raw": true,
	// follow a schema's $ref to local files (sandbox.go)
	"json.match_schema": true, "json.verify_schema": true}

// ForbiddenBuiltins returns the names of the built-ins a policy may not
// call, sorted.
func ForbiddenBuiltins() []string { return sortedKeys(forbiddenBuiltins) }

// Capabilities are OPA's built-ins minus those that reach outside the
// process or make results non-deterministic; no network is allowed.
func Capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	var keep []*ast.Builtin
	for _, b := range c.Builtins {
		if !forbiddenBuiltins[b.Name] {
			keep = append(keep, b)
		}
	}
	c.Builtins = keep
	c.AllowNet = []string{}
	return c
}

// ParseModules parses sources with annotations, as rules and tests need.
// Two sources with the same file name are an error.
func ParseModules(srcs []Module) (map[string]*ast.Module, error) {
	caps := Capabilities()
	mods := map[string]*ast.Module{}
	builtin := map[string]bool{}
	var errs ast.Errors
	for _, s := range srcs {
		if _, dup := mods[s.File]; dup {
			if builtin[s.File] && s.Custom {
				return nil, fmt.Errorf("%s: this custom policy file has the path of one of swarmlint's built-in policy files, and messages could not tell them apart; rename the file or its directory", s.File)
			}
			return nil, fmt.Errorf("%s: loaded twice (is the same --policy directory given twice?)", s.File)
		}
		builtin[s.File] = !s.Custom
		m, err := ast.ParseModuleWithOpts(s.File, string(s.Source), ast.ParserOptions{
			ProcessAnnotation: true, RegoVersion: ast.RegoV1, Capabilities: caps})
		if err != nil {
			var ae ast.Errors
			if errors.As(err, &ae) {
				errs = append(errs, ae...)
				continue
			}
			return nil, fmt.Errorf("%s: %w", s.File, err)
		}
		if m == nil {
			// An empty file (or one with only comments) has no package.
			errs = append(errs, ast.NewError(ast.ParseErr, &ast.Location{File: s.File, Row: 1, Col: 1}, "empty module: a policy file needs a package"))
			continue
		}
		mods[s.File] = m
	}
	if len(errs) > 0 {
		return nil, PolicyError{Errors: errs}
	}
	return mods, nil
}

// PolicyError lists Rego errors with file:line:col.
type PolicyError struct{ Errors ast.Errors }

// Error formats each error as file:line:col: code: message, sorted by file
// and position, with OPA's detail lines below it.
func (e PolicyError) Error() string {
	errs := append(ast.Errors{}, e.Errors...)
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].Location, errs[j].Location
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		case a.File != b.File:
			return a.File < b.File
		case a.Row != b.Row:
			return a.Row < b.Row
		}
		return a.Col < b.Col
	})
	var lines []string
	for _, x := range errs {
		loc := ""
		if x.Location != nil {
			loc = fmt.Sprintf("%s:%d:%d: ", x.Location.File, x.Location.Row, x.Location.Col)
		}
		lines = append(lines, fmt.Sprintf("%s%s: %s", loc, x.Code, explainError(x)))
		// OPA's details (a type error's have/want, a conflict's other
		// rule) follow on their own lines, indented as opa prints them.
		if x.Details != nil {
			for _, d := range x.Details.Lines() {
				lines = append(lines, "\t"+d)
			}
		}
	}
	return strings.Join(lines, "\n")
}

// explainError rewrites OPA messages that are puzzling in swarmlint's
// sandbox: a removed built-in is reported by OPA as an undefined function.
func explainError(x *ast.Error) string {
	if name, ok := strings.CutPrefix(x.Message, "undefined function "); ok && forbiddenBuiltins[name] {
		return fmt.Sprintf("built-in %s is not allowed in swarmlint policies: the sandbox removes %s (they reach the network, the runtime or local files, read the clock, or are random)",
			name, strings.Join(ForbiddenBuiltins(), ", "))
	}
	return x.Message
}

type printHook struct{ w io.Writer }

func (h printHook) Print(ctx print.Context, msg string) error {
	if h.w == nil {
		return nil
	}
	loc := ""
	if ctx.Location != nil {
		loc = fmt.Sprintf("%s:%d: ", ctx.Location.File, ctx.Location.Row)
	}
	_, err := fmt.Fprintf(h.w, "%s%s\n", loc, msg)
	return err
}

// NewCompiler returns a compiler configured like the engine's: the
// sandboxed capabilities, Rego v1, strict mode and annotations as types.
func NewCompiler(printStatements bool) *ast.Compiler {
	return ast.NewCompiler().
		WithCapabilities(Capabilities()).
		WithStrict(true).
		WithEnablePrintStatements(printStatements).
		WithUseTypeCheckAnnotations(true).
		WithDefaultRegoVersion(ast.RegoV1)
}

// New compiles the built-in and custom policies once and prepares the
// queries. Without custom policies and --debug, the built-in policies come
// from the compiled-policy snapshot when it matches (snapshot.go).
func New(ctx context.Context, opts Options) (*Engine, error) {
	builtins, err := builtinRuleSources()
	if err != nil {
		return nil, err
	}
	var c *compiled
	if len(opts.Custom) == 0 && !opts.Debug && !opts.FullCompile {
		c, err = fromSnapshot(compiledPolicies, builtins)
		if err != nil {
			c = nil // stale or unreadable: compile
		}
	}
	if c == nil {
		srcs := builtins
		for _, m := range opts.Custom {
			m.Custom = true
			if !IsTestFile(m.File) {
				srcs = append(srcs, m)
			}
		}
		if c, err = compileFull(srcs, opts.Debug); err != nil {
			return nil, err
		}
	}
	e := &Engine{compiler: c.comp, catalog: c.catalog, byPkg: c.byPkg, timeout: opts.Timeout, Modules: c.mods, debug: opts.Debug,
		snapshot: c.mods == nil}
	e.all = slices.Concat(c.catalog, DirectiveRules)
	slices.SortStableFunc(e.all, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	if opts.Debug {
		e.printTo = opts.PrintTo
	}
	if err := e.prepare(ctx, opts.Params); err != nil {
		return nil, err
	}
	return e, nil
}

// FromSnapshot reports whether the engine's built-in policies came from
// the compiled-policy snapshot rather than a compile.
func (e *Engine) FromSnapshot() bool { return e.snapshot }

// compileFull parses and compiles srcs (rule files, no tests) with every
// compiler stage and the swarmlint checks, and builds the catalog.
func compileFull(srcs []Module, debug bool) (*compiled, error) {
	mods, err := ParseModules(srcs)
	if err != nil {
		return nil, err
	}
	custom := map[string]bool{}
	for _, s := range srcs {
		if s.Custom {
			custom[s.File] = true
		}
	}
	if err := checkNamespaces(mods, custom); err != nil {
		return nil, err
	}
	if errs := checkSchemaAnnotations(mods, custom); len(errs) > 0 {
		return nil, PolicyError{Errors: errs}
	}
	if errs, err := checkInputRefs(mods, custom); err != nil {
		return nil, err
	} else if len(errs) > 0 {
		return nil, PolicyError{Errors: errs}
	}
	comp := NewCompiler(debug)
	comp.Compile(mods)
	if comp.Failed() {
		return nil, PolicyError{Errors: comp.Errors}
	}
	sevErrs := checkSeverityCalls(comp, custom)
	cat, byPkg, err := buildCatalog(comp, mods, custom)
	var pe PolicyError
	switch {
	case err != nil && len(sevErrs) > 0 && errors.As(err, &pe):
		return nil, PolicyError{Errors: append(pe.Errors, sevErrs...)}
	case err != nil:
		return nil, err
	case len(sevErrs) > 0:
		return nil, PolicyError{Errors: sevErrs}
	}
	return &compiled{comp: comp, catalog: cat, byPkg: byPkg, mods: mods}, nil
}

// prepare prepares one query per rule with params as data.swarmlint.params.
func (e *Engine) prepare(ctx context.Context, params map[string]any) error {
	params, err := normalizeParams(params)
	if err != nil {
		return err
	}
	e.params = params
	e.queries = map[string]rego.PreparedEvalQuery{}
	store := newStore(ParamsData(params))
	// Each query is parsed here as rego.Query would parse it, but with one
	// capabilities value for all: given none, OPA's parser builds and sorts
	// the capabilities of every built-in for each query (a tenth of the
	// engine's start-up from the snapshot).
	popts := queryParserOptions()
	for _, r := range e.catalog {
		query, err := ast.ParseBodyWithOpts(r.Package+".report", popts)
		if err != nil {
			return fmt.Errorf("rule %s (%s): parsing its query: %w", r.ID, r.File, err)
		}
		pq, err := rego.New(
			rego.Compiler(e.compiler),
			rego.ParsedQuery(query),
			rego.PrintHook(printHook{e.printTo}),
			rego.EnablePrintStatements(e.debug),
			rego.Store(store),
		).PrepareForEval(ctx)
		if err != nil {
			return fmt.Errorf("rule %s (%s): preparing its query: %w", r.ID, r.File, err)
		}
		e.queries[r.Package] = pq
	}
	return nil
}

// queryParserOptions are the options rego.Query parses a query with (no
// imports, no rego version set), with the capabilities the parser would
// compute for them.
func queryParserOptions() ast.ParserOptions {
	return ast.ParserOptions{
		SkipRules:    true,
		Capabilities: ast.CapabilitiesForThisVersion(ast.CapabilitiesRegoVersion(ast.RegoUndefined)),
	}
}

// Timeout returns the time budget of each rule.
func (e *Engine) Timeout() time.Duration { return e.timeout }

// Params returns the rule parameters the engine evaluates with.
func (e *Engine) Params() map[string]any { return e.params }

// WithParams returns an engine with the same compiled policies evaluating
// with other parameters (a fixture's own --data); e is unchanged.
func (e *Engine) WithParams(ctx context.Context, params map[string]any) (*Engine, error) {
	c := *e
	if err := c.prepare(ctx, params); err != nil {
		return nil, err
	}
	return &c, nil
}

// ParamsData is the data document that holds params at data.swarmlint.params;
// nil params become an empty object, so that rules can read defaults with
// object.get(data.swarmlint.params, ...).
func ParamsData(params map[string]any) map[string]any {
	if params == nil {
		params = map[string]any{}
	}
	return map[string]any{"swarmlint": map[string]any{"params": params}}
}

// IsTestFile reports whether a policy file holds Rego tests (*_test.rego):
// such files are compiled by `swarmlint test` only, never when linting.
func IsTestFile(file string) bool { return strings.HasSuffix(file, "_test.rego") }

// checkNamespaces refuses custom modules inside the built-in namespace
// data.swarmlint (rules, lib and params alike): packages are open in Rego,
// so a custom file there could add to or break a built-in rule.
func checkNamespaces(mods map[string]*ast.Module, custom map[string]bool) error {
	var errs ast.Errors
	for _, file := range sortedKeys(mods) {
		if !custom[file] {
			continue
		}
		m := mods[file]
		p := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if p == "swarmlint" || strings.HasPrefix(p, "swarmlint.") || strings.HasPrefix(p, "swarmlint[") {
			errs = append(errs, ast.NewError(ast.CompileErr, m.Package.Location,
				"package %s is inside the built-in namespace data.swarmlint; custom rules need their own package (e.g. package acme.rules.my_rule)", p))
		}
	}
	if len(errs) > 0 {
		return PolicyError{Errors: errs}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Catalog returns every rule, sorted by id: the policies' rules and the
// checks on ignore comments (DirectiveRules). Callers must not modify it.
func (e *Engine) Catalog() []Rule { return e.all }

// Compiler returns the compiled policies.
func (e *Engine) Compiler() *ast.Compiler { return e.compiler }

// ToolError is an error raised while evaluating a rule (a bad CIDR in a
// built-in call, conflicting outputs): it names the rule and the policy
// location.
type ToolError struct {
	Rule string // rule id
	Loc  string // file:line:col in the policy, "" when unknown
	Msg  string
	// File, Line and Col are Loc's parts (File alone, the rule's file, for
	// a timeout).
	File      string
	Line, Col int
	// Timeout is true when the rule ran out of its time budget.
	Timeout bool
}

// Error formats the error as "file:line:col: rule ID: message".
func (t ToolError) Error() string {
	if t.Loc != "" {
		return fmt.Sprintf("%s: rule %s: %s", t.Loc, t.Rule, t.Msg)
	}
	return fmt.Sprintf("rule %s: %s", t.Rule, t.Msg)
}

// TimeoutError describes a rule that ran out of its time budget: Eval
// reports it as a ToolError (see ToolError), the rule's other findings are
// lost and every other rule still runs.
type TimeoutError struct {
	Rule    string // rule id
	File    string // the rule's policy file
	Timeout time.Duration
}

// Error names the rule, its file and the timeout.
func (t *TimeoutError) Error() string {
	return fmt.Sprintf("rule %s (%s) did not finish within the policy timeout of %s and was stopped; fix the rule or raise --policy-timeout",
		t.Rule, t.File, t.Timeout)
}

// ToolError is the timeout as Eval reports it: naming the rule and its file.
func (t *TimeoutError) ToolError() ToolError {
	return ToolError{Rule: t.Rule, File: t.File, Timeout: true,
		Msg: fmt.Sprintf("did not finish within the policy timeout of %s and was stopped (%s); its findings are missing; fix the rule or raise --policy-timeout", t.Timeout, t.File)}
}

// Eval runs every enabled rule on the input (converted once), one rule
// package at a time, each within its own time budget (the engine's
// timeout), and returns the findings plus the rules' failures as
// ToolErrors naming the rule: runtime errors (a bad CIDR in a built-in
// call, conflicting outputs) and running out of time. A rule that fails
// contributes no finding; every other rule still runs. err is set only when
// ctx itself ends (the run was cancelled).
func (e *Engine) Eval(ctx context.Context, input ast.Value, enabled func(*Rule) bool) ([]RawFinding, []ToolError, error) {
	out := []RawFinding{}
	var terrs []ToolError
	var rules []*Rule
	for i := range e.catalog {
		if r := &e.catalog[i]; enabled == nil || enabled(r) {
			rules = append(rules, r)
		}
	}
	evals := e.evalRules(ctx, rules, input)
	if ctx.Err() != nil {
		return nil, nil, ctx.Err()
	}
	for i, r := range rules {
		rs, berrs, timedOut, err := evals[i].rs, evals[i].berrs, evals[i].timedOut, evals[i].err
		if timedOut {
			te := (&TimeoutError{Rule: r.ID, File: r.File, Timeout: e.timeout}).ToolError()
			terrs = append(terrs, te)
			continue
		}
		seen := map[string]bool{}
		for _, be := range berrs {
			te := toolError(r, be.Message, be.Location)
			if k := te.Error(); !seen[k] {
				seen[k] = true
				terrs = append(terrs, te)
			}
		}
		if err != nil {
			var te *topdown.Error
			if errors.As(err, &te) {
				terrs = append(terrs, toolError(r, te.Message, te.Location))
			} else {
				terrs = append(terrs, toolError(r, err.Error(), nil))
			}
			continue
		}
		for _, res := range rs {
			for _, x := range res.Expressions {
				items, _ := x.Value.([]any)
				for _, item := range items {
					rf, ok, problem := e.rawFinding(r, item)
					if !ok {
						terrs = append(terrs, toolError(r, fmt.Sprintf("report contains %s, not a finding object; build findings with data.swarmlint.lib.result.finding", shortJSON(item)), nil))
						continue
					}
					if problem != "" {
						terrs = append(terrs, toolError(r, problem, nil))
					}
					out = append(out, rf)
				}
			}
		}
	}
	return out, terrs, nil
}

// ruleEval is what evalRule returns for one rule.
type ruleEval struct {
	rs       rego.ResultSet
	berrs    []topdown.Error
	timedOut bool
	err      error
}

// evalRules evaluates rules with one worker per processor (prepared
// queries may be evaluated concurrently, and the input is only read), each
// rule within its own budget, and returns their results in the order of
// rules. With print statements enabled (--debug) it evaluates one rule at a
// time, so that their output is not interleaved.
func (e *Engine) evalRules(ctx context.Context, rules []*Rule, input ast.Value) []ruleEval {
	out := make([]ruleEval, len(rules))
	workers := min(runtime.GOMAXPROCS(0), len(rules))
	if e.debug || workers <= 1 {
		for i, r := range rules {
			if ctx.Err() != nil {
				break
			}
			re := &out[i]
			re.rs, re.berrs, re.timedOut, re.err = e.evalRule(ctx, r, input)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(rules) || ctx.Err() != nil {
					return
				}
				re := &out[i]
				re.rs, re.berrs, re.timedOut, re.err = e.evalRule(ctx, rules[i], input)
			}
		})
	}
	wg.Wait()
	return out
}

// evalRule evaluates one rule within its own budget. A long-running
// built-in (numbers.range, net.cidr_expand) notices the cancellation itself
// and may report it as a built-in error, so the budget's context decides
// whether the rule timed out, not err.
func (e *Engine) evalRule(ctx context.Context, r *Rule, input ast.Value) (rego.ResultSet, []topdown.Error, bool, error) {
	rctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	var berrs []topdown.Error
	rs, err := e.queries[r.Package].Eval(rctx, rego.EvalParsedInput(input), rego.EvalBuiltinErrorList(&berrs))
	if ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return nil, nil, true, nil
	}
	return rs, berrs, false, err
}

func toolError(r *Rule, msg string, loc *ast.Location) ToolError {
	te := ToolError{Rule: r.ID, Msg: msg}
	if loc != nil && r.Custom && isBuiltinFile(loc.File) {
		// A custom rule's error inside swarmlint's libraries: the library's
		// path is not in the author's repository, so the error names the
		// rule's file and says where in swarmlint it happened.
		te.File, te.Loc = r.File, r.File
		te.Msg = fmt.Sprintf("%s (in swarmlint's %s, at %s:%d:%d, called by this rule)", msg, builtinPackage(loc.File), loc.File, loc.Row, loc.Col)
		return te
	}
	if loc != nil {
		te.File, te.Line, te.Col = loc.File, loc.Row, loc.Col
		te.Loc = fmt.Sprintf("%s:%d:%d", loc.File, loc.Row, loc.Col)
	}
	return te
}

// isBuiltinFile reports whether file is the display path of a built-in
// policy file (policies/...). A custom file cannot have such a path: it is
// refused at load (ParseModules).
func isBuiltinFile(file string) bool {
	rel, ok := strings.CutPrefix(file, "policies/")
	if !ok {
		return false
	}
	_, err := fs.Stat(policies.FS, rel)
	return err == nil
}

// builtinPackage names what a built-in policy file is, by its package:
// policies/lib/util.rego is "library data.swarmlint.lib.util",
// policies/ports/x.rego "built-in rule data.swarmlint.rules.ports.x".
func builtinPackage(file string) string {
	rel := strings.TrimSuffix(strings.TrimPrefix(file, "policies/"), ".rego")
	pkg := strings.ReplaceAll(rel, "/", ".")
	if strings.HasPrefix(rel, "lib/") {
		return "library data.swarmlint." + pkg
	}
	return "built-in rule data." + BuiltinRoot + "." + pkg
}

// rawFinding reads one report item; ok is false when it is not a finding
// object. A severity other than error, warning or note (with_severity(f,
// "critical")) is a problem: the finding keeps the rule's severity.
func (e *Engine) rawFinding(r *Rule, item any) (rf RawFinding, ok bool, problem string) {
	f, _ := item.(map[string]any)
	if f == nil {
		return RawFinding{}, false, ""
	}
	rf = RawFinding{Rule: r, Severity: r.Severity}
	if sv, present := f["severity"]; present {
		if s, isString := sv.(string); isString && validSeverity(s) {
			rf.Severity = s
		} else {
			problem = fmt.Sprintf("a finding has severity %s, which is not error, warning or note; it is reported as %s", shortJSON(sv), r.Severity)
		}
	}
	rf.Message, _ = f["message"].(string)
	if rf.Message == "" {
		rf.Message, _ = f["msg"].(string)
	}
	rf.Ref, _ = f["ref"].(map[string]any)
	rf.Sub, _ = f["sub"].([]any)
	if fv, present := f["fixes"]; present {
		fixes, p := rawFixes(fv)
		rf.Fixes = fixes
		if p != "" && problem == "" {
			problem = p
		}
	}
	return rf, true, problem
}

// rawFixes reads a finding's "fixes"; a malformed fix is left out and
// named in problem.
func rawFixes(v any) (out []RawFix, problem string) {
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Sprintf("a finding has fixes %s, not an array of fixes; build them with result.with_fix", shortJSON(v))
	}
	for _, it := range items {
		m, _ := it.(map[string]any)
		desc, _ := m["description"].(string)
		safe, safeOK := m["safe"].(bool)
		edits, _ := m["edits"].([]any)
		if m == nil || desc == "" || !safeOK || len(edits) == 0 {
			problem = fmt.Sprintf("a finding has fix %s, which lacks a description, safe (true or false) or edits; it is left out", shortJSON(it))
			continue
		}
		fx := RawFix{Description: desc, Safe: safe}
		for _, ev := range edits {
			e, _ := ev.(map[string]any)
			op, _ := e["op"].(string)
			if !editOps[op] {
				fx.Edits = nil
				problem = fmt.Sprintf("a fix has edit %s, whose op is not set, remove, comment or subnet; the fix is left out", shortJSON(ev))
				break
			}
			re := RawEdit{Op: op, Value: e["value"]}
			re.Ref, _ = e["ref"].(map[string]any)
			re.Sub, _ = e["sub"].([]any)
			re.Text, _ = e["text"].(string)
			re.Network, _ = e["network"].(string)
			re.PrefixLength = jsonInt(e["prefix_length"])
			fx.Edits = append(fx.Edits, re)
		}
		if len(fx.Edits) > 0 {
			out = append(out, fx)
		}
	}
	return out, problem
}

// jsonInt reads a number coming back from Rego.
func jsonInt(v any) int {
	switch n := v.(type) {
	case json.Number:
		i, _ := n.Int64()
		return int(i)
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}

// shortJSON renders a value for an error message, cut to 80 bytes.
func shortJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%T", v)
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

func validSeverity(s string) bool {
	return s == SeverityError || s == SeverityWarning || s == SeverityNote
}

// withSeverity is the finding helper whose second argument is a level.
// (built from terms rather than parsed: the parser would run at package
// initialisation, in every command).
var withSeverity = ast.Ref{ast.DefaultRootDocument, ast.StringTerm("swarmlint"), ast.StringTerm("lib"),
	ast.StringTerm("result"), ast.StringTerm("with_severity")}

// checkSeverityCalls refuses a constant level that is not error, warning or
// note in a custom module's call of result.with_severity: it would
// otherwise surface only when the finding is made.
func checkSeverityCalls(comp *ast.Compiler, custom map[string]bool) ast.Errors {
	var errs ast.Errors
	check := func(op *ast.Term, args []*ast.Term, loc *ast.Location) {
		ref, ok := op.Value.(ast.Ref)
		if !ok || !ref.Equal(withSeverity) || len(args) < 2 {
			return
		}
		if s, ok := args[1].Value.(ast.String); ok && !validSeverity(string(s)) {
			at := loc
			if args[1].Location != nil {
				at = args[1].Location
			}
			errs = append(errs, ast.NewError(ast.TypeErr, at, "result.with_severity: level %q is not error, warning or note", string(s)))
		}
	}
	for _, file := range sortedKeys(comp.Modules) {
		if !custom[file] {
			continue
		}
		ast.WalkExprs(comp.Modules[file], func(x *ast.Expr) bool {
			if x.IsCall() {
				terms := x.Terms.([]*ast.Term)
				check(terms[0], terms[1:], x.Location)
			}
			ast.WalkTerms(x, func(t *ast.Term) bool {
				if c, ok := t.Value.(ast.Call); ok && len(c) > 0 {
					check(c[0], c[1:], t.Location)
				}
				return false
			})
			return false
		})
	}
	return errs
}
