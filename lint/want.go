package lint

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
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// Want is one expectation from a `# want:` comment in a fixture: a finding
// of rule ID that starts on Line, whose message matches Pattern (if any).
type Want struct {
	Line    int
	ID      string
	Pattern *regexp.Regexp
	matched bool
}

var wantRe = regexp.MustCompile(`#\s*want(\+\d+)?:\s*(.*)$`)
var wantItemRe = regexp.MustCompile(`([A-Z][A-Z0-9]*\d{3})(?:\s+"((?:[^"\\]|\\.)*)")?`)

// ParseWants reads `# want: ID ["regexp"] ...` and `# want+N: ID` comments:
// each names findings expected to start on its line (or N lines below).
func ParseWants(file string, src []byte) ([]*Want, error) {
	var out []*Want
	for i, line := range strings.Split(string(src), "\n") {
		m := wantRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		at := i + 1
		if m[1] != "" {
			n, _ := strconv.Atoi(m[1][1:])
			at += n
		}
		items := wantItemRe.FindAllStringSubmatch(m[2], -1)
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

var fixtureDirRe = regexp.MustCompile(`^([A-Z][A-Z0-9]*\d{3})-`)

// FixtureRuleID returns the rule id a fixture folder is named after
// (SWL101 for SWL101-dnsrr-with-ingress-port), or false.
func FixtureRuleID(dirName string) (string, bool) {
	m := fixtureDirRe.FindStringSubmatch(dirName)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// FixtureFiles lists the stack files (.yml, .yaml) of a fixture folder, sorted.
func FixtureFiles(dir string) ([]string, error) {
	var files []string
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yml") || strings.HasSuffix(e.Name(), ".yaml")) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}

// CheckFixture lints one fixture file as its own stack, with only the
// rules in enable (all rules when empty) and an empty environment, and
// compares the findings with its `# want:` comments. It returns one
// problem per unexpected finding, missing want or notification; err is set
// when the fixture cannot be checked at all.
func CheckFixture(ctx context.Context, eng *rules.Engine, file string, enable []string) (problems []string, err error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	wants, err := ParseWants(file, src)
	if err != nil {
		return nil, err
	}
	cfg := Config{Stacks: []analyzer.StackInput{{Files: []string{file}}}, Enable: enable, Env: map[string]string{}}
	res, _, err := RunWith(ctx, eng, cfg)
	if err != nil {
		return nil, fmt.Errorf("lint failed: %w", err)
	}
	for _, n := range res.Notifications {
		problems = append(problems, fmt.Sprintf("notification: %s", n.Message))
	}
	return append(problems, MatchWants(file, wants, res.Findings)...), nil
}

// MatchWants pairs findings with wants: each finding must match an unused
// want on its start line (same id, message matching the pattern), and each
// want must be matched. It returns the problems, in file order.
func MatchWants(file string, wants []*Want, findings []report.Finding) []string {
	var problems []string
	for _, f := range findings {
		if f.Suppression != nil {
			continue // hidden from every output unless --show-suppressed
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
