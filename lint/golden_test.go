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
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/rules"
)

// want is one expectation from a `# want:` comment.
type want struct {
	line    int
	id      string
	pattern *regexp.Regexp
	matched bool
}

var wantRe = regexp.MustCompile(`#\s*want(\+\d+)?:\s*(.*)$`)
var wantItemRe = regexp.MustCompile(`([A-Z][A-Z0-9]*\d{3})(?:\s+"((?:[^"\\]|\\.)*)")?`)

// parseWants reads `# want: ID ["regexp"] ...` and `# want+N: ID` comments.
func parseWants(t *testing.T, file string, src []byte) []*want {
	var out []*want
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
			t.Fatalf("%s:%d: malformed want comment", file, i+1)
		}
		for _, it := range items {
			w := &want{line: at, id: it[1]}
			if it[2] != "" {
				pat, err := strconv.Unquote(`"` + it[2] + `"`)
				if err != nil {
					t.Fatalf("%s:%d: bad pattern: %v", file, i+1, err)
				}
				w.pattern = regexp.MustCompile(pat)
			}
			out = append(out, w)
		}
	}
	return out
}

var fixtureDirRe = regexp.MustCompile(`^([A-Z][A-Z0-9]*\d{3})-`)

// fixtureFiles lists the stack files of a fixture folder.
func fixtureFiles(t *testing.T, dir string) []string {
	var files []string
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yml") || strings.HasSuffix(e.Name(), ".yaml")) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	return files
}

// TestFixtures is the golden test: every `# want:` must be matched by a
// finding starting on that line, and every finding must be wanted. In
// fixtures/<ID>-*/ only that rule runs; in fixtures/_stacks/ all rules run.
func TestFixtures(t *testing.T) {
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := os.ReadDir("../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join("../fixtures", d.Name())
		var enable []string
		if m := fixtureDirRe.FindStringSubmatch(d.Name()); m != nil {
			enable = []string{m[1]}
		} else if d.Name() != "_stacks" {
			continue
		}
		for _, file := range fixtureFiles(t, dir) {
			t.Run(d.Name()+"/"+filepath.Base(file), func(t *testing.T) {
				checkFixture(t, ctx, eng, file, enable)
			})
		}
	}
}

func checkFixture(t *testing.T, ctx context.Context, eng *rules.Engine, file string, enable []string) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	wants := parseWants(t, file, src)
	cfg := Config{Stacks: []analyzer.StackInput{{Files: []string{file}}}, Enable: enable, Env: map[string]string{}}
	res, _, err := RunWith(ctx, eng, cfg)
	if err != nil {
		t.Fatalf("lint failed: %v", err)
	}
	for _, n := range res.Notifications {
		t.Errorf("notification: %s", n.Message)
	}
	for _, f := range res.Findings {
		ok := false
		for _, w := range wants {
			if !w.matched && w.line == f.StartLine && w.id == f.RuleID && (w.pattern == nil || w.pattern.MatchString(f.Message)) {
				w.matched, ok = true, true
				break
			}
		}
		if !ok {
			t.Errorf("%s:%d:%d: unexpected %s: %s", file, f.StartLine, f.StartCol, f.RuleID, f.Message)
		}
	}
	for _, w := range wants {
		if !w.matched {
			pat := ""
			if w.pattern != nil {
				pat = fmt.Sprintf(" matching %q", w.pattern)
			}
			t.Errorf("%s:%d: missing %s%s", file, w.line, w.id, pat)
		}
	}
}
