// Package lint runs the pipeline: inputs → analyzer (model) → rules
// (findings with model references) → analyzer locate (positions) → a
// report.Result that any writer can print.
package lint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/docs"
	"github.com/swarmlint/swarmlint/internal/safeio"
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
	ConfigFile *analyzer.Config
	// Ignores from the configuration suppress matching findings.
	Ignores []analyzer.ConfigIgnore
	// Now is today's date for ignore expiry (zero: time.Now).
	Now time.Time
	// Baseline, when set, suppresses the findings it records (kind
	// external); Apply's counts are left in it for the caller to print.
	Baseline *Baseline
	// Skipped, when set, is told about every input file left out because
	// it is not a Compose file (analyzer.LooksLikeCompose).
	Skipped func(file string)
}

// Engine compiles the policies for cfg (built-ins plus custom).
func Engine(ctx context.Context, cfg Config) (*rules.Engine, error) {
	return rules.New(ctx, rules.Options{Custom: cfg.Custom, Debug: cfg.Debug, PrintTo: cfg.Stderr, Timeout: cfg.Timeout, Params: cfg.Params})
}

// Run lints every input and returns the result to write. The policies
// compile while the inputs load: the two are independent and each takes
// tens of milliseconds, a large part of a small run (docs/performance.md).
// Errors keep their order: policies, then rule selection, then inputs.
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
	a, loadErr := analyzer.Load(ctx, cfg.LoadOptions())
	c := <-done
	if c.err != nil {
		return nil, nil, c.err
	}
	return runLoaded(ctx, c.eng, cfg, a, loadErr)
}

// RunWith lints with an already compiled engine.
func RunWith(ctx context.Context, eng *rules.Engine, cfg Config) (*report.Result, *analyzer.Analysis, error) {
	if _, err := NewSelection(eng.Catalog(), cfg.Enable, cfg.Disable); err != nil {
		return nil, nil, err // before loading, as runLoaded would report it first
	}
	a, err := analyzer.Load(ctx, cfg.LoadOptions())
	return runLoaded(ctx, eng, cfg, a, err)
}

// runLoaded lints loaded inputs (or reports why they did not load).
func runLoaded(ctx context.Context, eng *rules.Engine, cfg Config, a *analyzer.Analysis, loadErr error) (*report.Result, *analyzer.Analysis, error) {
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
	if cfg.Skipped != nil {
		for _, f := range a.Skipped {
			cfg.Skipped(DisplayPath(f))
		}
	}
	for _, err := range a.Errors {
		res.Successful = false
		res.Notifications = append(res.Notifications, ToolNotification(err))
	}
	for _, w := range a.Warnings {
		res.Notifications = append(res.Notifications, report.Notification{Level: "warning", Message: w})
	}
	input, err := rules.InputValue(a.Model)
	if err != nil {
		return res, nil, fmt.Errorf("converting the model: %w", err)
	}
	raw, terrs, err := eng.Eval(ctx, input, sel.Enabled)
	if err != nil {
		res.Successful = false
		res.Notifications = append(res.Notifications, ToolNotification(err))
		return res, nil, err
	}
	if err := inputBudgetError(terrs, eng, a.Model); err != nil {
		res.Successful = false
		res.Notifications = append(res.Notifications, ToolNotification(err))
		return res, nil, err
	}
	res.Successful = res.Successful && len(terrs) == 0
	// A rule that failed (a runtime error, its time budget) is named in
	// the report; every other rule's findings are still written.
	for _, te := range terrs {
		res.Notifications = append(res.Notifications, report.Notification{Level: "error", Message: safeio.Shorten(te.Error()), RuleID: te.Rule})
	}
	seen := map[string]bool{}
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
		f := report.Finding{RuleID: rf.Rule.ID, Level: level, Message: safeio.Shorten(rf.Message), File: DisplayPath(reg.File),
			StartLine: reg.StartLine, StartCol: reg.StartCol, EndLine: reg.EndLine, EndCol: reg.EndCol,
			Identity: rf.Rule.ID + ":" + DisplayPath(reg.File) + ":" + ref.Identity(rf.Sub)}
		if note != "" {
			f.Related = append(f.Related, report.Location{File: f.File, StartLine: f.StartLine, StartCol: f.StartCol,
				EndLine: f.EndLine, EndCol: f.EndCol, Message: note})
		}
		if reg.Via != nil {
			f.Related = append(f.Related, report.Location{File: DisplayPath(reg.Via.File), StartLine: reg.Via.StartLine,
				StartCol: reg.Via.StartCol, EndLine: reg.Via.EndLine, EndCol: reg.Via.EndCol, Message: "merged in here"})
		}
		key := fmt.Sprintf("%s|%s|%d|%d|%s", f.RuleID, f.File, f.StartLine, f.StartCol, f.Message)
		if seen[key] {
			continue
		}
		seen[key] = true
		res.Findings = append(res.Findings, f)
		res.Sources[f.File] = a.Files[reg.File]
	}
	// Suppression: inline directives, then configuration ignores, then the
	// baseline, each only for findings the previous step left unsuppressed.
	files := map[string][]byte{}
	for name, src := range a.Files {
		files[DisplayPath(name)] = src
	}
	applyDirectives(res, files, eng.Catalog())
	applyIgnores(cfg, res)
	if cfg.Baseline != nil {
		cfg.Baseline.Apply(res.Findings)
	}
	SortFindings(res.Findings)
	return res, a, nil
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

// LoadOptions are the analyzer options of this run.
func (cfg Config) LoadOptions() analyzer.Options {
	return analyzer.Options{Stacks: cfg.Stacks, Env: cfg.Env, Settings: cfg.Settings, Merger: cfg.Merger, Inventory: cfg.Inventory,
		Scripts: cfg.Scripts, SwarmInit: cfg.SwarmInit, SwarmInitName: cfg.SwarmInitName, SwarmInitAt: cfg.SwarmInitAt, DaemonJSON: cfg.DaemonJSON, Live: cfg.Live}
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
	return fmt.Errorf("the inputs (%d files: %d services, %d networks, %d published ports) are too large to check within the policy timeout of %s; lint fewer files at a time or raise --policy-timeout",
		len(files), len(m.Services), len(m.Networks), ports, eng.Timeout())
}
