package cli

// Tests of swarmlint where linters run: inline suppressions and baselines,
// SARIF for code scanning, GitHub annotations, shell completion, the
// composite GitHub Action and workflow (checked with actionlint) and the
// pre-commit hook (run through pre-commit itself when it is installed).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/report/sariftest"
)

const (
	suppressedStack = "testdata/integrations/wordpress-suppressed.yml"
	noReasonStack   = "testdata/integrations/wordpress-no-reason.yml"
)

// onlyRules keeps these tests to the rules they are about, so rules added
// later cannot change their outcome.
var onlyRules = []string{"--enable", "SWL101,SWL104", "--enable", "SWL9*"}

func lintArgs(args ...string) []string { return append(slices.Clone(onlyRules), args...) }

// sarifLog is the part of a SARIF log these tests read.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID   string `json:"id"`
					Help struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		AutomationDetails *struct {
			ID string `json:"id"`
		} `json:"automationDetails"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			Locations []struct {
				PhysicalLocation struct {
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, out string) sarifLog {
	t.Helper()
	var l sarifLog
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("SARIF output is not JSON: %v\n%s", err, out)
	}
	if len(l.Runs) != 1 {
		t.Fatalf("%d runs", len(l.Runs))
	}
	return l
}

func sources(t *testing.T, files ...string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = b
	}
	return m
}

// A finding suppressed with a reason is left out of every format and does
// not fail the run; --show-suppressed brings it back as a SARIF suppression.
func TestSuppressedWithReasonExitsZero(t *testing.T) {
	for _, f := range report.FormatNames() {
		out, stderr, code := run(t, lintArgs("--format", f, suppressedStack)...)
		if code != ExitOK {
			t.Errorf("--format %s: exit %d, want 0\n%s%s", f, code, out, stderr)
		}
		if strings.Contains(out, "3306/tcp") {
			t.Errorf("--format %s shows the suppressed finding:\n%s", f, out)
		}
	}
	out, _, code := run(t, lintArgs("--format", "sarif", "--show-suppressed", suppressedStack)...)
	if code != ExitOK {
		t.Errorf("--show-suppressed: exit %d, want 0 (suppressed findings never fail a run)", code)
	}
	sariftest.Check(t, []byte(out), sources(t, suppressedStack))
	l := parseSARIF(t, out)
	res := l.Runs[0].Results
	if len(res) != 1 || res[0].RuleID != "SWL104" || len(res[0].Suppressions) != 1 {
		t.Fatalf("want one suppressed SWL104 result, got %+v", res)
	}
	s := res[0].Suppressions[0]
	if s.Kind != "inSource" || !strings.HasPrefix(s.Justification, "the nightly backup job") {
		t.Errorf("suppression = %+v", s)
	}
	var ids []string
	for _, r := range l.Runs[0].Tool.Driver.Rules {
		ids = append(ids, r.ID)
	}
	if !slices.Contains(ids, "SWL901") || !slices.Contains(ids, "SWL902") {
		t.Errorf("the directive rules are missing from tool.driver.rules: %q", ids)
	}
}

// Directives work the same in bootstrap scripts, for a command continued
// over several lines too.
func TestSuppressedInScript(t *testing.T) {
	script := "testdata/integrations/bootstrap.sh"
	args := []string{"--enable", "SWL5*", "--enable", "SWL9*"}
	if out, stderr, code := run(t, append(args, script)...); code != ExitOK {
		t.Errorf("exit %d, want 0\n%s%s", code, out, stderr)
	}
	out, _, _ := run(t, append(args, "--show-suppressed", "--format", "json", script)...)
	var doc struct {
		Findings []struct {
			RuleID      string `json:"rule_id"`
			StartLine   int    `json:"start_line"`
			Suppression *struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppression"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 1 || doc.Findings[0].RuleID != "SWL502" || doc.Findings[0].Suppression == nil ||
		doc.Findings[0].Suppression.Justification != "the lab tests how Docker rejects this mask length" {
		t.Errorf("findings = %s", out)
	}
}

// A directive without a reason is reported, and does not hide the finding.
func TestDirectiveWithoutReasonIsReported(t *testing.T) {
	out, _, code := run(t, lintArgs("--format", "json", noReasonStack)...)
	if code != ExitFindings {
		t.Errorf("exit %d, want %d", code, ExitFindings)
	}
	var doc struct {
		Findings []struct {
			RuleID    string `json:"rule_id"`
			Level     string `json:"level"`
			StartLine int    `json:"start_line"`
			Message   string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range doc.Findings {
		got = append(got, fmt.Sprintf("%d %s %s", f.StartLine, f.RuleID, f.Level))
	}
	if want := []string{"21 SWL901 warning", "22 SWL104 warning"}; !slices.Equal(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
}

const baselineStack = `version: "3.8"
services:
  cache:
    image: memcached:1.6
    deploy:
      endpoint_mode: dnsrr
    ports:
      - "11211:11211"
      - target: 9100
        published: 9100
        mode: ingress
`

// goodStack is baselineStack fixed: the dnsrr service publishes in host mode.
const goodStack = `version: "3.8"
services:
  cache:
    image: memcached:1.6
    deploy:
      endpoint_mode: dnsrr
    ports:
      - target: 11211
        published: 11211
        mode: host
`

// --write-baseline records the findings; --baseline then reports nothing
// new after lines were inserted above them, only what was added since.
func TestBaselineAcrossEdits(t *testing.T) {
	chdirTemp(t)
	write(t, ".", "stack.yml", baselineStack)
	_, stderr, code := run(t, lintArgs("--write-baseline", "swarmlint-baseline.json", "stack.yml")...)
	if code != ExitOK || !strings.Contains(stderr, "wrote 2 findings to the baseline swarmlint-baseline.json") {
		t.Fatalf("--write-baseline: exit %d, stderr %q", code, stderr)
	}
	var b struct {
		Version  int `json:"version"`
		Findings []struct {
			Rule, File, Fingerprint string
		} `json:"findings"`
	}
	data, _ := os.ReadFile("swarmlint-baseline.json")
	if err := json.Unmarshal(data, &b); err != nil || b.Version != 1 || len(b.Findings) != 2 || b.Findings[0].File != "stack.yml" {
		t.Fatalf("baseline file (%v):\n%s", err, data)
	}

	edited := "# Cache tier of the shop.\n# Ports reviewed in November.\n" + strings.Replace(baselineStack, "services:\n", "services:\n  # memcached, two ports\n", 1)
	write(t, ".", "stack.yml", edited)
	out, stderr, code := run(t, lintArgs("stack.yml", "--baseline", "swarmlint-baseline.json")...)
	if code != ExitOK || !strings.Contains(out, "no findings") {
		t.Errorf("after inserting lines: exit %d\n%s", code, out)
	}
	if !strings.Contains(stderr, "2 findings matched the baseline swarmlint-baseline.json and are not reported") {
		t.Errorf("stderr = %q", stderr)
	}

	out, _, _ = run(t, lintArgs("stack.yml", "--baseline", "swarmlint-baseline.json", "--show-suppressed", "--format", "sarif")...)
	sariftest.Check(t, []byte(out), sources(t, "stack.yml"))
	for _, r := range parseSARIF(t, out).Runs[0].Results {
		if len(r.Suppressions) != 1 || r.Suppressions[0].Kind != "external" {
			t.Errorf("result %s: suppressions %+v, want one of kind external", r.RuleID, r.Suppressions)
		}
	}

	write(t, ".", "stack.yml", edited+"      - \"9200:9200\"\n")
	out, stderr, code = run(t, lintArgs("stack.yml", "--baseline", "swarmlint-baseline.json", "--format", "github")...)
	if code != ExitFindings || strings.Count(out, "\n") != 1 || !strings.Contains(out, "9200/tcp") {
		t.Errorf("a new finding: exit %d\n%s%s", code, out, stderr)
	}

	write(t, ".", "stack.yml", strings.Replace(edited, "mode: ingress", "mode: host", 1))
	_, stderr, _ = run(t, lintArgs("stack.yml", "--baseline", "swarmlint-baseline.json")...)
	if !strings.Contains(stderr, "1 entry of the baseline matches no finding any more") {
		t.Errorf("stale entry not told: %q", stderr)
	}
	if _, stderr, code := run(t, lintArgs("stack.yml", "--baseline", "missing.json")...); code != ExitError || !strings.Contains(stderr, "missing.json") {
		t.Errorf("missing baseline: exit %d, %q", code, stderr)
	}
}

// The swarmlint/v1 fingerprint identifies the element, not the line: it
// does not change when lines are inserted above the finding.
func TestSARIFIdentityFingerprintSurvivesInsertedLines(t *testing.T) {
	chdirTemp(t)
	write(t, ".", "stack.yml", baselineStack)
	before := parseSARIF(t, mustRun(t, lintArgs("--format", "sarif", "stack.yml")...)).Runs[0].Results
	write(t, ".", "stack.yml", "# header\n\n# more\n"+baselineStack)
	out := mustRun(t, lintArgs("--format", "sarif", "stack.yml")...)
	sariftest.Check(t, []byte(out), sources(t, "stack.yml"))
	after := parseSARIF(t, out).Runs[0].Results
	if len(before) != 2 || len(after) != 2 {
		t.Fatalf("results: %d before, %d after; want 2", len(before), len(after))
	}
	for i := range before {
		b, a := before[i], after[i]
		if a.Locations[0].PhysicalLocation.Region.StartLine != b.Locations[0].PhysicalLocation.Region.StartLine+3 {
			t.Errorf("result %d did not move down 3 lines", i)
		}
		id := b.PartialFingerprints[report.IdentityKey]
		if id == "" || a.PartialFingerprints[report.IdentityKey] != id {
			t.Errorf("result %d: %s %q → %q", i, report.IdentityKey, id, a.PartialFingerprints[report.IdentityKey])
		}
		if a.PartialFingerprints[report.LineHashKey] == "" {
			t.Errorf("result %d: no %s", i, report.LineHashKey)
		}
	}
}

// chdirTemp moves the test into a fresh directory, so paths are relative
// as in a repository.
func chdirTemp(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
}

// mustRun runs the CLI and returns stdout, failing on exit code 2.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, code := run(t, args...)
	if code == ExitError {
		t.Fatalf("swarmlint %q: exit 2: %s", args, stderr)
	}
	return out
}

// Rule metadata in SARIF as GitHub wants it (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#reportingdescriptor-object): security
// rules get security-severity and the security tag, the others
// problem.severity; all get precision and Markdown help; --category sets
// automationDetails.id.
func TestSARIFRuleMetadataForCodeScanning(t *testing.T) {
	catalog, _, code := run(t, "rules", "--format", "json")
	if code != ExitOK {
		t.Fatal("swarmlint rules failed")
	}
	var rules []struct {
		ID       string `json:"id"`
		Security bool   `json:"security"`
	}
	if err := json.Unmarshal([]byte(catalog), &rules); err != nil {
		t.Fatal(err)
	}
	security := map[string]bool{}
	for _, r := range rules {
		security[r.ID] = r.Security
	}
	out, _, _ := run(t, "--format", "sarif", "--category", "stacks/prod", suppressedStack)
	sariftest.Check(t, []byte(out), sources(t, suppressedStack))
	l := parseSARIF(t, out)
	if ad := l.Runs[0].AutomationDetails; ad == nil || ad.ID != "stacks/prod/" {
		t.Errorf("automationDetails = %+v, want id stacks/prod/", ad)
	}
	if len(l.Runs[0].Tool.Driver.Rules) < len(rules) {
		t.Errorf("%d rules in SARIF, %d in the catalog: every enabled rule must be listed", len(l.Runs[0].Tool.Driver.Rules), len(rules))
	}
	for _, r := range l.Runs[0].Tool.Driver.Rules {
		p := r.Properties
		tags, _ := p["tags"].([]any)
		hasTag := slices.Contains(tags, any("security"))
		if security[r.ID] {
			sev, _ := p["security-severity"].(string)
			if f, err := strconv.ParseFloat(sev, 64); err != nil || f <= 0 || f > 10 || !hasTag {
				t.Errorf("%s is a security rule: security-severity %q, tags %v", r.ID, sev, tags)
			}
		} else if p["problem.severity"] == nil || hasTag {
			t.Errorf("%s: problem.severity %v, tags %v", r.ID, p["problem.severity"], tags)
		}
		if p["precision"] == nil || strings.TrimSpace(r.Help.Markdown) == "" || strings.TrimSpace(r.Help.Text) == "" {
			t.Errorf("%s: precision %v, help %+v", r.ID, p["precision"], r.Help)
		}
	}
	if out, _, _ := run(t, lintArgs("--format", "sarif", suppressedStack)...); strings.Contains(out, "automationDetails") {
		t.Error("automationDetails written without --category")
	}
}

// Every line of --format github is a workflow command that parses back to
// the finding it came from, also with characters that need escaping.
func TestGitHubFormatRoundTrip(t *testing.T) {
	fixture, err := os.ReadFile("../../fixtures/SWL101-dnsrr-with-ingress-port/bad.yml")
	if err != nil {
		t.Fatal(err)
	}
	odd := write(t, t.TempDir(), "odd, name: 100%.yml", string(fixture))
	inputs := []string{"../../fixtures/SWL101-dnsrr-with-ingress-port/bad.yml", noReasonStack, odd}
	gh, _, code := run(t, lintArgs(append([]string{"--format", "github"}, inputs...)...)...)
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	js, _, _ := run(t, lintArgs(append([]string{"--format", "json"}, inputs...)...)...)
	var doc struct {
		Findings []struct {
			RuleID    string `json:"rule_id"`
			Level     string `json:"level"`
			Message   string `json:"message"`
			File      string `json:"file"`
			StartLine int    `json:"start_line"`
			StartCol  int    `json:"start_column"`
			EndLine   int    `json:"end_line"`
			EndCol    int    `json:"end_column"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(gh, "\n"), "\n")
	if len(lines) != len(doc.Findings) || len(lines) < 6 {
		t.Fatalf("%d workflow commands for %d findings:\n%s", len(lines), len(doc.Findings), gh)
	}
	command := map[string]string{"error": "error", "warning": "warning", "note": "notice"}
	for i, line := range lines {
		c, err := report.ParseWorkflowCommand(line)
		if err != nil {
			t.Errorf("line %d: %v", i+1, err)
			continue
		}
		f := doc.Findings[i]
		want := map[string]string{"file": f.File, "line": strconv.Itoa(f.StartLine), "col": strconv.Itoa(f.StartCol),
			"endLine": strconv.Itoa(f.EndLine), "endColumn": strconv.Itoa(f.EndCol), "title": f.RuleID}
		if c.Command != command[f.Level] || c.Message != f.Message || fmt.Sprint(c.Properties) != fmt.Sprint(want) {
			t.Errorf("line %d: %q parses to %+v, want %s %v %q", i+1, line, c, command[f.Level], want, f.Message)
		}
	}
	if !strings.Contains(gh, "odd%2C name%3A 100%25.yml") {
		t.Errorf("file name not escaped:\n%s", gh)
	}
}

func TestHelpListsCommands(t *testing.T) {
	out, _, code := run(t, "--help")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"\n  explain ", "\n  rules ", "\n  completion ", "--baseline", "--write-baseline", "--show-suppressed"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

func TestShellCompletion(t *testing.T) {
	for shell, marker := range map[string]string{"bash": "# bash completion", "zsh": "#compdef swarmlint", "fish": "complete -c swarmlint"} {
		out, stderr, code := run(t, "completion", shell)
		if code != ExitOK || !strings.Contains(out, marker) {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", shell, code, len(out), stderr)
		}
	}
	out, _, _ := run(t, "__complete", "--format", "")
	for _, f := range report.FormatNames() {
		if !strings.Contains(out, f+"\n") {
			t.Errorf("--format completion lacks %s:\n%s", f, out)
		}
	}
	if out, _, _ := run(t, "__complete", "lint", ""); !strings.Contains(out, "yml\nyaml\n") {
		t.Errorf("lint arguments complete to %q, want stack file extensions", out)
	}
}

// repoRoot is the module root, two levels up.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// The workflow and the action pass actionlint (v1.7.12, through its Go API
// in testdata/actionlint, a module of its own: see its go.mod). actionlint
// reads action.yml only as the metadata of a local action that a workflow
// uses (inputs, outputs), so the action is also checked here: its
// structure, and its steps linted by actionlint as the steps of a
// workflow_call job with the same inputs.
func TestGitHubWorkflowAndAction(t *testing.T) {
	root := repoRoot(t)
	src, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	steps := filepath.Join(t.TempDir(), "action-steps.yml")
	if err := os.WriteFile(steps, checkActionStructure(t, src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", ".", "-root", root, "-action", "./",
		".github/workflows/ci.yml="+filepath.Join(root, ".github/workflows/ci.yml"),
		".github/workflows/action-steps.yml="+steps)
	cmd.Dir = "testdata/actionlint"
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running actionlint: %v\n%s", err, stderr.String())
	}
	var rep struct {
		Errors []string `json:"errors"`
		Action *struct {
			Using   string   `json:"using"`
			Inputs  []string `json:"inputs"`
			Outputs []string `json:"outputs"`
		} `json:"action"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("actionlint report: %v\n%s", err, out)
	}
	for _, e := range rep.Errors {
		t.Errorf("actionlint: %s", e)
	}
	if rep.Action == nil {
		t.Fatal("actionlint did not read action.yml")
	}
	if rep.Action.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", rep.Action.Using)
	}
	for _, in := range []string{"files", "args", "sarif-file", "upload", "category", "version"} {
		if !slices.Contains(rep.Action.Inputs, in) {
			t.Errorf("action input %q missing (actionlint read %q)", in, rep.Action.Inputs)
		}
	}
	if !slices.Contains(rep.Action.Outputs, "sarif-file") {
		t.Errorf("action output sarif-file missing (actionlint read %q)", rep.Action.Outputs)
	}
}

// actionFile is action.yml for the structure checks.
type actionFile struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Inputs      map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string           `yaml:"using"`
		Steps []map[string]any `yaml:"steps"`
	} `yaml:"runs"`
}

var (
	inputRefRe = regexp.MustCompile(`\binputs\.([A-Za-z0-9_-]+)`)
	stepRefRe  = regexp.MustCompile(`\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
)

// checkActionStructure checks what GitHub requires of a composite action
// and returns its steps as a workflow_call workflow for actionlint.
func checkActionStructure(t *testing.T, src []byte) []byte {
	t.Helper()
	var a actionFile
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(false)
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Name == "" || a.Description == "" {
		t.Error("action.yml needs name and description")
	}
	if a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("runs.using %q with %d steps, want a composite action", a.Runs.Using, len(a.Runs.Steps))
	}
	for name, in := range a.Inputs {
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
	}
	if d := a.Inputs["sarif-file"].Default; d == nil || *d != "swarmlint.sarif" {
		t.Errorf("sarif-file default = %v, want swarmlint.sarif", d)
	}
	ids := map[string]bool{}
	for i, s := range a.Runs.Steps {
		_, hasRun := s["run"]
		uses, hasUses := s["uses"].(string)
		shell, _ := s["shell"].(string)
		switch {
		case hasRun == hasUses:
			t.Errorf("step %d: needs exactly one of run and uses", i+1)
		case hasRun && shell == "":
			t.Errorf("step %d: a run step of a composite action needs shell", i+1)
		case hasUses && (shell != "" || !strings.Contains(uses, "@")):
			t.Errorf("step %d: uses %q must pin a ref and have no shell", i+1, uses)
		}
		if id, ok := s["id"].(string); ok {
			if ids[id] {
				t.Errorf("step id %q twice", id)
			}
			ids[id] = true
		}
	}
	for _, m := range inputRefRe.FindAllStringSubmatch(string(src), -1) {
		if _, ok := a.Inputs[m[1]]; !ok {
			t.Errorf("inputs.%s is used but not declared", m[1])
		}
	}
	for _, m := range stepRefRe.FindAllStringSubmatch(string(src), -1) {
		if !ids[m[1]] {
			t.Errorf("steps.%s is used but no step has that id", m[1])
		}
	}
	for name, o := range a.Outputs {
		if o.Description == "" || !strings.Contains(o.Value, "${{") {
			t.Errorf("output %s needs a description and a value expression", name)
		}
	}
	if !strings.Contains(string(src), "github/codeql-action/upload-sarif@") || !strings.Contains(string(src), "--format sarif") {
		t.Error("the action must run swarmlint with --format sarif and upload with github/codeql-action/upload-sarif")
	}

	inputs := map[string]any{}
	for name, in := range a.Inputs {
		spec := map[string]any{"type": "string", "required": in.Required, "description": in.Description}
		if in.Default != nil {
			spec["default"] = *in.Default
		}
		inputs[name] = spec
	}
	wf := map[string]any{
		"name": "action steps",
		"on":   map[string]any{"workflow_call": map[string]any{"inputs": inputs}},
		"jobs": map[string]any{"action": map[string]any{"runs-on": "ubuntu-latest", "steps": a.Runs.Steps}},
	}
	out, err := yaml.Marshal(wf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The hook manifest: one golang hook whose files pattern picks stack and
// Compose files (pre-commit applies it with Python's re.search; this
// pattern uses only syntax that Go's regexp reads the same way).
func TestPreCommitManifest(t *testing.T) {
	root := repoRoot(t)
	src, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string `yaml:"id"`
		Name          string `yaml:"name"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		Files         string `yaml:"files"`
		RequireSerial bool   `yaml:"require_serial"`
		PassFilenames *bool  `yaml:"pass_filenames"`
	}
	if err := yaml.Unmarshal(src, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 {
		t.Fatalf("%d hooks, want 1", len(hooks))
	}
	h := hooks[0]
	if h.ID != "swarmlint" || h.Entry != "swarmlint --changed" || h.Language != "golang" || (h.PassFilenames != nil && !*h.PassFilenames) || !h.RequireSerial {
		t.Errorf("hook = %+v", h)
	}
	re, err := regexp.Compile(h.Files)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"docker-compose.yml", "docker-compose.prod.yaml", "compose.yaml", "compose.override.yml",
		"deploy/docker-stack.yml", "docker-stack.prod.yaml", "stack.yml", "infra/stack.yaml", "stack-prod.yml"} {
		if !re.MatchString(name) {
			t.Errorf("files does not match %s", name)
		}
	}
	for _, name := range []string{".github/workflows/ci.yml", "action.yml", "docker-compose.yml.bak", "values.yaml", "compose/README.md", "stack.json",
		"localstack.yml", "vpc-stack.yaml", "stackstorm-config.yml", "infra/localstack/config.yml"} {
		if re.MatchString(name) {
			t.Errorf("files matches %s", name)
		}
	}
	if pc, err := exec.LookPath("pre-commit"); err == nil {
		if out, err := exec.Command(pc, "validate-manifest", filepath.Join(root, ".pre-commit-hooks.yaml")).CombinedOutput(); err != nil {
			t.Errorf("pre-commit validate-manifest: %v\n%s", err, out)
		}
	}
}

// The hook through pre-commit itself: `pre-commit try-repo` clones a
// snapshot of this working tree, builds swarmlint with `go install ./...`
// (language: golang) and runs it on a bad and a good stack. It needs
// pre-commit (apt-get install pre-commit) and reuses this machine's Go
// module and build caches, so it works offline once the modules are there.
func TestPreCommitHook(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the pre-commit hook build")
	}
	pc, err := exec.LookPath("pre-commit")
	if err != nil {
		t.Skip("pre-commit is not on PATH (apt-get install pre-commit): skipping the pre-commit hook test")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH: skipping the pre-commit hook test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	env := hookEnv(t, tmp)
	sh := func(dir string, name string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(dir string, name string, args ...string) string {
		t.Helper()
		out, err := sh(dir, name, args...)
		if err != nil {
			t.Fatalf("%s %q in %s: %v\n%s", name, args, dir, err, out)
		}
		return out
	}

	// The hook repository: this working tree (committed or not) as one commit.
	hookRepo := filepath.Join(tmp, "hook-repo")
	root := repoRoot(t)
	list := must(root, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	for _, rel := range strings.Split(strings.TrimRight(list, "\x00"), "\x00") {
		if err := copyRegular(filepath.Join(root, rel), filepath.Join(hookRepo, rel)); err != nil {
			t.Fatal(err)
		}
	}
	must(hookRepo, "git", "init", "-q")
	must(hookRepo, "git", "add", "-A")
	must(hookRepo, "git", "commit", "-q", "--no-gpg-sign", "-m", "snapshot of the working tree")

	// The project that uses the hook; its .swarmlint.yaml keeps the run to
	// SWL101, so rules added later cannot make the good stack fail.
	project := filepath.Join(tmp, "project")
	if err := os.MkdirAll(filepath.Join(project, "deploy"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, project, ".swarmlint.yaml", "rules:\n  enable: [SWL101]\n")
	write(t, project, "deploy/docker-stack.yml", baselineStack)
	write(t, project, "deploy/compose.yaml", goodStack)
	must(project, "git", "init", "-q")
	must(project, "git", "add", "-A")

	start := time.Now()
	out, err := sh(project, pc, "try-repo", hookRepo, "swarmlint", "--files", "deploy/docker-stack.yml")
	if err == nil || !strings.Contains(out, "SWL101") {
		t.Errorf("bad stack: pre-commit succeeded or did not report SWL101 (%v):\n%s", err, out)
	}
	if strings.Contains(out, "An unexpected error has occurred") || strings.Contains(out, "CalledProcessError") {
		t.Fatalf("pre-commit could not install the hook:\n%s", out)
	}
	t.Logf("pre-commit on the bad stack:\n%s", out)
	out, err = sh(project, pc, "try-repo", hookRepo, "swarmlint", "--files", "deploy/compose.yaml")
	if err != nil || !strings.Contains(out, "Passed") {
		t.Errorf("good stack: pre-commit failed (%v):\n%s", err, out)
	}
	// A file the hook's pattern does not match is not passed to swarmlint.
	write(t, project, "notes.yml", "not: [a, stack\n")
	must(project, "git", "add", "notes.yml")
	out, err = sh(project, pc, "try-repo", hookRepo, "swarmlint", "--files", "notes.yml")
	if err != nil || !strings.Contains(out, "no files to check") {
		t.Errorf("non-stack file: (%v)\n%s", err, out)
	}

	// The next runs go through the project's own .pre-commit-config.yaml
	// (pre-commit run on the staged files), as a user has it: the hook's
	// environment is built once and reused.
	rev := strings.TrimSpace(must(hookRepo, "git", "rev-parse", "HEAD"))
	write(t, project, ".pre-commit-config.yaml", "repos:\n  - repo: "+hookRepo+"\n    rev: "+rev+"\n    hooks:\n      - id: swarmlint\n")
	// A dev Compose file and the production stack, both publishing 80: two
	// alternatives, independent stacks, no clash.
	write(t, project, "docker-compose.yml", "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n")
	write(t, project, "deploy/docker-stack.yml", "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n")
	write(t, project, ".swarmlint.yaml", "rules:\n  enable: [SWL101, SWL103]\n")
	must(project, "git", "add", "-A")
	out, err = sh(project, pc, "run", "--files", "docker-compose.yml", "deploy/docker-stack.yml")
	if err != nil || strings.Contains(out, "SWL103") {
		t.Errorf("dev compose + prod stack: (%v)\n%s", err, out)
	}

	// A configured swarm: a staged file is linted with its stack's swarm.
	// old.yml's own problem is there before the commit and does not block
	// it; a staged stack whose subnet overlaps another stack's does.
	for _, d := range []string{"front", "back", "old"} {
		if err := os.MkdirAll(filepath.Join(project, "stacks", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, project, ".swarmlint.yaml", "rules:\n  enable: [SWL101, SWL211]\nstacks:\n  - {name: front, files: [stacks/front/stack.yml]}\n  - {name: back, files: [stacks/back/stack.yml]}\n  - {name: old, files: [stacks/old/stack.yml]}\n")
	write(t, project, "stacks/front/stack.yml", frontNet)
	write(t, project, "stacks/back/stack.yml", cleanNet)
	write(t, project, "stacks/old/stack.yml", dnsrrStack)
	must(project, "git", "add", "-A")
	must(project, "git", "commit", "-q", "--no-gpg-sign", "-m", "swarm")
	write(t, project, "stacks/back/stack.yml", cleanNet+"  cache:\n    image: redis\n")
	must(project, "git", "add", "stacks/back/stack.yml")
	out, err = sh(project, pc, "run")
	if err != nil || !strings.Contains(out, "Passed") {
		t.Errorf("a clean change in a swarm with an old problem: (%v)\n%s", err, out)
	}
	write(t, project, "stacks/back/stack.yml", backNet)
	must(project, "git", "add", "stacks/back/stack.yml")
	out, err = sh(project, pc, "run")
	if err == nil || !strings.Contains(out, "SWL211") || strings.Contains(out, "SWL101") {
		t.Errorf("a change that overlaps another stack of the swarm: (%v)\n%s", err, out)
	}
	t.Logf("pre-commit try-repo and run (2 builds + 6 runs) took %s", time.Since(start).Round(time.Second))
}

// hookEnv is the environment for git and pre-commit: a private pre-commit
// cache, a fixed git identity, and this machine's Go caches and proxy so
// `go install` inside pre-commit downloads nothing new.
func hookEnv(t *testing.T, tmp string) []string {
	t.Helper()
	goenv := func(key string) string {
		out, err := exec.Command("go", "env", key).Output()
		if err != nil {
			t.Skipf("go env %s: %v", key, err)
		}
		return strings.TrimSpace(string(out))
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return strings.HasPrefix(k, "GIT_") || strings.HasPrefix(k, "PRE_COMMIT") || k == "GOFLAGS" || k == "GOBIN"
	})
	return append(env,
		"PRE_COMMIT_HOME="+filepath.Join(tmp, "pre-commit-home"),
		"GIT_AUTHOR_NAME=swarmlint test", "GIT_AUTHOR_EMAIL=test@swarmlint.invalid",
		"GIT_COMMITTER_NAME=swarmlint test", "GIT_COMMITTER_EMAIL=test@swarmlint.invalid",
		"GIT_CONFIG_NOSYSTEM=1",
		"GOMODCACHE="+goenv("GOMODCACHE"), "GOCACHE="+goenv("GOCACHE"), "GOPROXY="+goenv("GOPROXY"),
		"GOTOOLCHAIN=local", "GOFLAGS=-mod=mod -buildvcs=false",
	)
}

// copyRegular copies a regular file, creating directories; anything else
// (a deleted tracked file, a symlink, a directory) is skipped.
func copyRegular(from, to string) error {
	st, err := os.Lstat(from)
	if err != nil || !st.Mode().IsRegular() {
		return nil
	}
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, data, st.Mode().Perm())
}

// The action's lint step splits args and files like a shell would, runs
// nothing in them, leaves globs to swarmlint, and passes the SARIF flags
// last so that --format in args cannot keep SARIF from the upload. A stand-in
// swarmlint on PATH records the argument vector it gets.
func TestActionSplitsArguments(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not on PATH: skipping the action step test")
	}
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(src, &a); err != nil {
		t.Fatal(err)
	}
	var step string
	for _, s := range a.Runs.Steps {
		if s["id"] == "lint" {
			step, _ = s["run"].(string)
		}
	}
	if step == "" {
		t.Fatal("no lint step")
	}
	dir := t.TempDir()
	argv := filepath.Join(dir, "argv")
	write(t, dir, "swarmlint", "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \""+argv+"\"\nexit 1\n")
	if err := os.Chmod(filepath.Join(dir, "swarmlint"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args, files string
		want        []string
		code        int
	}{
		{`--enable 'SWL2*' --format github --disable "SWL205 " $(touch pwned)`, `'deploy/**/*stack*.yml' docker-compose.yml`,
			[]string{"--enable", "SWL2*", "--format", "github", "--disable", "SWL205 ", "$(touch", "pwned)", "--format", "sarif", "--output", "out.sarif", "--", "deploy/**/*stack*.yml", "docker-compose.yml"}, 0},
		{"", " ", []string{"--format", "sarif", "--output", "out.sarif", "--"}, 0},
		{`--x 'unbalanced`, "", nil, 2},
	} {
		os.Remove(argv)
		out := filepath.Join(dir, "output")
		cmd := exec.Command("bash", "-c", step)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"), "ARGS="+c.args, "FILES="+c.files,
			"SARIF_FILE=out.sarif", "CATEGORY=", "GITHUB_OUTPUT="+out)
		b, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != c.code {
			t.Errorf("args %q: exit %d, want %d\n%s", c.args, code, c.code, b)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
			t.Fatalf("args %q ran a command substitution", c.args)
		}
		if c.want == nil {
			continue
		}
		got, _ := os.ReadFile(argv)
		if lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n"); !slices.Equal(lines, c.want) {
			t.Errorf("args %q files %q: swarmlint got %q, want %q", c.args, c.files, lines, c.want)
		}
		if o, _ := os.ReadFile(out); !strings.Contains(string(o), "exit-code=1") {
			t.Errorf("step outputs %q lack swarmlint's exit code", o)
		}
	}
}
