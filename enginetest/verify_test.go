package enginetest_test

// TestVerifyRules deploys every rule fixture on the engine and compares what
// Docker did with swarmlint's verdict; -enginetest.report writes the result
// to docs/engine-verification.md. The expectations per fixture are in
// verify_specs_test.go.

import (
	"context"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v4"

	"github.com/swarmlint/swarmlint/enginetest"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/lint/linttest"
)

var reportFlag = flag.String("enginetest.report", "", "write the rule verification report (Markdown) to this file")

// onlyFlag limits a run to some rules: only their fixtures are deployed,
// and -enginetest.report then replaces only their rows and details in the
// existing report, keeping every other rule's row from the last full run.
var onlyFlag = flag.String("enginetest.only", "", "comma-separated rule ids: verify only these rules (with -enginetest.report, update only their rows of the existing report)")

// onlyRules is the set -enginetest.only names (nil: every rule).
func onlyRules() map[string]bool {
	if strings.TrimSpace(*onlyFlag) == "" {
		return nil
	}
	ids := map[string]bool{}
	for _, id := range strings.Split(*onlyFlag, ",") {
		if id = strings.ToUpper(strings.TrimSpace(id)); id != "" {
			ids[id] = true
		}
	}
	return ids
}

// Waits of the verification. A task of the probe runs within 1–3 s here;
// "never running" is declared after stuckDeadline.
const (
	runDeadline   = 60 * time.Second
	stuckDeadline = 20 * time.Second
	workers       = 3
)

// Outcomes of a row.
const (
	confirmed       = "confirmed"
	contradicted    = "contradicted"
	notReproducible = "not reproducible"
)

// fxResult is what happened to one fixture.
type fxResult struct {
	F       fixture
	Lint    string   // swarmlint's verdict
	Bad     bool     // swarmlint reports something
	Engine  []string // the engine's verdict, one line per deployed unit
	Details []string // commands, full messages, evidence
	Status  string   // confirmed | contradicted | not reproducible
	Reason  string   // why not reproducible, or what contradicts
}

func (r *fxResult) unit(label, text string) {
	if label != "" {
		text = label + ": " + text
	}
	r.Engine = append(r.Engine, text)
}

func (r *fxResult) detail(format string, args ...any) {
	r.Details = append(r.Details, fmt.Sprintf(format, args...))
}

// fail records a contradiction (the first one wins as the reason).
func (r *fxResult) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if r.Status != contradicted {
		r.Status, r.Reason = contradicted, msg
	} else {
		r.Reason += "; " + msg
	}
}

// ruleResult is one row of the report.
type ruleResult struct {
	ID       string
	Fixtures []*fxResult
	Outcome  string
	Reason   string
}

func (rr *ruleResult) decide(note string) {
	var nr []string
	anyBadConfirmed := false
	for _, r := range rr.Fixtures {
		switch r.Status {
		case contradicted:
			rr.Outcome, rr.Reason = contradicted, r.F.Name+": "+r.Reason
			return
		case notReproducible:
			nr = append(nr, r.F.Name+": "+r.Reason)
		case confirmed:
			if r.Bad {
				anyBadConfirmed = true
			}
		}
	}
	switch {
	case anyBadConfirmed:
		rr.Outcome = confirmed
		if len(nr) > 0 {
			rr.Reason = "not reproducible here: " + strings.Join(nr, "; ")
		}
	default:
		rr.Outcome = notReproducible
		rr.Reason = strings.Join(nr, "; ")
	}
	if note != "" {
		if rr.Reason != "" {
			rr.Reason += ". "
		}
		rr.Reason += note
	}
}

// run is the state of one verification run.
type run struct {
	t        *testing.T
	image    string
	engine   enginetest.Engine
	results  map[string]*fxResult // "SWL001/bad.yml"
	findings map[string]map[string][]int
}

func key(f fixture) string { return f.Rule + "/" + f.Name }

func TestVerifyRules(t *testing.T) {
	if testing.Short() && *reportFlag == "" {
		t.Skip("-short: the rule verification deploys every fixture on the engine (about 11 minutes); run without -short")
	}
	ctx := context.Background()
	start := time.Now()
	fixtures, verdicts, findings, err := lintAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if only := onlyRules(); only != nil {
		for id := range only {
			if _, ok := fixtures[id]; !ok {
				t.Fatalf("-enginetest.only: %s has no fixtures", id)
			}
		}
		for id := range fixtures {
			if !only[id] {
				delete(fixtures, id)
			}
		}
	}
	eng := enginetest.RequireEngine(t)
	t.Logf("engine: server %s (API %s), client %s", eng.ServerVersion, eng.APIVersion, eng.ClientVersion)
	r := &run{t: t, engine: eng, results: map[string]*fxResult{}, findings: map[string]map[string][]int{}}
	r.image = enginetest.BuildProbeImage(t)
	var ids []string
	for id, fs := range fixtures {
		ids = append(ids, id)
		for _, f := range fs {
			res := &fxResult{F: f, Lint: verdicts[id][f.Name], Bad: len(findings[id][f.Name]) > 0}
			r.results[key(f)] = res
			for _, fd := range findings[id][f.Name] {
				if fd.File == lint.DisplayPath(f.Path) || f.Kind == kindMulti || f.Kind == kindSwarm {
					if r.findings[id] == nil {
						r.findings[id] = map[string][]int{}
					}
					r.findings[id][f.Name] = append(r.findings[id][f.Name], fd.StartLine)
				}
			}
		}
	}
	sort.Strings(ids)
	for _, res := range r.results {
		sp, ok := specs[key(res.F)]
		if !ok && res.Bad {
			t.Errorf("%s: no engine expectation in %s/%s", key(res.F), res.F.Dir, EngineFile)
		}
		if sp.Skip != "" {
			res.Status, res.Reason = notReproducible, sp.Skip
			res.unit("", "not run: "+sp.Skip)
		}
	}

	// Plain stack fixtures: one swarm, rules in parallel when they share
	// nothing (ports, subnets, names).
	t.Run("stacks", func(t *testing.T) { r.stacks(t, fixtures, ids) })
	// Fixtures that need a fresh swarm of their own.
	t.Run("fresh", func(t *testing.T) { r.fresh(t, fixtures, ids) })
	// Bootstrap scripts, one swarm each.
	t.Run("scripts", func(t *testing.T) { r.scripts(t, fixtures, ids) })
	// Several stacks (and scripts) of one swarm, one swarm each.
	t.Run("swarms", func(t *testing.T) { r.swarms(t, fixtures, ids) })

	var rows []*ruleResult
	counts := map[string]int{}
	for _, id := range ids {
		rr := &ruleResult{ID: id}
		for _, f := range fixtures[id] {
			res := r.results[key(f)]
			if res.Status == "" {
				if len(res.Engine) == 0 {
					res.Status, res.Reason = notReproducible, "not run"
				} else {
					res.Status = confirmed
				}
			}
			rr.Fixtures = append(rr.Fixtures, res)
		}
		rr.decide(ruleNotes[id])
		counts[rr.Outcome]++
		rows = append(rows, rr)
		if rr.Outcome == contradicted {
			t.Errorf("%s contradicted: %s", id, rr.Reason)
		}
		t.Logf("%s %s %s", id, rr.Outcome, rr.Reason)
	}
	t.Logf("confirmed %d, not reproducible %d, contradicted %d in %s", counts[confirmed], counts[notReproducible], counts[contradicted], time.Since(start).Round(time.Second))
	if *reportFlag != "" {
		if err := writeReport(*reportFlag, eng, rows, counts, time.Since(start)); err != nil {
			t.Errorf("writing report: %v", err)
		}
	}
}

// ---- stack fixtures ----

// resources of a rule's stack fixtures that concurrent rules must not share.
type resources struct {
	exclusive bool
	ports     map[int]bool
	names     map[string]bool
	subnets   []netip.Prefix
}

func (a resources) conflicts(b resources) bool {
	if a.exclusive || b.exclusive {
		return true
	}
	for p := range a.ports {
		if b.ports[p] {
			return true
		}
	}
	for n := range a.names {
		if b.names[n] {
			return true
		}
	}
	for _, x := range a.subnets {
		for _, y := range b.subnets {
			if x.Overlaps(y) {
				return true
			}
		}
	}
	return false
}

// stackResources reads the published ports, explicit network names and
// subnets of compose files.
func stackResources(files []string, res *resources) {
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var doc struct {
			Services map[string]struct {
				Ports  []any `yaml:"ports"`
				Deploy struct {
					Replicas any `yaml:"replicas"`
				} `yaml:"deploy"`
			} `yaml:"services"`
			Networks map[string]*struct {
				Name string `yaml:"name"`
				Ipam struct {
					Config []struct {
						Subnet string `yaml:"subnet"`
					} `yaml:"config"`
				} `yaml:"ipam"`
			} `yaml:"networks"`
		}
		if yaml.Unmarshal(src, &doc) != nil {
			res.exclusive = true
			continue
		}
		for _, s := range doc.Services {
			if n, _ := strconv.Atoi(fmt.Sprint(s.Deploy.Replicas)); n > 20 {
				res.exclusive = true // heavy: do not slow the others' deadlines
			}
			for _, p := range s.Ports {
				switch v := p.(type) {
				case string:
					for _, m := range regexp.MustCompile(`(\d+)(?:-(\d+))?:`).FindAllStringSubmatch(v, -1) {
						lo, _ := strconv.Atoi(m[1])
						hi := lo
						if m[2] != "" {
							hi, _ = strconv.Atoi(m[2])
						}
						for x := lo; x <= hi && x-lo < 100; x++ {
							res.ports[x] = true
						}
					}
				case map[string]any:
					if n, err := strconv.Atoi(fmt.Sprint(v["published"])); err == nil {
						res.ports[n] = true
					}
				}
			}
		}
		for _, n := range doc.Networks {
			if n == nil {
				continue
			}
			if n.Name != "" {
				res.names[n.Name] = true
			}
			for _, c := range n.Ipam.Config {
				if p, err := netip.ParsePrefix(c.Subnet); err == nil && p.Addr().Is4() {
					res.subnets = append(res.subnets, p.Masked())
					if netip.MustParsePrefix("10.0.0.0/16").Overlaps(p) {
						// near the pool's allocation front: auto-allocated
						// networks of other stacks could take it
						res.exclusive = true
					}
				}
			}
		}
	}
}

func (r *run) stacks(t *testing.T, fixtures map[string][]fixture, ids []string) {
	sw := enginetest.InitSwarm(t)
	t.Logf("swarm initialised with --advertise-addr %s", sw.AdvertiseAddr)
	// External networks some fixtures declare: a user creates them first.
	for _, n := range externalNetworks {
		if out, err := enginetest.Docker("network", "create", "--driver", "overlay", "--attachable", n); err != nil {
			t.Fatalf("creating external network %s: %v\n%s", n, err, out)
		}
		n := n
		t.Cleanup(func() { enginetest.Docker("network", "rm", n) })
	}
	type job struct {
		id  string
		fs  []fixture
		res resources
	}
	var jobs []*job
	for _, id := range ids {
		j := &job{id: id, res: resources{ports: map[int]bool{}, names: map[string]bool{}}}
		for _, f := range fixtures[id] {
			if (f.Kind != kindStack && f.Kind != kindMulti) || f.InitLine() != "" || r.results[key(f)].Status != "" || specs[key(f)].Fresh {
				continue
			}
			j.fs = append(j.fs, f)
			stackResources(f.Files(), &j.res)
			if specs[key(f)].Exclusive {
				j.res.exclusive = true
			}
		}
		if len(j.fs) > 0 {
			jobs = append(jobs, j)
		}
	}
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	var running []*job
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for _, j := range jobs {
		j := j
		mu.Lock()
		for {
			ok := len(running) < workers
			for _, o := range running {
				if o.res.conflicts(j.res) {
					ok = false
				}
			}
			if ok {
				break
			}
			cond.Wait()
		}
		running = append(running, j)
		mu.Unlock()
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				<-sem
				mu.Lock()
				for i, o := range running {
					if o == j {
						running = append(running[:i], running[i+1:]...)
						break
					}
				}
				cond.Broadcast()
				mu.Unlock()
			}()
			// Subtests in goroutines: t.Run blocks until the subtest ends.
			t.Run(j.id, func(t *testing.T) {
				for _, f := range j.fs {
					r.deployFixture(t, f)
				}
			})
		}()
	}
	wg.Wait()
}

// fresh runs the stack fixtures that need a swarm of their own: those with a
// swarm-init.txt, and those whose outcome depends on the pool's allocation
// front (spec Fresh).
func (r *run) fresh(t *testing.T, fixtures map[string][]fixture, ids []string) {
	for _, id := range ids {
		for _, f := range fixtures[id] {
			if (f.Kind != kindStack && f.Kind != kindMulti) || r.results[key(f)].Status != "" {
				continue
			}
			if f.InitLine() == "" && !specs[key(f)].Fresh {
				continue
			}
			t.Run(key(f), func(t *testing.T) {
				tries := specs[key(f)].Tries
				if tries == 0 {
					tries = 1
				}
				res := r.results[key(f)]
				for i := 0; i < tries; i++ {
					if i > 0 {
						// The previous try did not show it: record it and start over.
						prev := fmt.Sprintf("try %d of %d: %s", i, tries, strings.Join(res.Engine, "; "))
						*res = fxResult{F: res.F, Lint: res.Lint, Bad: res.Bad}
						res.detail("%s", prev)
					}
					done := func() bool {
						// A subtest per try so that the swarm's cleanup runs in between.
						ok := false
						t.Run(fmt.Sprintf("try%d", i+1), func(t *testing.T) {
							var flags []string
							if line := f.InitLine(); line != "" {
								fields := strings.Fields(line)
								rw, _ := enginetest.FixtureRewrite(r.image, enginetest.Advertise(t))(fields[1:])
								flags = rw[2:]
								r.results[key(f)].detail("swarm init from %s: `docker %s`", swarmInitFile, strings.Join(rw, " "))
							}
							enginetest.InitSwarm(t, flags...)
							ok = r.deployFixture(t, f)
						})
						return ok
					}()
					if done {
						break
					}
				}
			})
		}
	}
}

// deployFixture deploys one stack fixture (and its variants) and records
// the result. It reports whether the fixture's expectation was met.
func (r *run) deployFixture(t *testing.T, f fixture) bool {
	res := r.results[key(f)]
	sp := specs[key(f)]
	stack := f.StackName()
	t.Run(strings.TrimSuffix(f.Name, "/"), func(t *testing.T) {
		if sp.Setup != nil {
			sp.Setup(t)
		}
		want := sp.Expect
		if want == "" {
			want = expectRunning
		}
		if res.Bad && sp.Expect == "" {
			res.fail("no expectation")
			return
		}
		if sp.SkipWhole == "" {
			u := r.deployUnit(t, stack, f.Files(), want, sp)
			res.Details = append(res.Details, u.details...)
			label := ""
			if sp.Variants {
				label = "whole file"
			}
			res.unit(label, u.summary)
			r.judge(res, sp, u, "")
			if sp.Check != nil && (u.verdict.Outcome == enginetest.OutcomeRunning || u.verdict.Outcome == enginetest.OutcomeFailed) {
				ev, err := sp.Check(&checkCtx{t: t, stack: stack, tasks: u.tasks, verdict: u.verdict, image: r.image})
				for _, e := range ev {
					res.detail("evidence: %s", e)
				}
				if err != nil {
					res.fail("%v", err)
				} else if len(ev) > 0 {
					res.Engine[len(res.Engine)-1] += "; " + ev[0]
				}
			}
			enginetest.RemoveStack(t, stack)
		} else {
			res.unit("whole file", "not deployed: "+sp.SkipWhole)
		}
		if sp.Variants && f.Kind == kindStack {
			lines := r.findings[f.Rule][f.Name]
			for _, l := range uniqInts(lines) {
				label := fmt.Sprintf("L%d alone", l)
				if why, ok := sp.NoVariant[l]; ok {
					res.unit(label, "not deployed: "+why)
					continue
				}
				var others []int
				for _, o := range lines {
					if o != l {
						others = append(others, o)
					}
				}
				src, _ := os.ReadFile(f.Path)
				out, err := enginetest.RemoveLines(src, others)
				if err != nil {
					res.fail("variant L%d: %v", l, err)
					continue
				}
				p := filepath.Join(t.TempDir(), fmt.Sprintf("L%d-%s", l, filepath.Base(f.Path)))
				if err := os.WriteFile(p, out, 0o644); err != nil {
					t.Fatal(err)
				}
				vs := sp
				if ls, ok := sp.Line[l]; ok {
					vs = ls
				}
				vwant := vs.Expect
				if vwant == "" {
					vwant = expectRunning
				}
				u := r.deployUnit(t, stack, []string{p}, vwant, vs)
				res.unit(label, u.summary)
				res.detail("variant %s (lines %v removed):", label, others)
				res.Details = append(res.Details, u.details...)
				r.judge(res, vs, u, label)
				if vs.Check != nil && (u.verdict.Outcome == enginetest.OutcomeRunning || u.verdict.Outcome == enginetest.OutcomeFailed) {
					ev, err := vs.Check(&checkCtx{t: t, stack: stack, tasks: u.tasks, verdict: u.verdict, image: r.image})
					for _, e := range ev {
						res.detail("evidence: %s", e)
					}
					if err != nil {
						res.fail("%s: %v", label, err)
					} else if len(ev) > 0 {
						res.Engine[len(res.Engine)-1] += "; " + ev[0]
					}
				}
				enginetest.RemoveStack(t, stack)
			}
		}
	})
	return res.Status != contradicted
}

// unit is one deployment.
type unit struct {
	verdict enginetest.Verdict
	tasks   []enginetest.TaskState
	summary string
	details []string
}

func (r *run) deployUnit(t *testing.T, stack string, files []string, want string, sp spec) unit {
	wait := runDeadline
	if want == expectStuck {
		wait = stuckDeadline
		if sp.Wait > 0 {
			wait = sp.Wait
		}
	}
	var cmd []string
	for _, f := range files {
		cmd = append(cmd, "-c "+displayFile(f))
	}
	if want == expectAccepted {
		wait = 3 * time.Second
	}
	v, tasks := enginetest.DeployAndClassify(t, stack, wait, files...)
	if want == expectAccepted && v.Outcome != enginetest.OutcomeRejected {
		// Some tasks wait on purpose (scheduler): wait for the others.
		tasks = settleTasks(t, stack, tasks, runDeadline)
		v.Outcome = enginetest.OutcomeRunning
		for _, s := range tasks {
			if s.DesiredState == "Running" && !s.Running() {
				v.Outcome = enginetest.OutcomeFailed
			}
		}
	}
	u := unit{verdict: v, tasks: tasks}
	u.details = append(u.details, fmt.Sprintf("`docker stack deploy --detach=true --resolve-image never %s %s` (images replaced by the probe image)", strings.Join(cmd, " "), stack))
	switch v.Outcome {
	case enginetest.OutcomeRejected:
		u.summary = "rejected: " + code(firstLine(v.Message))
		u.details = append(u.details, "rejected:\n\n```text\n"+v.Message+"\n```")
	case enginetest.OutcomeFailed:
		u.summary = "accepted, tasks never running: " + stuckSummary(v, tasks)
		u.details = append(u.details, fmt.Sprintf("accepted; after %s: %s", wait, taskSummary(tasks)))
		if v.Message != "" {
			u.details = append(u.details, "message: "+code(v.Message))
		}
		u.details = append(u.details, stackNetworks(stack)...)
	default:
		u.summary = "accepted and running"
		if m := strings.TrimSpace(v.Message); m != "" {
			u.summary += "; Docker printed " + code(warningText(m))
			u.details = append(u.details, "Docker printed:\n\n```text\n"+m+"\n```")
		}
		u.details = append(u.details, taskSummary(tasks))
	}
	return u
}

// judge compares a unit's outcome with the expectation.
func (r *run) judge(res *fxResult, sp spec, u unit, label string) {
	want := sp.Expect
	if want == "" {
		want = expectRunning
	}
	if label != "" {
		label += ": "
	}
	got := u.verdict.Outcome
	switch want {
	case expectRejected:
		if got != enginetest.OutcomeRejected {
			res.fail("%sexpected a rejection, Docker %s", label, got)
			return
		}
	case expectStuck:
		if got != enginetest.OutcomeFailed {
			res.fail("%sexpected tasks that never run, Docker: %s", label, u.summary)
			return
		}
	case expectRunning:
		if got != enginetest.OutcomeRunning && got != enginetest.OutcomeAccepted {
			if sp.NotRepro != "" {
				res.Status, res.Reason = notReproducible, sp.NotRepro
				return
			}
			res.fail("%sexpected running tasks, Docker: %s", label, u.summary)
			return
		}
	case expectAccepted:
		if got == enginetest.OutcomeRejected {
			res.fail("%sexpected the deploy to be accepted, Docker: %s", label, u.summary)
			return
		}
	}
	if len(sp.Match) > 0 && (got == enginetest.OutcomeRejected || got == enginetest.OutcomeFailed) {
		text := u.verdict.Message + "\n" + taskSummary(u.tasks)
		ok := false
		for _, m := range sp.Match {
			if regexp.MustCompile(m).MatchString(text) {
				ok = true
			}
		}
		if !ok {
			res.fail("%sDocker's message %q matches none of %q", label, firstLine(u.verdict.Message), sp.Match)
		}
	}
	if sp.NotRepro != "" && res.Status != contradicted {
		res.Status, res.Reason = notReproducible, sp.NotRepro
	}
}

// ---- scripts ----

func (r *run) scripts(t *testing.T, fixtures map[string][]fixture, ids []string) {
	for _, id := range ids {
		for _, f := range fixtures[id] {
			if f.Kind != kindScript || r.results[key(f)].Status != "" {
				continue
			}
			t.Run(key(f), func(t *testing.T) { r.runScript(t, f) })
		}
	}
}

// yesInput answers every confirmation prompt of a script with y, as the
// user running it at a terminal does.
var yesInput = strings.Repeat("y\n", 20)

func (r *run) runScript(t *testing.T, f fixture) {
	res := r.results[key(f)]
	sp := specs[key(f)]
	src, err := os.ReadFile(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	initsSwarm := regexp.MustCompile(`(?m)^[^#]*docker\s+swarm\s+init`).Match(src)
	var leftover []string
	if initsSwarm {
		enginetest.PrepareNoSwarm(t)
		leftover = enginetest.LeftoverSwarmNetworks()
		if len(leftover) > 0 {
			res.detail("before the script: the engine still lists network(s) %s of an earlier swarm, after waiting for their release", strings.Join(leftover, ", "))
		}
	} else {
		enginetest.InitSwarm(t)
		res.detail("run on a swarm initialised with `docker swarm init --advertise-addr %s` (the script expects an existing swarm)", enginetest.Advertise(t))
	}
	before := networkIDs()
	t.Cleanup(func() { removeNewNetworks(t, before) })
	if sp.Setup != nil {
		sp.Setup(t)
	}
	stdin, how := yesInput, "prompts answered y"
	if sp.Unattended {
		stdin, how = "", "nothing on standard input, as in an unattended run"
	}
	steps, runErr := enginetest.RunScriptWith(t, f.Path, enginetest.ScriptOptions{
		Stdin: stdin, Rewrite: enginetest.FixtureRewrite(r.image, enginetest.Advertise(t)), KeepGoing: true, Placeholders: true,
	})
	if initsSwarm {
		enginetest.AdoptSwarm(t)
	}
	if runErr != nil && len(steps) == 0 {
		res.fail("running the script: %v", runErr)
		return
	}
	res.detail("`bash %s` (docker statements only; %s; every statement run even after a failure; see the method)", displayFile(f.Path), how)
	wantLines := r.findings[f.Rule][f.Name]
	isWant := func(s enginetest.ScriptStep) bool {
		for _, l := range wantLines {
			if l >= s.Line && l <= s.EndLine {
				return true
			}
		}
		return false
	}
	matchIdx := 0
	for _, s := range steps {
		line := fmt.Sprintf("L%d", s.Line)
		cmd := oneLine(s.Command)
		if s.Skipped != "" {
			res.detail("%s skipped (%s): `%s`", line, s.Skipped, oneLine(s.Original))
			if isWant(s) {
				res.unit(line, "not run: "+s.Skipped)
				if res.Status != contradicted {
					res.Status, res.Reason = notReproducible, s.Skipped
				}
			}
			continue
		}
		if cmd != oneLine(s.Original) {
			res.detail("%s `%s` ran as `%s` → exit %d %s", line, oneLine(s.Original), cmd, s.ExitCode, outputText(s.Output))
		} else {
			res.detail("%s `%s` → exit %d %s", line, cmd, s.ExitCode, outputText(s.Output))
		}
		msg := lastLines(enginetest.DockerMessage(stripPrompt(s.Output)))
		switch {
		case isWant(s):
			want := sp.Expect
			if want == "" {
				want = expectRejected
			}
			if s.ExitCode != 0 {
				res.unit(line, "rejected: "+code(msg))
			} else if msg != "" {
				res.unit(line, "accepted: "+code(msg))
			} else {
				res.unit(line, "accepted")
			}
			switch {
			case want == expectRejected && s.ExitCode == 0:
				res.fail("%s: expected a rejection, the command succeeded", line)
			case want == expectAccepted && s.ExitCode != 0:
				res.fail("%s: expected the command to succeed: %s", line, msg)
			case want == expectRejected && len(sp.Match) > 0:
				m := sp.Match[min(matchIdx, len(sp.Match)-1)]
				matchIdx++
				if !regexp.MustCompile(m).MatchString(s.Output) {
					res.fail("%s: Docker's message %q does not match %q", line, msg, m)
				}
			}
		case s.ExitCode != 0 && !res.Bad:
			res.unit(line, "rejected: "+code(msg))
			if why, ok := sp.NoVariant[s.Line]; ok {
				if res.Status != contradicted {
					res.Status, res.Reason = notReproducible, why
				}
			} else if len(leftover) > 0 {
				// Not a verdict on the fixture: the engine was not clean.
				if res.Status != contradicted {
					res.Status, res.Reason = notReproducible, fmt.Sprintf("%s failed on an engine that still listed network(s) %s of an earlier swarm: %s", line, strings.Join(leftover, ", "), msg)
				}
			} else {
				res.fail("%s failed in a clean fixture: %s", line, msg)
			}
		}
	}
	if !res.Bad && len(res.Engine) == 0 {
		res.unit("", "every statement accepted")
	}
	if sp.Check != nil {
		ev, err := sp.Check(&checkCtx{t: t, image: r.image, steps: steps})
		for _, e := range ev {
			res.detail("evidence: %s", e)
		}
		if err != nil {
			res.fail("%v", err)
		} else if len(ev) > 0 {
			res.unit("", ev[0])
		}
	}
	if sp.NotRepro != "" && res.Status != contradicted {
		res.Status, res.Reason = notReproducible, sp.NotRepro
	}
}

// ---- swarm fixtures ----

func (r *run) swarms(t *testing.T, fixtures map[string][]fixture, ids []string) {
	for _, id := range ids {
		for _, f := range fixtures[id] {
			if f.Kind != kindSwarm || r.results[key(f)].Status != "" {
				continue
			}
			t.Run(key(f), func(t *testing.T) { r.runSwarm(t, f) })
		}
	}
}

var swarmInitRe = regexp.MustCompile(`(?m)^[^#]*docker\s+swarm\s+init`)

// runSwarm runs a swarm fixture on a swarm of its own, the way its files
// say a user would: the scripts first (as runScript runs one: prompts
// answered y, every statement run), then each stack deployed in order
// under its stack name. The stacks together are the unit judged against
// the spec; a failing script statement is recorded and, unless the spec
// names its line in NoVariant, contradicts a fixture whose stacks Docker
// then accepts.
func (r *run) runSwarm(t *testing.T, f fixture) {
	res := r.results[key(f)]
	sp := specs[key(f)]
	sf, err := linttest.ReadSwarm(f.Path)
	if err != nil {
		res.fail("%v", err)
		return
	}
	initsSwarm := false
	for _, s := range sf.Scripts {
		if src, err := os.ReadFile(s); err == nil && swarmInitRe.Match(src) {
			initsSwarm = true
		}
	}
	if initsSwarm {
		enginetest.PrepareNoSwarm(t)
	} else {
		enginetest.InitSwarm(t)
		res.detail("run on a swarm initialised with `docker swarm init --advertise-addr %s`", enginetest.Advertise(t))
	}
	before := networkIDs()
	t.Cleanup(func() { removeNewNetworks(t, before) })
	if sp.Setup != nil {
		sp.Setup(t)
	}
	var steps []enginetest.ScriptStep
	for _, s := range sf.Scripts {
		st, runErr := enginetest.RunScriptWith(t, s, enginetest.ScriptOptions{
			Stdin: yesInput, Rewrite: enginetest.FixtureRewrite(r.image, enginetest.Advertise(t)), KeepGoing: true, Placeholders: true,
		})
		if runErr != nil && len(st) == 0 {
			res.fail("running %s: %v", displayFile(s), runErr)
			return
		}
		res.detail("`bash %s` (docker statements only; prompts answered y)", displayFile(s))
		for _, step := range st {
			line := fmt.Sprintf("%s L%d", filepath.Base(s), step.Line)
			if step.Skipped != "" {
				res.detail("%s skipped (%s): `%s`", line, step.Skipped, oneLine(step.Original))
				continue
			}
			res.detail("%s `%s` → exit %d %s", line, oneLine(step.Command), step.ExitCode, outputText(step.Output))
			if step.ExitCode != 0 {
				if _, ok := sp.NoVariant[step.Line]; !ok {
					res.fail("%s failed: %s", line, lastLines(enginetest.DockerMessage(stripPrompt(step.Output))))
				}
			}
		}
		steps = append(steps, st...)
	}
	if initsSwarm {
		enginetest.AdoptSwarm(t)
	}
	want := sp.Expect
	if want == "" {
		want = expectRunning
	}
	if res.Bad && sp.Expect == "" {
		res.fail("no expectation")
		return
	}
	wait := runDeadline
	if want == expectStuck {
		wait = stuckDeadline
		if sp.Wait > 0 {
			wait = sp.Wait
		}
	}
	var outs []string
	var v enginetest.Verdict
	rejected := false
	for _, st := range sf.Stacks {
		var cmd []string
		for _, file := range st.Files {
			cmd = append(cmd, "-c "+displayFile(file))
		}
		res.detail("`docker stack deploy --detach=true --resolve-image never %s %s` (images replaced by the probe image)", strings.Join(cmd, " "), st.Name)
		out, err := enginetest.DeployStack(t, st.Name, st.Files...)
		if err != nil {
			v, rejected = enginetest.Classify(out, err, nil, nil), true
			break
		}
		if m := enginetest.DockerMessage(out); m != "" {
			outs = append(outs, m)
		}
	}
	var tasks []enginetest.TaskState
	if !rejected {
		deadline := time.Now().Add(wait)
		var werr error
		for _, st := range sf.Stacks {
			ts, err := enginetest.WaitTasks(t, st.Name, deadline)
			tasks = append(tasks, ts...)
			if err != nil && werr == nil && !strings.Contains(err.Error(), "has no services") {
				werr = err
			}
		}
		v = enginetest.Classify(strings.Join(outs, "\n"), nil, tasks, werr)
	}
	u := unit{verdict: v, tasks: tasks}
	switch v.Outcome {
	case enginetest.OutcomeRejected:
		u.summary = "rejected: " + code(firstLine(v.Message))
		u.details = append(u.details, "rejected:\n\n```text\n"+v.Message+"\n```")
	case enginetest.OutcomeFailed:
		u.summary = "accepted, tasks never running: " + stuckSummary(v, tasks)
		u.details = append(u.details, fmt.Sprintf("accepted; after %s: %s", wait, taskSummary(tasks)))
	default:
		u.summary = "accepted and running"
		u.details = append(u.details, taskSummary(tasks))
	}
	res.Details = append(res.Details, u.details...)
	res.unit("", u.summary)
	r.judge(res, sp, u, "")
	if sp.Check != nil && (v.Outcome == enginetest.OutcomeRunning || v.Outcome == enginetest.OutcomeFailed || v.Outcome == enginetest.OutcomeAccepted) {
		last := ""
		if len(sf.Stacks) > 0 {
			last = sf.Stacks[len(sf.Stacks)-1].Name
		}
		ev, err := sp.Check(&checkCtx{t: t, stack: last, tasks: tasks, verdict: v, image: r.image, steps: steps})
		for _, e := range ev {
			res.detail("evidence: %s", e)
		}
		if err != nil {
			res.fail("%v", err)
		} else if len(ev) > 0 {
			res.Engine[len(res.Engine)-1] += "; " + ev[0]
		}
	}
}

// ---- helpers ----

func networkIDs() map[string]bool {
	out, _ := enginetest.DockerOut("network", "ls", "-q")
	ids := map[string]bool{}
	for _, id := range strings.Fields(out) {
		ids[id] = true
	}
	return ids
}

// removeNewNetworks removes the networks a script created (services first).
func removeNewNetworks(t *testing.T, before map[string]bool) {
	if out, err := enginetest.DockerOut("service", "ls", "-q"); err == nil && strings.TrimSpace(out) != "" {
		enginetest.Docker(append([]string{"service", "rm"}, strings.Fields(out)...)...)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		left := 0
		for id := range networkIDs() {
			if before[id] {
				continue
			}
			out, _ := enginetest.DockerOut("network", "inspect", "-f", "{{.Name}} {{.Ingress}}", id)
			f := strings.Fields(out)
			if len(f) == 2 && (f[0] == "docker_gwbridge" || f[1] == "true") {
				continue // the swarm's own: LeaveSwarm handles them
			}
			left++
			enginetest.Docker("network", "rm", id)
		}
		if left == 0 || time.Now().After(deadline) {
			if left > 0 {
				t.Errorf("%d networks created by the script still present", left)
			}
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func stackNetworks(stack string) []string {
	out, err := enginetest.DockerOut("network", "ls", "-q", "--filter", "label=com.docker.stack.namespace="+stack)
	if err != nil {
		return nil
	}
	var lines []string
	for _, id := range strings.Fields(out) {
		n, err := enginetest.NetworkInspect(id)
		if err != nil {
			continue
		}
		cfg := "unallocated (no IPAM config, no driver state)"
		if len(n.IPAM.Config) > 0 {
			var s []string
			for _, c := range n.IPAM.Config {
				s = append(s, c.Subnet)
			}
			cfg = strings.Join(s, ", ")
		}
		lines = append(lines, fmt.Sprintf("network %s: %s", n.Name, cfg))
	}
	sort.Strings(lines)
	return lines
}

func stuckSummary(v enginetest.Verdict, tasks []enginetest.TaskState) string {
	for _, s := range tasks {
		if s.Error != "" {
			return code(strings.Trim(s.Error, `"`))
		}
	}
	states := map[string]int{}
	for _, s := range tasks {
		if s.DesiredState == "Running" && !s.Running() {
			states[s.State]++
		}
	}
	var parts []string
	for st, n := range states {
		parts = append(parts, fmt.Sprintf("%d %s", n, st))
	}
	sort.Strings(parts)
	return "no error shown, tasks " + strings.Join(parts, ", ")
}

func uniqInts(xs []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Ints(out)
	return out
}

func displayFile(p string) string {
	if rel, err := filepath.Rel("..", p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.Base(p)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\\\n", " ")), " ")
}

func outputText(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "(no output)"
	}
	return "`" + strings.ReplaceAll(oneLine(s), "`", "'") + "`"
}

// stripPrompt removes the CLI's confirmation prompt from an output.
func stripPrompt(s string) string {
	if i := strings.Index(s, "Are you sure you want to continue? [y/N] "); i >= 0 {
		return s[i+len("Are you sure you want to continue? [y/N] "):]
	}
	return s
}

func lastLines(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && l != "exit status 1" {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, " ")
}

// warningText shortens the CLI's logrus warning lines to their msg.
func warningText(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if m := regexp.MustCompile(`msg="((?:[^"\\]|\\.)*)"`).FindStringSubmatch(l); m != nil {
			l = strings.ReplaceAll(m[1], `\"`, `"`)
		}
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, " ")
}

// settleTasks polls the stack's tasks until each task that should run runs
// or carries an error (a scheduler's reason to wait), or d passes.
func settleTasks(t *testing.T, stack string, tasks []enginetest.TaskState, d time.Duration) []enginetest.TaskState {
	done := func(ts []enginetest.TaskState) bool {
		if len(ts) == 0 {
			return false
		}
		for _, s := range ts {
			if s.DesiredState == "Running" && !s.Running() && s.Error == "" {
				return false
			}
		}
		return true
	}
	pollFor(d, func() bool {
		if ts, _ := enginetest.WaitTasks(t, stack, time.Now()); len(ts) > 0 {
			tasks = ts
		}
		return done(tasks)
	})
	return tasks
}
