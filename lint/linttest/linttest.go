// Package linttest checks rules against fixture files with inline
// expectations. It is the one fixture runner: swarmlint's golden test,
// `swarmlint test` for custom rules and the engine verification all use it.
//
// # Fixture folders
//
// A folder fixtures/<ID>-<name>/ holds the fixtures of rule <ID>; only that
// rule runs on them (in fixtures/_stacks/ every default rule runs). Each
// entry of the folder is one fixture (see Fixtures):
//
//   - a stack file (*.yml, *.yaml) is linted as its own stack;
//   - a sub-folder is one stack merged from its stack files in name order,
//     like docker stack deploy -c 1.yml -c 2.yml;
//   - a sub-folder named <name>.swarm holds several stacks of one swarm
//     (see Swarm): its scripts and stacks are linted together;
//   - a shell script (*.sh) is linted alone as a bootstrap script;
//   - a daemon*.json is linted alone as --daemon-json.
//
// A swarm-init.txt beside them is not a fixture: its line is passed as
// --swarm-init to every file fixture of the folder (not to sub-folders), and
// its own `# want:` comments expect findings on its lines.
//
// A <file>.fixed beside a fixture file is not a fixture either: it is the
// file after `swarmlint fix --unsafe` with only the folder's rule enabled
// (see CheckFix).
//
// # The want contract
//
// A comment `# want: ID [ID...]` expects exactly those findings to start on
// its line; `# want+N: ID` expects them N lines below. An optional quoted
// regular expression after an id must match the message:
// `# want: SWL101 "dnsrr"`. A finding no want matches, a want no finding
// matches, and every notification of the run (a rule error, a timeout) are
// all problems.
//
// # Per-fixture arguments
//
// A comment `# fixture: --stack NAME --data FILE` in a fixture's first file
// (the first file of a sub-folder) sets the stack name (default: derived from
// the folder, as swarmlint does) and adds rule parameters from FILE, a path
// relative to the fixture's first file, merged over the engine's parameters.
// --data may be repeated.
package linttest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/lazyre"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// SwarmInitFile is the optional file of a fixture folder whose content is
// passed as --swarm-init to every file fixture of the folder.
const SwarmInitFile = "swarm-init.txt"

// Kinds of fixture.
const (
	KindStack  = "stack"  // one compose file, one stack
	KindMulti  = "multi"  // a sub-folder: one stack merged from its files in name order
	KindScript = "script" // a bootstrap script (*.sh)
	KindDaemon = "daemon" // a daemon*.json
	KindSwarm  = "swarm"  // a <name>.swarm sub-folder: stacks and scripts of one swarm
)

// Want is one expectation from a `# want:` comment in a fixture: a finding
// of rule ID that starts on Line, whose message matches Pattern (if any).
type Want struct {
	Line    int
	ID      string
	Pattern *regexp.Regexp
	matched bool
}

var wantRe = lazyre.New(`#\s*want(\+\d+)?:\s*(.*)$`)
var wantItemRe = lazyre.New(`([A-Z][A-Z0-9]*\d{3})(?:\s+"((?:[^"\\]|\\.)*)")?`)

// ParseWants reads `# want: ID ["regexp"] ...` and `# want+N: ID` comments:
// each names findings expected to start on its line (or N lines below).
func ParseWants(file string, src []byte) ([]*Want, error) {
	if text, _, err := analyzer.DecodeText(src); err == nil {
		src = text // UTF-16 and byte-order marks, as the file is linted
	}
	var out []*Want
	for i, line := range strings.Split(string(src), "\n") {
		m := wantRe().FindStringSubmatch(line)
		if m == nil {
			continue
		}
		at := i + 1
		if m[1] != "" {
			n, _ := strconv.Atoi(m[1][1:])
			at += n
		}
		items := wantItemRe().FindAllStringSubmatch(m[2], -1)
		if len(items) == 0 {
			return nil, fmt.Errorf("%s:%d: malformed want comment", file, i+1)
		}
		for _, it := range items {
			w := &Want{Line: at, ID: it[1]}
			if it[2] != "" {
				pat, err := strconv.Unquote(`"` + it[2] + `"`)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: bad pattern: %v", file, i+1, err)
				}
				if w.Pattern, err = regexp.Compile(pat); err != nil {
					return nil, fmt.Errorf("%s:%d: bad pattern: %v", file, i+1, err)
				}
			}
			out = append(out, w)
		}
	}
	return out, nil
}

var fixtureDirRe = lazyre.New(`^([A-Z][A-Z0-9]*\d{3})-`)

// RuleID returns the rule id a fixture folder is named after (SWL101 for
// SWL101-dnsrr-with-ingress-port), or false.
func RuleID(dirName string) (string, bool) {
	m := fixtureDirRe().FindStringSubmatch(dirName)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// StackFiles lists the stack files (.yml, .yaml) of a folder, sorted.
func StackFiles(dir string) ([]string, error) {
	var files []string
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if !e.IsDir() && isStackFile(e.Name()) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}

func isStackFile(name string) bool {
	return strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".yaml")
}

func isDaemonFile(name string) bool {
	return strings.HasPrefix(name, "daemon") && strings.HasSuffix(name, ".json")
}

// Fixture is one fixture of a rule's folder.
type Fixture struct {
	Rule string // the folder's rule id, "" for fixtures/_stacks
	Dir  string // the fixture folder
	Path string // the file, or the sub-folder of a multi-file stack
	Name string // base name, with a trailing "/" for a sub-folder
	Kind string // KindStack, KindMulti, KindScript or KindDaemon
}

// Fixtures lists the fixtures of a folder, sorted by path; rule is the
// rule they are for ("" when every default rule runs). Other files
// (README, swarm-init.txt, data files) are not fixtures.
func Fixtures(dir, rule string) ([]Fixture, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Fixture
	for _, e := range ents {
		name := e.Name()
		f := Fixture{Rule: rule, Dir: dir, Path: filepath.Join(dir, name), Name: name}
		switch {
		case e.IsDir() && strings.HasSuffix(name, SwarmSuffix):
			f.Kind, f.Name = KindSwarm, name+"/"
		case e.IsDir():
			f.Kind, f.Name = KindMulti, name+"/"
		case isStackFile(name):
			f.Kind = KindStack
		case strings.HasSuffix(name, ".sh"):
			f.Kind = KindScript
		case isDaemonFile(name):
			f.Kind = KindDaemon
		default:
			continue
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Files returns the files of the fixture: the stack files of a sub-folder
// in merge order, or the fixture's own file.
func (f Fixture) Files() ([]string, error) {
	if f.Kind == KindSwarm {
		sw, err := ReadSwarm(f.Path)
		if err != nil {
			return nil, err
		}
		if len(sw.Stacks)+len(sw.Scripts) < 2 {
			return nil, fmt.Errorf("%s: a swarm fixture folder needs at least two stacks or scripts", f.Path)
		}
		return sw.Files, nil
	}
	if f.Kind != KindMulti {
		return []string{f.Path}, nil
	}
	files, err := StackFiles(f.Path)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: a multi-file fixture folder holds no stack file (*.yml, *.yaml)", f.Path)
	}
	return files, nil
}

// Result is the outcome of one fixture.
type Result struct {
	Wants    int      // how many findings the fixture wants
	Problems []string // unexpected findings, unmatched wants, notifications
}

// Config returns the lint configuration a fixture is checked with (empty
// environment, only its rule enabled), the files whose wants count, and the
// parameters of its own --data (nil when it has none).
func (f Fixture) Config() (lint.Config, []string, map[string]any, error) {
	files, err := f.Files()
	if err != nil {
		return lint.Config{}, nil, nil, err
	}
	cfg := lint.Config{Env: map[string]string{}}
	if f.Rule != "" {
		cfg.Enable = []string{f.Rule}
	}
	args, err := fixtureArgs(files[0])
	if err != nil {
		return lint.Config{}, nil, nil, err
	}
	var params map[string]any
	if len(args.data) > 0 {
		base := filepath.Dir(files[0])
		var paths []string
		for _, d := range args.data {
			paths = append(paths, filepath.Join(base, d))
		}
		if params, err = rules.ReadParams(paths...); err != nil {
			return lint.Config{}, nil, nil, fmt.Errorf("%s: # fixture: %w", files[0], err)
		}
	}
	switch f.Kind {
	case KindScript:
		cfg.Scripts = []string{f.Path}
	case KindDaemon:
		cfg.DaemonJSON = f.Path
	case KindSwarm:
		sw, err := ReadSwarm(f.Path)
		if err != nil {
			return lint.Config{}, nil, nil, err
		}
		cfg.Stacks, cfg.Scripts = sw.Stacks, sw.Scripts
	default:
		cfg.Stacks = []analyzer.StackInput{{Name: args.stack, Files: files}}
	}
	if f.Kind != KindMulti && f.Kind != KindSwarm {
		initFile := filepath.Join(f.Dir, SwarmInitFile)
		if src, err := safeio.ReadFile(initFile, safeio.MaxConfigSize); err == nil {
			cfg.SwarmInit, cfg.SwarmInitName = string(src), initFile
			files = append(files, initFile)
		}
	}
	return cfg, files, params, nil
}

// setup returns the fixture's configuration and files (Config) and eng with
// the fixture's own parameters merged over the engine's.
func (f Fixture) setup(ctx context.Context, eng *rules.Engine) (lint.Config, []string, *rules.Engine, error) {
	cfg, files, params, err := f.Config()
	if err != nil {
		return cfg, nil, nil, err
	}
	if params != nil {
		if eng, err = eng.WithParams(ctx, rules.MergeParams(deepCopy(eng.Params()), params)); err != nil {
			return cfg, nil, nil, fmt.Errorf("%s: %w", f.Path, err)
		}
	}
	return cfg, files, eng, nil
}

// Check lints one fixture with eng and matches the findings against the
// wants of its files. err is set when the fixture cannot be checked at all
// (unreadable, malformed want, a run that fails).
func Check(ctx context.Context, eng *rules.Engine, f Fixture) (Result, error) {
	cfg, files, eng, err := f.setup(ctx, eng)
	if err != nil {
		return Result{}, err
	}
	wants := map[string][]*Want{}
	n := 0
	for _, file := range files {
		src, err := safeio.ReadFile(file, analyzer.MaxStackFileSize)
		if err != nil {
			return Result{}, fmt.Errorf("%s: %s", file, safeio.Reason(err))
		}
		ws, err := ParseWants(file, src)
		if err != nil {
			return Result{}, err
		}
		wants[lint.DisplayPath(file)] = ws
		n += len(ws)
	}
	res, _, err := lint.RunWith(ctx, eng, cfg)
	if err != nil {
		return Result{Wants: n}, fmt.Errorf("lint failed: %w", err)
	}
	var problems []string
	for _, no := range res.Notifications {
		problems = append(problems, fmt.Sprintf("notification: %s", no.Message))
	}
	byFile := map[string][]report.Finding{}
	for _, fd := range res.Findings {
		if _, ok := wants[fd.File]; !ok {
			problems = append(problems, fmt.Sprintf("%s:%d:%d: unexpected %s in a file that is not part of the fixture: %s", fd.File, fd.StartLine, fd.StartCol, fd.RuleID, fd.Message))
			continue
		}
		byFile[fd.File] = append(byFile[fd.File], fd)
	}
	names := make([]string, 0, len(wants))
	for name := range wants {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		problems = append(problems, MatchWants(name, wants[name], byFile[name])...)
	}
	return Result{Wants: n, Problems: problems}, nil
}

// MatchWants pairs findings with wants: each finding must match an unused
// want on its start line (same id, message matching the pattern), and each
// want must be matched. It returns the problems, in file order. Suppressed
// findings are hidden from every output, so they match nothing.
func MatchWants(file string, wants []*Want, findings []report.Finding) []string {
	var problems []string
	for _, f := range findings {
		if f.Suppression != nil {
			continue
		}
		ok := false
		for _, w := range wants {
			if !w.matched && w.Line == f.StartLine && w.ID == f.RuleID && (w.Pattern == nil || w.Pattern.MatchString(f.Message)) {
				w.matched, ok = true, true
				break
			}
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("%s:%d:%d: unexpected %s: %s", file, f.StartLine, f.StartCol, f.RuleID, f.Message))
		}
	}
	for _, w := range wants {
		if !w.matched {
			pat := ""
			if w.Pattern != nil {
				pat = fmt.Sprintf(" matching %q", w.Pattern)
			}
			problems = append(problems, fmt.Sprintf("%s:%d: missing %s%s", file, w.Line, w.ID, pat))
		}
	}
	return problems
}

type args struct {
	stack string
	data  []string
}

var fixtureArgsRe = lazyre.New(`^\s*#\s*fixture:\s*(.*)$`)

// fixtureArgs reads the `# fixture: --stack NAME --data FILE` comment of a
// fixture's first file.
func fixtureArgs(file string) (args, error) {
	var a args
	src, err := safeio.ReadFile(file, analyzer.MaxStackFileSize)
	if err != nil {
		return a, fmt.Errorf("%s: %s", file, safeio.Reason(err))
	}
	for i, line := range strings.Split(string(src), "\n") {
		m := fixtureArgsRe().FindStringSubmatch(line)
		if m == nil {
			continue
		}
		words := strings.Fields(m[1])
		for j := 0; j < len(words); j++ {
			w := words[j]
			name, val, hasVal := strings.Cut(w, "=")
			if !hasVal {
				if j+1 >= len(words) {
					return a, fmt.Errorf("%s:%d: # fixture: %s needs a value", file, i+1, w)
				}
				j++
				val = words[j]
			}
			switch name {
			case "--stack":
				a.stack = val
			case "--data":
				a.data = append(a.data, val)
			default:
				return a, fmt.Errorf("%s:%d: # fixture: unknown argument %s (known: --stack NAME, --data FILE)", file, i+1, name)
			}
		}
	}
	return a, nil
}

// deepCopy copies params, so that merging into the copy leaves the
// engine's own parameters alone.
func deepCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = deepCopy(sub)
		}
		out[k] = v
	}
	return out
}
