package lint

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/report/sariftest"
	"github.com/swarmlint/swarmlint/rules"
)

func TestParseDirectives(t *testing.T) {
	type want struct {
		line, col, endCol, target int
		fileWide, misplaced       bool
		ids                       []string
		reason                    string
	}
	tests := []struct {
		name string
		src  string
		want []want
	}{
		{"trailing", "a: 1\nports:\n  - \"80:80\"  # swarmlint:ignore SWL104 kept for the old LB\n",
			[]want{{line: 3, col: 14, endCol: 59, target: 3, ids: []string{"SWL104"}, reason: "kept for the old LB"}}},
		{"line above", "ports:\n  # swarmlint:ignore SWL104 kept\n  - \"80:80\"\n",
			[]want{{line: 2, col: 3, endCol: 33, target: 3, ids: []string{"SWL104"}, reason: "kept"}}},
		{"stacked comments skip to the next content line", "x:\n# swarmlint:ignore SWL101 a\n# swarmlint:ignore SWL104 b\n  y: 1\n",
			[]want{{line: 2, col: 1, endCol: 28, target: 4, ids: []string{"SWL101"}, reason: "a"},
				{line: 3, col: 1, endCol: 28, target: 4, ids: []string{"SWL104"}, reason: "b"}}},
		{"blank line ends the reach", "# swarmlint:ignore SWL104 r\n\nx: 1\n",
			[]want{{line: 1, col: 1, endCol: 28, target: 2, ids: []string{"SWL104"}, reason: "r"}}},
		{"several ids, separators and case", "x: 1 # swarmlint:ignore swl104, SWL101 ,SWL104 -- both known\n",
			[]want{{line: 1, col: 6, endCol: 61, target: 1, ids: []string{"SWL104", "SWL101"}, reason: "both known"}}},
		{"no ids, no reason", "x: 1 # swarmlint:ignore\n",
			[]want{{line: 1, col: 6, endCol: 24, target: 1}}},
		{"file-wide in the header", "#!/bin/sh\n# swarmlint:ignore-file SWL501 bootstrap only\n---\nx: 1\n",
			[]want{{line: 2, col: 1, endCol: 46, fileWide: true, ids: []string{"SWL501"}, reason: "bootstrap only"}}},
		{"file-wide after the first key", "x: 1\n# swarmlint:ignore-file SWL101 late\n",
			[]want{{line: 2, col: 1, endCol: 36, fileWide: true, misplaced: true, ids: []string{"SWL101"}, reason: "late"}}},
		{"inside quotes is no comment", "cmd: \"echo # swarmlint:ignore SWL101 x\"\nc2: 'a # swarmlint:ignore SWL101 y'\n", nil},
		{"apostrophe in a plain scalar", "msg: don't # swarmlint:ignore SWL101 it's fine\n",
			[]want{{line: 1, col: 12, endCol: 47, target: 1, ids: []string{"SWL101"}, reason: "it's fine"}}},
		{"hash inside a word is no comment", "image: app#swarmlint:ignore SWL101 x\n", nil},
		{"directive after another comment", "x: 1  # want: SWL902 # swarmlint:ignore SWL101 r\n",
			[]want{{line: 1, col: 22, endCol: 49, target: 1, ids: []string{"SWL101"}, reason: "r"}}},
		{"want after the directive ends the reason", "x: 1  # swarmlint:ignore SWL101 r # want: SWL902\n",
			[]want{{line: 1, col: 7, endCol: 34, target: 1, ids: []string{"SWL101"}, reason: "r"}}},
		{"other swarmlint words are no directives", "x: 1 # swarmlint:ignored SWL101 r\ny: 1 # swarmlint:disable SWL101 r\n", nil},
		{"CRLF and non-ASCII columns", "name: \"café\" # swarmlint:ignore SWL101 ça va\r\n",
			[]want{{line: 1, col: 14, endCol: 45, target: 1, ids: []string{"SWL101"}, reason: "ça va"}}},
		{"shell script", "#!/bin/sh\nset -e\n# swarmlint:ignore SWL201 the pool is sized for it\ndocker network create -d overlay --subnet 10.9.0.0/28 backend\n",
			[]want{{line: 3, col: 1, endCol: 51, target: 4, ids: []string{"SWL201"}, reason: "the pool is sized for it"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []want
			for _, d := range ParseDirectives("f.yml", []byte(tt.src)) {
				if d.File != "f.yml" {
					t.Errorf("File = %q", d.File)
				}
				got = append(got, want{d.Line, d.Col, d.EndCol, d.Target, d.FileWide, d.Misplaced, d.IDs, d.Reason})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// A command continued with backslashes is one line for a directive, whether
// the directive is above it or trails its last line.
func TestDirectivesOnContinuedCommands(t *testing.T) {
	src := "#!/bin/sh\n" +
		"# swarmlint:ignore SWL502 lab pool\n" +
		"docker swarm init \\\n" +
		"  --default-addr-pool 10.20.0.0/16 \\\n" +
		"  --default-addr-pool-mask-length 12\n" +
		"docker network create \\\n" +
		"  --subnet 10.9.0.0/29 backend  # swarmlint:ignore SWL201 two tasks \\ at most\n" +
		"echo done\n"
	var got [][2]int
	for _, d := range ParseDirectives("init.sh", []byte(src)) {
		got = append(got, [2]int{d.Target, d.TargetEnd})
	}
	if want := [][2]int{{3, 5}, {6, 7}}; !reflect.DeepEqual(got, want) {
		t.Errorf("targets = %v, want %v", got, want)
	}
	res := &report.Result{Sources: map[string][]byte{}, Rules: append([]rules.Rule{{ID: "SWL201", Severity: "error"}, {ID: "SWL502", Severity: "error"}}, rules.DirectiveRules...)}
	res.Findings = []report.Finding{
		{RuleID: "SWL502", File: "init.sh", StartLine: 5, StartCol: 35, EndLine: 5, EndCol: 37},
		{RuleID: "SWL201", File: "init.sh", StartLine: 7, StartCol: 12, EndLine: 7, EndCol: 24},
	}
	applyDirectives(res, map[string][]byte{"init.sh": []byte(src)}, res.Rules)
	if got, want := brief(res.Findings), []string{"init.sh:5:SWL502 (inSource: lab pool)", "init.sh:7:SWL201 (inSource: two tasks \\ at most)"}; !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
	res.Findings = res.Findings[:1]
	res.Findings[0].Suppression, res.Findings[0].StartLine, res.Findings[0].EndLine = nil, 8, 8
	applyDirectives(res, map[string][]byte{"init.sh": []byte(src)}, res.Rules)
	if n := len(res.Findings); n != 3 || !strings.HasSuffix(res.Findings[1].Message, "no SWL502 finding on lines 3-5, where it applies") {
		t.Errorf("unused directive on a continued command: %q", brief(res.Findings))
	}
}

var (
	testEngineOnce sync.Once
	testEngine     *rules.Engine
	testEngineErr  error
)

// engineForTest compiles the built-in policies once for this package's
// suppression tests.
func engineForTest(t *testing.T) *rules.Engine {
	t.Helper()
	testEngineOnce.Do(func() { testEngine, testEngineErr = rules.New(context.Background(), rules.Options{}) })
	if testEngineErr != nil {
		t.Fatal(testEngineErr)
	}
	return testEngine
}

// lintFiles lints each file as its own stack with SWL101 and the directive
// rules only, so rules added later cannot change these expectations.
func lintFiles(t *testing.T, cfg Config, files ...string) *report.Result {
	t.Helper()
	for _, f := range files {
		cfg.Stacks = append(cfg.Stacks, analyzer.StackInput{Files: []string{f}})
	}
	if cfg.Enable == nil {
		cfg.Enable = []string{"SWL101", "SWL9*"}
	}
	cfg.Env = map[string]string{}
	res, _, err := RunWith(context.Background(), engineForTest(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range res.Notifications {
		t.Errorf("notification: %s", n.Message)
	}
	return res
}

// brief is "line:rule" plus " (suppressed: reason)" for each finding.
func brief(fs []report.Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.File[strings.LastIndex(f.File, "/")+1:] + ":" + strconv.Itoa(f.StartLine) + ":" + f.RuleID
		if f.Suppression != nil {
			s += " (" + f.Suppression.Kind + ": " + f.Suppression.Justification + ")"
		}
		out = append(out, s)
	}
	return out
}

func TestDirectivesSuppressWithReason(t *testing.T) {
	res := lintFiles(t, Config{}, "testdata/ignore/reasons.yml")
	want := []string{
		"reasons.yml:11:SWL101 (inSource: the legacy health checker probes this port until it is retired)",
		"reasons.yml:13:SWL101 (inSource: node exporter port, scraped through the mesh on purpose)",
	}
	if got := brief(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
	loc := res.Findings[0].Suppression.Location
	if loc == nil || loc.StartLine != 11 || loc.StartCol != 25 {
		t.Errorf("suppression location = %+v, want the directive at 11:25", loc)
	}
}

func TestDirectiveWithoutReasonIsReportedAndNotHonoured(t *testing.T) {
	res := lintFiles(t, Config{}, "testdata/ignore/missing-reason.yml")
	want := []string{"missing-reason.yml:8:SWL101", "missing-reason.yml:8:SWL901"}
	if got := brief(res.Findings); !reflect.DeepEqual(got, want) {
		t.Fatalf("findings:\n got %q\nwant %q", got, want)
	}
	f := res.Findings[1]
	if f.Level != "warning" || f.StartCol != 25 || !strings.Contains(f.Message, "swarmlint:ignore SWL101 has no reason") {
		t.Errorf("directive finding = %+v", f)
	}
}

// TestDirectiveWithPlaceholderReason: the reason an editor inserts for
// typing over (swarmlint lsp) is no reason when left as it is.
func TestDirectiveWithPlaceholderReason(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/ignore/missing-reason.yml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "placeholder.yml")
	if err := os.WriteFile(file, append(bytes.TrimRight(src, "\n"), []byte(" "+ReasonPlaceholder+"\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	res := lintFiles(t, Config{}, file)
	want := []string{"placeholder.yml:8:SWL101", "placeholder.yml:8:SWL901"}
	if got := brief(res.Findings); !reflect.DeepEqual(got, want) {
		t.Fatalf("findings:\n got %q\nwant %q", got, want)
	}
	if f := res.Findings[1]; !strings.Contains(f.Message, "still has the placeholder <reason>") {
		t.Errorf("directive finding = %+v", f)
	}
}

func TestFileWideDirective(t *testing.T) {
	res := lintFiles(t, Config{}, "testdata/ignore/file-wide.yml")
	want := []string{
		"file-wide.yml:10:SWL101 (inSource: every port of this stack is fronted by the external LB)",
		"file-wide.yml:11:SWL101 (inSource: every port of this stack is fronted by the external LB)",
	}
	if got := brief(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
}

func TestUnusedDirectivesAreReported(t *testing.T) {
	res := lintFiles(t, Config{}, "testdata/ignore/unused.yml")
	var got []string
	for _, f := range res.Findings {
		got = append(got, strconv.Itoa(f.StartLine)+" "+f.RuleID+" "+f.Message)
	}
	want := []string{
		"7 SWL902 swarmlint:ignore SWL101 suppresses nothing: no SWL101 finding on line 8, where it applies",
		"12 SWL902 swarmlint:ignore-file SWL101 must come before the first YAML key or command of the file; here it suppresses nothing",
		"14 SWL902 swarmlint:ignore SWL101,SWL999 suppresses nothing: no SWL101 finding on line 14; SWL999 is not a rule ('swarmlint rules' lists them)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
}

func TestDirectiveRulesFollowSelection(t *testing.T) {
	// Only SWL101 runs: directives still suppress, but are not checked.
	res := lintFiles(t, Config{Enable: []string{"SWL101"}}, "testdata/ignore/missing-reason.yml", "testdata/ignore/unused.yml")
	if got, want := brief(res.Findings), []string{"missing-reason.yml:8:SWL101"}; !reflect.DeepEqual(got, want) {
		t.Errorf("with --enable SWL101: got %q, want %q", got, want)
	}
	// SWL101 does not run: a directive naming it cannot be called unused.
	res = lintFiles(t, Config{Enable: []string{"SWL9*"}}, "testdata/ignore/unused.yml")
	for _, f := range res.Findings {
		if strings.Contains(f.Message, "no SWL101 finding") {
			t.Errorf("directive for a rule that did not run reported: %s", f.Message)
		}
	}
	// --disable of one directive rule.
	res = lintFiles(t, Config{Enable: []string{"SWL101", "SWL9*"}, Disable: []string{"unused-ignore"}}, "testdata/ignore/unused.yml")
	if len(res.Findings) != 0 {
		t.Errorf("--disable unused-ignore: got %q", brief(res.Findings))
	}
	// The directive rules are in the result's rules only when they run.
	ids := func(rs []rules.Rule) (out []string) {
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	if got := ids(lintFiles(t, Config{}, "testdata/ignore/reasons.yml").Rules); !reflect.DeepEqual(got, []string{"SWL101", "SWL901", "SWL902"}) {
		t.Errorf("rules = %q", got)
	}
}

func TestDirectiveSeverityOverride(t *testing.T) {
	res := lintFiles(t, Config{Severity: map[string]string{"SWL901": "error"}}, "testdata/ignore/missing-reason.yml")
	if f := res.Findings[1]; f.RuleID != "SWL901" || f.Level != "error" {
		t.Errorf("got %s %s, want SWL901 at error", f.RuleID, f.Level)
	}
}

// Directives work in any text file the run read, e.g. a bootstrap script.
func TestDirectivesInScripts(t *testing.T) {
	script := "#!/bin/sh\n# swarmlint:ignore-file SWL502 single-node lab\nset -e\n" +
		"docker swarm init --default-addr-pool 10.20.0.0/16\n" +
		"docker network create -d overlay --subnet 10.20.0.0/29 backend  # swarmlint:ignore SWL201 only two tasks ever\n" +
		"# swarmlint:ignore SWL202\n" +
		"docker network create -d overlay --subnet 10.21.0.0/16 big\n"
	res := &report.Result{Sources: map[string][]byte{}, Rules: append([]rules.Rule{{ID: "SWL201", Severity: "warning"}, {ID: "SWL202", Severity: "warning"},
		{ID: "SWL502", Severity: "warning"}}, rules.DirectiveRules...)}
	res.Findings = []report.Finding{
		{RuleID: "SWL201", Level: "warning", File: "bootstrap.sh", StartLine: 5, StartCol: 35, EndLine: 5, EndCol: 55},
		{RuleID: "SWL202", Level: "warning", File: "bootstrap.sh", StartLine: 7, StartCol: 35, EndLine: 7, EndCol: 55},
		{RuleID: "SWL502", Level: "warning", File: "bootstrap.sh", StartLine: 4, StartCol: 1, EndLine: 4, EndCol: 10},
	}
	applyDirectives(res, map[string][]byte{"bootstrap.sh": []byte(script)}, res.Rules)
	want := []string{
		"bootstrap.sh:5:SWL201 (inSource: only two tasks ever)",
		"bootstrap.sh:7:SWL202",
		"bootstrap.sh:4:SWL502 (inSource: single-node lab)",
		"bootstrap.sh:6:SWL901",
	}
	if got := brief(res.Findings); !reflect.DeepEqual(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
	if _, ok := res.Sources["bootstrap.sh"]; !ok {
		t.Error("the script's source is missing from the result (SARIF needs it for line hashes)")
	}
}

// The directive rules appear in tool.driver.rules, and suppressed findings
// (with --show-suppressed) become SARIF suppressions; the log passes the
// project's SARIF checks.
func TestDirectivesInSARIF(t *testing.T) {
	res := lintFiles(t, Config{}, "testdata/ignore/reasons.yml", "testdata/ignore/missing-reason.yml")
	var buf bytes.Buffer
	if err := (report.SARIFWriter{}).Write(&buf, res); err != nil {
		t.Fatal(err)
	}
	sariftest.Check(t, buf.Bytes(), res.Sources)
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Kind          string `json:"kind"`
					Justification string `json:"justification"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	var ruleIDs []string
	for _, r := range run.Tool.Driver.Rules {
		ruleIDs = append(ruleIDs, r.ID)
		if strings.HasPrefix(r.ID, "SWL9") && r.Properties["problem.severity"] != "warning" {
			t.Errorf("%s properties = %v", r.ID, r.Properties)
		}
	}
	if !reflect.DeepEqual(ruleIDs, []string{"SWL101", "SWL901", "SWL902"}) {
		t.Errorf("rules = %q", ruleIDs)
	}
	suppressed := 0
	for _, r := range run.Results {
		for _, s := range r.Suppressions {
			suppressed++
			if s.Kind != "inSource" || s.Justification == "" {
				t.Errorf("suppression = %+v", s)
			}
		}
	}
	if suppressed != 2 || len(run.Results) != 4 {
		t.Errorf("%d results with %d suppressions, want 4 with 2", len(run.Results), suppressed)
	}
}
