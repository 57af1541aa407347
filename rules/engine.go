package rules

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/print"

	"github.com/swarmlint/swarmlint/policies"
)

// BuiltinRoot is the package root of the built-in rules.
const BuiltinRoot = "swarmlint.rules"

// Options configure an Engine.
type Options struct {
	// Custom are extra policy sources (see LoadDir), loaded beside the built-ins.
	Custom []Module
	// Debug sends print() output to PrintTo.
	Debug   bool
	PrintTo io.Writer
	// Timeout bounds one evaluation (default 10s).
	Timeout time.Duration
	// Params becomes data.swarmlint.params.
	Params map[string]any
}

// Module is one Rego source file.
type Module struct {
	File   string // display path
	Source []byte
	Custom bool
}

// Engine holds the compiled policies and the prepared query.
type Engine struct {
	compiler *ast.Compiler
	query    rego.PreparedEvalQuery
	catalog  []Rule
	byPkg    map[string]*Rule
	timeout  time.Duration
	Modules  map[string]*ast.Module
}

// RawFinding is a finding as a rule returned it, before it is located.
type RawFinding struct {
	Rule     *Rule
	Severity string
	Message  string
	Ref      map[string]any
	Sub      []any
}

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

// Capabilities are OPA's built-ins minus those that reach outside the
// process or make results non-deterministic; no network is allowed.
func Capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	deny := map[string]bool{"http.send": true, "net.lookup_ip_addr": true, "opa.runtime": true,
		"time.now_ns": true, "rand.intn": true, "uuid.rfc4122": true}
	var keep []*ast.Builtin
	for _, b := range c.Builtins {
		if !deny[b.Name] {
			keep = append(keep, b)
		}
	}
	c.Builtins = keep
	c.AllowNet = []string{}
	return c
}

// ParseModules parses sources with annotations, as rules and tests need.
func ParseModules(srcs []Module) (map[string]*ast.Module, error) {
	caps := Capabilities()
	mods := map[string]*ast.Module{}
	var errs ast.Errors
	for _, s := range srcs {
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
		mods[s.File] = m
	}
	if len(errs) > 0 {
		return nil, PolicyError{Errors: errs}
	}
	return mods, nil
}

// PolicyError lists Rego errors with file:line:col.
type PolicyError struct{ Errors ast.Errors }

// Error formats one error per line as file:line:col: message.
func (e PolicyError) Error() string {
	var lines []string
	for _, x := range e.Errors {
		loc := ""
		if x.Location != nil {
			loc = fmt.Sprintf("%s:%d:%d: ", x.Location.File, x.Location.Row, x.Location.Col)
		}
		lines = append(lines, fmt.Sprintf("%s%s: %s", loc, x.Code, x.Message))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
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

// New compiles the built-in and custom policies once and prepares the query.
func New(ctx context.Context, opts Options) (*Engine, error) {
	srcs, err := BuiltinModules()
	if err != nil {
		return nil, err
	}
	for _, c := range opts.Custom {
		c.Custom = true
		srcs = append(srcs, c)
	}
	var rulesSrc []Module
	for _, s := range srcs {
		if !strings.HasSuffix(s.File, "_test.rego") {
			rulesSrc = append(rulesSrc, s)
		}
	}
	mods, err := ParseModules(rulesSrc)
	if err != nil {
		return nil, err
	}
	custom := map[string]bool{}
	for _, s := range rulesSrc {
		if s.Custom {
			custom[s.File] = true
		}
	}
	if err := checkNamespaces(mods, custom); err != nil {
		return nil, err
	}
	comp := ast.NewCompiler().
		WithCapabilities(Capabilities()).
		WithStrict(true).
		WithEnablePrintStatements(opts.Debug).
		WithUseTypeCheckAnnotations(true).
		WithDefaultRegoVersion(ast.RegoV1)
	comp.Compile(mods)
	if comp.Failed() {
		return nil, PolicyError{Errors: comp.Errors}
	}
	cat, byPkg, err := buildCatalog(comp, mods, custom)
	if err != nil {
		return nil, err
	}
	e := &Engine{compiler: comp, catalog: cat, byPkg: byPkg, timeout: opts.Timeout, Modules: mods}
	if e.timeout <= 0 {
		e.timeout = 10 * time.Second
	}
	var w io.Writer
	if opts.Debug {
		w = opts.PrintTo
	}
	// One query over every rule package: built-ins and custom alike.
	var terms []string
	for _, r := range cat {
		terms = append(terms, fmt.Sprintf("[%q, f] | some f in %s.report", r.Package, r.Package))
	}
	q := "findings := []"
	for i, t := range terms {
		if i == 0 {
			q = "findings := [" + t + "]"
			continue
		}
		q = strings.Replace(q, "findings := ", "findings := array.concat(", 1) + ", [" + t + "])"
	}
	store := map[string]any{}
	if opts.Params != nil {
		store = map[string]any{"swarmlint": map[string]any{"params": opts.Params}}
	}
	pq, err := rego.New(
		rego.Compiler(comp),
		rego.Query(q),
		rego.PrintHook(printHook{w}),
		rego.EnablePrintStatements(opts.Debug),
		rego.Store(newStore(store)),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("preparing the rule query: %w", err)
	}
	e.query = pq
	return e, nil
}

// checkNamespaces refuses custom modules inside the built-in namespaces.
func checkNamespaces(mods map[string]*ast.Module, custom map[string]bool) error {
	var errs ast.Errors
	for _, file := range sortedKeys(mods) {
		if !custom[file] {
			continue
		}
		m := mods[file]
		p := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if p == "swarmlint" || strings.HasPrefix(p, "swarmlint.") {
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

// Catalog returns every rule, sorted by id.
func (e *Engine) Catalog() []Rule { return e.catalog }

// Compiler returns the compiled policies.
func (e *Engine) Compiler() *ast.Compiler { return e.compiler }

// ToolError is an error raised while evaluating a rule (a bad CIDR in a
// built-in call, a timeout): it names the rule and the policy location.
type ToolError struct {
	Rule string
	Loc  string
	Msg  string
}

func (t ToolError) Error() string {
	if t.Loc != "" {
		return fmt.Sprintf("%s: rule %s: %s", t.Loc, t.Rule, t.Msg)
	}
	return fmt.Sprintf("rule %s: %s", t.Rule, t.Msg)
}

// Eval runs every rule on the input (converted once) and returns the
// findings of the enabled rules, plus built-in errors as ToolErrors.
func (e *Engine) Eval(ctx context.Context, input ast.Value, enabled func(*Rule) bool) ([]RawFinding, []ToolError, error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	var berrs []topdown.Error
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalBuiltinErrorList(&berrs))
	if err != nil {
		var te *topdown.Error
		if errors.As(err, &te) && te.Code == topdown.CancelErr || errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return nil, nil, fmt.Errorf("policy evaluation timed out after %s%s", e.timeout, e.slowRule(te))
		}
		return nil, nil, fmt.Errorf("policy evaluation failed: %w", err)
	}
	var terrs []ToolError
	for _, be := range berrs {
		te := ToolError{Msg: be.Message}
		if be.Location != nil {
			te.Loc = fmt.Sprintf("%s:%d:%d", be.Location.File, be.Location.Row, be.Location.Col)
			te.Rule = e.ruleForFile(be.Location.File)
		}
		terrs = append(terrs, te)
	}
	var out []RawFinding
	if len(rs) == 0 {
		return out, terrs, nil
	}
	list, _ := rs[0].Bindings["findings"].([]any)
	for _, item := range list {
		pair, ok := item.([]any)
		if !ok || len(pair) != 2 {
			continue
		}
		pkg, _ := pair[0].(string)
		r := e.byPkg[pkg]
		f, _ := pair[1].(map[string]any)
		if r == nil || f == nil {
			continue
		}
		if enabled != nil && !enabled(r) {
			continue
		}
		rf := RawFinding{Rule: r, Severity: r.Severity}
		if s, ok := f["severity"].(string); ok && validSeverity(s) {
			rf.Severity = s
		}
		rf.Message, _ = f["message"].(string)
		if rf.Message == "" {
			rf.Message, _ = f["msg"].(string)
		}
		rf.Ref, _ = f["ref"].(map[string]any)
		rf.Sub, _ = f["sub"].([]any)
		out = append(out, rf)
	}
	return out, terrs, nil
}

func (e *Engine) slowRule(te *topdown.Error) string {
	if te != nil && te.Location != nil {
		if r := e.ruleForFile(te.Location.File); r != "" {
			return fmt.Sprintf(" in rule %s (%s:%d)", r, te.Location.File, te.Location.Row)
		}
	}
	return ""
}

func (e *Engine) ruleForFile(file string) string {
	for _, r := range e.catalog {
		if r.File == file {
			return r.ID
		}
	}
	return ""
}

func validSeverity(s string) bool {
	return s == SeverityError || s == SeverityWarning || s == SeverityNote
}
