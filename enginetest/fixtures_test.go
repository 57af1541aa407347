package enginetest_test

// swarmlint's side of the verification: the rule fixtures and the linter's
// verdict on each of them. Needs no engine.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/lint/linttest"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// fixturesRoot is the repository's fixtures folder, seen from enginetest/.
const fixturesRoot = "../fixtures"

// swarmInitFile is the optional file of a fixture folder holding the
// `docker swarm init` line the folder's fixtures are linted (and deployed)
// with.
const swarmInitFile = "swarm-init.txt"

// Kinds of fixture, as lint/linttest lints them.
const (
	kindStack  = "stack"            // one compose file, one stack
	kindMulti  = "multi"            // a sub-folder: one stack merged from its files in name order
	kindScript = "script"           // a bootstrap script (*.sh)
	kindDaemon = "daemon"           // a daemon*.json
	kindSwarm  = linttest.KindSwarm // a <name>.swarm sub-folder: scripts, then stacks, in one swarm
)

// fixture is one input of a rule's fixture folder.
type fixture struct {
	Rule string // SWL001
	Dir  string // ../fixtures/SWL001-ipam-option-not-deployable
	Path string // Dir/bad.yml, or Dir/multi for a sub-folder
	Name string // bad.yml, or multi/ for a sub-folder
	Kind string
}

// Files returns the compose files of a stack fixture in merge order.
func (f fixture) Files() []string {
	switch f.Kind {
	case kindMulti:
		files, _ := linttest.StackFiles(f.Path)
		return files
	case kindSwarm:
		sf, _ := linttest.ReadSwarm(f.Path)
		var files []string
		for _, st := range sf.Stacks {
			files = append(files, st.Files...)
		}
		return files
	}
	return []string{f.Path}
}

// InitLine returns the folder's swarm-init.txt without comments, or "".
func (f fixture) InitLine() string {
	src, err := os.ReadFile(filepath.Join(f.Dir, swarmInitFile))
	if err != nil {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, " ")
}

// StackName is the stack name swarmlint assumes for the fixture (derived
// from the folder of its first file); the engine deploys under the same name.
func (f fixture) StackName() string { return analyzer.StackName(f.Files()[0]) }

// ruleFixtures lists every rule's fixtures, keyed by rule id, each list in
// the order lint's golden test uses (sorted by path).
func ruleFixtures() (map[string][]fixture, error) {
	dirs, err := os.ReadDir(fixturesRoot)
	if err != nil {
		return nil, err
	}
	out := map[string][]fixture{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		id, ok := linttest.RuleID(d.Name())
		if !ok {
			continue
		}
		dir := filepath.Join(fixturesRoot, d.Name())
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		var fs []fixture
		for _, e := range ents {
			name := e.Name()
			f := fixture{Rule: id, Dir: dir, Path: filepath.Join(dir, name), Name: name}
			switch {
			case e.IsDir() && strings.HasSuffix(name, linttest.SwarmSuffix):
				f.Kind, f.Name = kindSwarm, name+"/"
			case e.IsDir():
				f.Kind, f.Name = kindMulti, name+"/"
			case strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".yaml"):
				f.Kind = kindStack
			case strings.HasSuffix(name, ".sh"):
				f.Kind = kindScript
			case strings.HasPrefix(name, "daemon") && strings.HasSuffix(name, ".json"):
				f.Kind = kindDaemon
			default:
				continue
			}
			fs = append(fs, f)
		}
		sort.Slice(fs, func(i, j int) bool { return fs[i].Path < fs[j].Path })
		out[id] = append(out[id], fs...)
	}
	return out, nil
}

// lintFixture lints one fixture with only its rule enabled and an empty
// environment, exactly as lint's golden test does (linttest.Fixture.Config):
// a sub-folder as one merged stack, a script alone as --script, a
// daemon*.json as --daemon-json, a stack file as its own stack, each file
// fixture with the folder's swarm-init.txt as --swarm-init.
func lintFixture(ctx context.Context, eng *rules.Engine, f fixture) ([]report.Finding, error) {
	cfg, _, params, err := linttest.Fixture(f).Config()
	if err != nil {
		return nil, err
	}
	if params != nil {
		return nil, fmt.Errorf("%s: per-fixture --data is not supported by the engine verification", f.Path)
	}
	res, _, err := lint.RunWith(ctx, eng, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: lint failed: %w", f.Path, err)
	}
	var out []report.Finding
	for _, fd := range res.Findings {
		if fd.Suppression == nil {
			out = append(out, fd)
		}
	}
	return out, nil
}

// lintVerdict is the swarmlint column of one fixture: "clean", or the
// findings counted by level with their lines, e.g. "2 errors (L15, L16)".
// Findings outside the fixture file (swarm-init.txt, the other files of a
// merged stack) name their file.
func lintVerdict(f fixture, findings []report.Finding) string {
	if len(findings) == 0 {
		return "clean"
	}
	byLevel := map[string][]string{}
	var levels []string
	self := lint.DisplayPath(f.Path)
	for _, fd := range findings {
		at := fmt.Sprintf("L%d", fd.StartLine)
		if fd.File != self {
			rel, err := filepath.Rel(lint.DisplayPath(f.Dir), fd.File)
			if err != nil {
				rel = fd.File
			}
			at = filepath.ToSlash(rel) + " " + at
		}
		if _, ok := byLevel[fd.Level]; !ok {
			levels = append(levels, fd.Level)
		}
		byLevel[fd.Level] = append(byLevel[fd.Level], at)
	}
	order := map[string]int{"error": 0, "warning": 1, "note": 2}
	sort.SliceStable(levels, func(i, j int) bool { return order[levels[i]] < order[levels[j]] })
	var parts []string
	for _, l := range levels {
		n := len(byLevel[l])
		word := l
		if n > 1 {
			word += "s"
		}
		parts = append(parts, fmt.Sprintf("%d %s (%s)", n, word, strings.Join(byLevel[l], ", ")))
	}
	return strings.Join(parts, ", ")
}

// lintAll lints every fixture of every rule and returns the verdicts, keyed
// by rule id and then by fixture name.
func lintAll(ctx context.Context) (map[string][]fixture, map[string]map[string]string, map[string]map[string][]report.Finding, error) {
	fixtures, err := ruleFixtures()
	if err != nil {
		return nil, nil, nil, err
	}
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		return nil, nil, nil, err
	}
	verdicts := map[string]map[string]string{}
	findings := map[string]map[string][]report.Finding{}
	for id, fs := range fixtures {
		verdicts[id], findings[id] = map[string]string{}, map[string][]report.Finding{}
		for _, f := range fs {
			got, err := lintFixture(ctx, eng, f)
			if err != nil {
				return nil, nil, nil, err
			}
			verdicts[id][f.Name] = lintVerdict(f, got)
			findings[id][f.Name] = got
		}
	}
	return fixtures, verdicts, findings, nil
}
