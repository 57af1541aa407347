// Package lint runs the pipeline: inputs → analyzer (model) → rules
// (findings with model references) → analyzer locate (positions) → a
// report.Result that any writer can print.
package lint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/docs"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"github.com/swarmlint/swarmlint/lint/config"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// Config is one lint run.
type Config struct {
	Stacks   []analyzer.StackInput
	Env      map[string]string
	Settings analyzer.Settings
	Merger   analyzer.Merger
	// Inventory are docker network/service inspect JSON files (--cluster).
	Inventory []string
	// Scripts are bootstrap shell scripts (--script, *.sh arguments).
	Scripts []string
	// SwarmInit is a `docker swarm init ...` command line (--swarm-init);
	// SwarmInitName names it in positions (default "--swarm-init").
	SwarmInit     string
	SwarmInitName string
	SwarmInitAt   *analyzer.TextAt
	// DaemonJSON is a daemon.json file (--daemon-json).
	DaemonJSON string
	// Live is the running swarm read with --live (nil otherwise).
	Live *analyzer.LiveSwarm
	// Enable and Disable select rules by id, prefix (SWL2*) or name.
	Enable  []string
	Disable []string
	// Severity overrides a rule's level by id.
	Severity map[string]string
	Custom   []rules.Module
	Params   map[string]any
	Timeout  time.Duration
	Debug    bool
	Stderr   io.Writer
	Version  string
	// ConfigFile is the .swarmlint.yaml in effect (nil when none).
	ConfigFile *config.Config
	// Ignores from the configuration suppress matching findings.
	Ignores []config.Ignore
	// Now is today's date for ignore expiry (zero: time.Now).
	Now time.Time
	// Baseline, when set, suppresses the findings it records (kind
	// external); Apply's counts are left in it for the caller to print.
	Baseline *Baseline
	// Skipped, when set, is told about every input file left out because
	// it is not a Compose file (analyzer.LooksLikeCompose).
	Skipped func(file string)
	// Swarms, when set, are the swarms of the run, each linted on its own
	// (the input fields above are then unused).
	Swarms []Swarm
	// Overlay holds inputs that are not read from disk (standard input).
	Overlay map[string][]byte
	// Focus, when set, are the files the run is about (those named on the
	// command line): findings in the other files of a swarm are reported
	// only when the focus files cause them.
	Focus []string
}

// Swarm is the inputs of one swarm: its stacks are checked against each
// other and against the swarm's facts (init flags, scripts, inventory,
// daemon.json, settings). Stacks of different swarms never meet.
type Swarm struct {
	// Name names the swarm in messages ("" for the only or an unnamed one).
	Name string
	// Mode says in words which stacks this swarm checks against each
	// other, for the plan and --debug.
	Mode      string
	Stacks    []analyzer.StackInput
	Settings  analyzer.Settings
	Inventory []string
	Scripts   []string
	// SwarmInit, SwarmInitName, SwarmInitAt: as in Config.
	SwarmInit     string
	SwarmInitName string
	SwarmInitAt   *analyzer.TextAt
	DaemonJSON    string
	// Live is the running swarm (--live), a fact of every swarm it is given to.
	Live *analyzer.LiveSwarm
}

// swarms are the swarms of the run: cfg.Swarms, or the one swarm the
// Config's own input fields describe.
func (cfg Config) swarms() []Swarm {
	if len(cfg.Swarms) > 0 {
		return cfg.Swarms
	}
	return []Swarm{{Stacks: cfg.Stacks, Settings: cfg.Settings, Inventory: cfg.Inventory, Scripts: cfg.Scripts,
		SwarmInit: cfg.SwarmInit, SwarmInitName: cfg.SwarmInitName, SwarmInitAt: cfg.SwarmInitAt, DaemonJSON: cfg.DaemonJSON, Live: cfg.Live}}
}

// Engine compiles the policies for cfg (built-ins plus custom).
func Engine(ctx context.Context, cfg Config) (*rules.Engine, error) {
	return rules.New(ctx, rules.Options{Custom: cfg.Custom, Debug: cfg.Debug, PrintTo: cfg.Stderr, Timeout: cfg.Timeout, Params: cfg.Params})
}

// Run lints every input and returns the result to write. The policies
// compile while the inputs load: the two are independent and each takes
// tens of milliseconds, a large part of a small run (docs/performance.md).
// Errors keep their order: policies, then rule selection, then inputs.
// The Analysis returned is the first swarm's.
func Run(ctx context.Context, cfg Config) (*report.Result, *analyzer.Analysis, error) {
	type compiled struct {
		eng *rules.Engine
		err error
	}
	done := make(chan compiled, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- compiled{err: fmt.Errorf("compiling the policies failed: %v", r)}
			}
		}()
		eng, err := Engine(ctx, cfg)
		done <- compiled{eng, err}
	}()
	loads, loadErr := loadSwarms(ctx, cfg)
	c := <-done
	if c.err != nil {
		return nil, nil, c.err
	}
	return runLoaded(ctx, c.eng, cfg, loads, loadErr)
}

// RunWith lints with an already compiled engine.
func RunWith(ctx context.Context, eng *rules.Engine, cfg Config) (*report.Result, *analyzer.Analysis, error) {
	if _, err := NewSelection(eng.Catalog(), cfg.Enable, cfg.Disable); err != nil {
		return nil, nil, err // before loading, as runLoaded would report it first
	}
	loads, err := loadSwarms(ctx, cfg)
	return runLoaded(ctx, eng, cfg, loads, err)
}

// loaded is one swarm and its analysis.
type loaded struct {
	swarm Swarm
	a     *analyzer.Analysis
}

// loadSwarms loads every swarm of the run, stopping at the first error.
func loadSwarms(ctx context.Context, cfg Config) ([]loaded, error) {
	var out []loaded
	for _, sw := range cfg.swarms() {
		a, err := analyzer.Load(ctx, sw.LoadOptions(cfg))
		if err != nil {
			return nil, err
		}
		out = append(out, loaded{sw, a})
	}
	return out, nil
}

// located is a finding of one swarm's evaluation, with the key that tells
// whether another evaluation found the same problem.
type located struct {
	f   report.Finding
	src []byte
	// same is rule, file and the element's path below its source: equal for
	// one problem found with and without the focus files.
	same string
}

// releaseDocsAt is the size of a stack file whose parsed nodes are
// dropped while the rules run (a variable for the test that drops every
// file's).
var releaseDocsAt = analyzer.ReleaseAt

// evalSwarm evaluates the rules on one loaded swarm.
func evalSwarm(ctx context.Context, eng *rules.Engine, sel *Selection, cfg Config, a *analyzer.Analysis, res *report.Result) ([]located, error) {
	// The nodes of a large stack file are not needed while the rules run;
	// without them the largest stacks need less memory and collection.
	a.ReleaseLargeDocs(releaseDocsAt)
	input, err := rules.InputValue(a.Model)
	if err != nil {
		return nil, fmt.Errorf("converting the model: %w", err)
	}
	raw, terrs, err := eng.Eval(ctx, input, sel.Enabled)
	if err != nil {
		return nil, err
	}
	if err := inputBudgetError(terrs, eng, a.Model); err != nil {
		return nil, err
	}
	res.Successful = res.Successful && len(terrs) == 0
	// A rule that failed (a runtime error, its time budget) is named in
	// the report; every other rule's findings are still written.
	for _, te := range terrs {
		res.Notifications = append(res.Notifications, report.Notification{Level: "error", Message: safeio.Shorten(te.Error()), RuleID: te.Rule})
	}
	var out []located
	subnets := &subnetChoices{}
	for _, rf := range raw {
		ref := analyzer.RefFromMap(rf.Ref)
		reg, ok := a.Locate(ref, rf.Sub)
		if !ok && a.Model.Sources[ref.Src].Kind == "live" {
			// about objects of the running swarm alone, which no linted file
			// creates or uses: a problem the swarm already has
			res.Notifications = append(res.Notifications, report.Notification{Level: "warning",
				Message: fmt.Sprintf("the live swarm already has this problem (no linted file involved): %s %s: %s", rf.Rule.ID, rf.Severity, rf.Message)})
			continue
		}
		note := ""
		if !ok {
			// No position of its own (the ingress network swarm creates, a
			// ref naming nothing): the finding still counts, at the most
			// relevant place the inputs have.
			var why string
			if reg, why, ok = a.Fallback(ref); !ok {
				res.Notifications = append(res.Notifications, report.Notification{Level: "error",
					Message: fmt.Sprintf("rule %s: a finding has no source location and no input file to report it at: %s", rf.Rule.ID, rf.Message)})
				res.Successful = false
				continue
			}
			note = fmt.Sprintf("%s has no position of its own in the inputs; reported at %s", describeRef(ref), why)
		}
		level := rf.Severity
		if s, ok := cfg.Severity[rf.Rule.ID]; ok {
			level = s
		}
		file := DisplayPath(reg.File)
		f := report.Finding{RuleID: rf.Rule.ID, Level: level, Message: safeio.Shorten(rf.Message), File: file,
			StartLine: reg.StartLine, StartCol: reg.StartCol, EndLine: reg.EndLine, EndCol: reg.EndCol,
			Identity: rf.Rule.ID + ":" + file + ":" + stableIdentity(a, ref, rf.Sub)}
		if len(rf.Fixes) > 0 && !noFixes {
			f.Fixes = fixesOf(a, rf.Fixes, subnets)
		}
		if note != "" {
			f.Related = append(f.Related, report.Location{File: f.File, StartLine: f.StartLine, StartCol: f.StartCol,
				EndLine: f.EndLine, EndCol: f.EndCol, Message: note})
		}
		if reg.Via != nil {
			f.Related = append(f.Related, report.Location{File: DisplayPath(reg.Via.File), StartLine: reg.Via.StartLine,
				StartCol: reg.Via.StartCol, EndLine: reg.Via.EndLine, EndCol: reg.Via.EndCol, Message: "merged in here"})
		}
		same := rf.Rule.ID + ":" + file + ":" + strings.TrimPrefix(ref.Identity(rf.Sub), ref.Src)
		out = append(out, located{f: f, src: a.Files[reg.File], same: same})
	}
	return out, nil
}

// stableIdentity is ref's identity with a stack named by its files rather
// than by its name: a derived stack name may change with the other stacks
// of a swarm, a finding's identity (and baseline fingerprint) must not.
func stableIdentity(a *analyzer.Analysis, ref analyzer.Ref, sub []any) string {
	id := ref.Identity(sub)
	name, ok := strings.CutPrefix(ref.Src, "stack:")
	if !ok {
		return id
	}
	st := a.Model.Stacks[name]
	if st == nil {
		return id
	}
	files := make([]string, len(st.Files))
	for i, f := range st.Files {
		files[i] = DisplayPath(f)
	}
	return "stack:" + strings.Join(files, "+") + strings.TrimPrefix(id, ref.Src)
}

// runLoaded lints loaded inputs (or reports why they did not load).
func runLoaded(ctx context.Context, eng *rules.Engine, cfg Config, loads []loaded, loadErr error) (*report.Result, *analyzer.Analysis, error) {
	sel, err := NewSelection(eng.Catalog(), cfg.Enable, cfg.Disable)
	if err != nil {
		return nil, nil, err
	}
	res := &report.Result{ToolVersion: cfg.Version, Sources: map[string][]byte{}, Successful: true,
		Findings: []report.Finding{}, Notifications: []report.Notification{}}
	res.RuleHelp = map[string]string{}
	ruleEntries(res, eng, cfg, sel)
	if loadErr != nil {
		// Nothing could be linted: the result says why, for the caller to
		// write with the error.
		res.Successful = false
		res.Notifications = append(res.Notifications, ToolNotification(loadErr))
		return res, nil, loadErr
	}
	var first *analyzer.Analysis
	if len(loads) > 0 {
		first = loads[0].a
	}
	// A file or script shared by several swarms of the run says what is
	// wrong with it once.
	told := map[string]bool{}
	notify := func(n report.Notification) {
		key := n.Level + "|" + n.File + "|" + n.Message
		if !told[key] {
			told[key] = true
			res.Notifications = append(res.Notifications, n)
		}
	}
	seen := map[string]bool{}
	files := map[string][]byte{}
	for _, l := range loads {
		a := l.a
		if cfg.Skipped != nil {
			for _, f := range a.Skipped {
				if !told["skipped|"+f] {
					told["skipped|"+f] = true
					cfg.Skipped(DisplayPath(f))
				}
			}
		}
		for _, err := range a.Errors {
			res.Successful = false
			notify(ToolNotification(err))
		}
		for _, w := range a.Warnings {
			notify(report.Notification{Level: "warning", Message: w})
		}
		found, err := evalSwarm(ctx, eng, sel, cfg, a, res)
		if err == nil {
			found, err = focusFilter(ctx, eng, sel, cfg, l.swarm, found, res)
		}
		if err != nil {
			res.Successful = false
			res.Notifications = append(res.Notifications, ToolNotification(err))
			return res, first, err
		}
		for _, lf := range found {
			f := lf.f
			// One problem is one finding, also when a file or a script is
			// part of several swarms of the run.
			key := fmt.Sprintf("%s|%s|%d|%d|%s", f.RuleID, f.File, f.StartLine, f.StartCol, f.Message)
			if seen[key] {
				continue
			}
			seen[key] = true
			res.Findings = append(res.Findings, f)
			res.Sources[f.File] = lf.src
		}
		for name, src := range a.Files {
			files[DisplayPath(name)] = src
		}
	}
	// Suppression: inline directives, then configuration ignores, then the
	// baseline, each only for findings the previous step left unsuppressed.
	applyDirectives(res, files, eng.Catalog())
	if len(cfg.Focus) > 0 {
		focus := focusSet(cfg.Focus)
		res.Findings = slices.DeleteFunc(res.Findings, func(f report.Finding) bool {
			return isDirectiveRule(f.RuleID) && !focus[f.File]
		})
	}
	applyIgnores(cfg, res)
	// The files this run checked: its inputs, or --changed's focus.
	checkedSet := focusSet(cfg.Focus)
	if len(cfg.Focus) == 0 {
		for f := range files {
			checkedSet[f] = true
		}
	}
	res.Checked = slices.Sorted(maps.Keys(checkedSet))
	if cfg.Baseline != nil {
		// entries of files this run did not check (not among its inputs,
		// or outside --changed's focus) are neither matched nor stale
		cfg.Baseline.Apply(res.Findings, func(f string) bool { return checkedSet[f] })
	}
	SortFindings(res.Findings)
	return res, first, nil
}

// focusSet is the display paths of the focus files.
func focusSet(files []string) map[string]bool {
	m := map[string]bool{}
	for _, f := range files {
		m[DisplayPath(f)] = true
	}
	return m
}

// focusFilter keeps, of a swarm's findings, those in the focus files
// (cfg.Focus) and those in other files of the swarm that the focus files
// cause: a finding outside them is dropped when the swarm without the focus
// files has it too (a problem that was there before). With no focus, or
// nothing outside it, found is returned as it is.
func focusFilter(ctx context.Context, eng *rules.Engine, sel *Selection, cfg Config, sw Swarm, found []located, res *report.Result) ([]located, error) {
	if len(cfg.Focus) == 0 {
		return found, nil
	}
	focus := focusSet(cfg.Focus)
	outside := false
	for _, lf := range found {
		outside = outside || !focus[lf.f.File]
	}
	if !outside {
		return found, nil
	}
	without := sw
	without.Stacks = nil
	for _, si := range sw.Stacks {
		kept := slices.DeleteFunc(slices.Clone(si.Files), func(f string) bool { return focus[DisplayPath(f)] })
		if len(kept) == 0 {
			continue
		}
		if len(kept) < len(si.Files) && si.Name == "" {
			si.Name = analyzer.StackName(si.Files[0])
		}
		without.Stacks = append(without.Stacks, analyzer.StackInput{Name: si.Name, Files: kept})
	}
	without.Scripts = slices.DeleteFunc(slices.Clone(sw.Scripts), func(f string) bool { return focus[DisplayPath(f)] })
	a, err := analyzer.Load(ctx, without.LoadOptions(cfg))
	if err != nil {
		// The other files do not load on their own: every finding is the
		// focus files' business.
		return found, nil
	}
	quiet := &report.Result{}
	before, err := evalSwarm(ctx, eng, sel, cfg, a, quiet)
	if err != nil {
		return nil, err
	}
	was := map[string]bool{}
	for _, lf := range before {
		was[lf.same] = true
	}
	kept, dropped := found[:0:0], 0
	for _, lf := range found {
		if !focus[lf.f.File] && was[lf.same] {
			dropped++
			continue
		}
		kept = append(kept, lf)
	}
	if dropped > 0 {
		res.Notifications = append(res.Notifications, report.Notification{Level: "note",
			Message: fmt.Sprintf("%s in other files of the swarm, not caused by the changed files, %s not reported (run swarmlint without --changed to see every finding)",
				countOf(dropped, "finding"), map[bool]string{true: "is", false: "are"}[dropped == 1])})
	}
	return kept, nil
}

// countOf is "1 finding", "2 findings".
func countOf(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// describeRef names what a finding without a position is about.
func describeRef(ref analyzer.Ref) string {
	switch {
	case ref.Src == "swarm":
		return "the swarm's own network (created by docker swarm init)"
	case ref.Src == "":
		return "the element (its ref is empty)"
	}
	return fmt.Sprintf("the element (ref %s)", ref.Identity(nil))
}

// ruleEntries lists the enabled rules (with their help pages and
// severities as configured) in the result.
func ruleEntries(res *report.Result, eng *rules.Engine, cfg Config, sel *Selection) {
	for _, r := range eng.Catalog() {
		if sel.Enabled(&r) {
			if page := docs.RulePage(r.ID); page != "" && !r.Custom && !r.Directive {
				res.RuleHelp[r.ID] = page
			}
			if s, ok := cfg.Severity[r.ID]; ok {
				r.Severity = s
			}
			res.Rules = append(res.Rules, r)
		}
	}
}

// ToolNotification turns a tool error (a file that cannot be read, a
// policy error) into a notification, with the file and position an
// *analyzer.InputError names.
func ToolNotification(err error) report.Notification {
	n := report.Notification{Level: "error", Message: err.Error()}
	var ie *analyzer.InputError
	if errors.As(err, &ie) && ie.File != "" {
		n.File, n.Line, n.Col = DisplayPath(ie.File), ie.Line, ie.Col
	}
	return n
}

// FailedResult is the report of a run that stopped before linting anything
// (a usage error, a policy that does not compile): no finding, the error as
// a tool notification, Successful false. Every writer still writes it.
func FailedResult(version string, err error) *report.Result {
	return &report.Result{ToolVersion: version, Sources: map[string][]byte{}, Findings: []report.Finding{},
		Notifications: []report.Notification{ToolNotification(err)}, RuleHelp: map[string]string{}}
}

// SortFindings orders findings by file, position, rule and message.
func SortFindings(fs []report.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		if a.StartCol != b.StartCol {
			return a.StartCol < b.StartCol
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Message < b.Message
	})
}

// DisplayPath makes a path relative to the working directory when it is
// inside it, with forward slashes.
func DisplayPath(p string) string {
	if filepath.IsAbs(p) {
		if wd, err := filepath.Abs("."); err == nil {
			if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
				p = rel
			}
		}
	}
	return path.Clean(filepath.ToSlash(p))
}

// applyIgnores marks findings covered by a configuration ignore entry as
// suppressed (kind external, with the entry's reason); expired entries no
// longer apply and are reported as a notification.
func applyIgnores(cfg Config, res *report.Result) {
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	for _, ig := range cfg.Ignores {
		if !ig.Active(now) {
			file := ""
			if cfg.ConfigFile != nil {
				file = DisplayPath(cfg.ConfigFile.File)
			}
			res.Notifications = append(res.Notifications, report.Notification{Level: "warning", File: file, Line: ig.Line,
				Message: fmt.Sprintf("ignore entry for %s expired on %s and no longer applies", ig.Rule, ig.Expires)})
			continue
		}
		for i := range res.Findings {
			f := &res.Findings[i]
			if f.Suppression == nil && ig.Matches(f.RuleID, f.File) {
				f.Suppression = &report.Suppression{Kind: "external", Justification: ig.Reason}
			}
		}
	}
}

// LoadOptions are the analyzer options of the run's first swarm.
func (cfg Config) LoadOptions() analyzer.Options {
	return cfg.swarms()[0].LoadOptions(cfg)
}

// LoadOptions are the analyzer options of one swarm of the run.
func (sw Swarm) LoadOptions(cfg Config) analyzer.Options {
	return analyzer.Options{Stacks: sw.Stacks, Env: cfg.Env, Settings: sw.Settings, Merger: cfg.Merger, Inventory: sw.Inventory,
		Scripts: sw.Scripts, SwarmInit: sw.SwarmInit, SwarmInitName: sw.SwarmInitName, SwarmInitAt: sw.SwarmInitAt, DaemonJSON: sw.DaemonJSON,
		Live: sw.Live, Overlay: cfg.Overlay}
}

// inputBudgetError is the error for a timeout of a built-in rule: the
// built-in rules are linear in the model, so running out of time means the
// input is too large, and the message names the input and the limit, not a
// rule to fix; the run ends there. A custom rule's timeout is a tool error
// naming the rule, reported with every other finding (nil here).
func inputBudgetError(terrs []rules.ToolError, eng *rules.Engine, m *analyzer.Model) error {
	custom := map[string]bool{}
	for _, r := range eng.Catalog() {
		custom[r.ID] = r.Custom
	}
	var te *rules.ToolError
	for i := range terrs {
		if terrs[i].Timeout && !custom[terrs[i].Rule] {
			te = &terrs[i]
			break
		}
	}
	if te == nil {
		return nil
	}
	ports := 0
	for _, s := range m.Services {
		ports += len(s.Ports)
	}
	files := map[string]bool{}
	for _, src := range m.Sources {
		for _, f := range src.Files {
			files[f] = true
		}
	}
	return fmt.Errorf("the inputs (%s: %s, %s, %s) are too large to check within the policy timeout of %s; lint fewer files at a time or raise --policy-timeout",
		countOf(len(files), "file"), countOf(len(m.Services), "service"), countOf(len(m.Networks), "network"), countOf(ports, "published port"), eng.Timeout())
}
