package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/report"
)

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

// writeStack writes src as stack.yml in a fresh directory and returns its path.
func writeStack(t *testing.T, dir, src string) string {
	t.Helper()
	p := filepath.Join(dir, "stack.yml")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func unsuppressed(fs []report.Finding) []report.Finding {
	var out []report.Finding
	for _, f := range fs {
		if f.Suppression == nil {
			out = append(out, f)
		}
	}
	return out
}

// A baseline survives edits above the findings: the entries carry no line
// numbers, so moved findings still match and only new ones are reported.
func TestBaselineSurvivesMovedLines(t *testing.T) {
	dir := t.TempDir()
	file := writeStack(t, dir, baselineStack)
	res := lintFiles(t, Config{}, file)
	if len(res.Findings) != 2 {
		t.Fatalf("want 2 findings to record, got %q", brief(res.Findings))
	}
	b := NewBaseline(res.Findings)
	path := filepath.Join(dir, "swarmlint-baseline.json")
	if err := b.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}

	moved := "# Cache tier.\n# Reviewed 2026-11.\n\n" + strings.Replace(baselineStack, "services:\n", "services:\n  # the cache\n", 1)
	writeStack(t, dir, moved)
	res = lintFiles(t, Config{Baseline: b}, file)
	if got := unsuppressed(res.Findings); len(got) != 0 {
		t.Errorf("new findings after moving lines: %q", brief(got))
	}
	if b.Matched != 2 || b.Stale != 0 {
		t.Errorf("Matched, Stale = %d, %d; want 2, 0", b.Matched, b.Stale)
	}
	for _, f := range res.Findings {
		if f.StartLine < 12 || f.Suppression == nil || f.Suppression.Kind != "external" || !strings.Contains(f.Suppression.Justification, path) {
			t.Errorf("finding %s:%d suppression %+v", f.RuleID, f.StartLine, f.Suppression)
		}
	}

	// A new finding is reported; a fixed one leaves a stale entry.
	grown := strings.Replace(moved, "      - \"11211:11211\"\n", "      - \"11212:11212\"\n", 1)
	writeStack(t, dir, grown+"      - \"9200:9200\"\n")
	res = lintFiles(t, Config{Baseline: b}, file)
	got := unsuppressed(res.Findings)
	if len(got) != 1 || !strings.Contains(got[0].Message, "9200") {
		t.Errorf("want only the new 9200 finding, got %q", brief(got))
	}
	if b.Matched != 2 || b.Stale != 0 {
		// 11211 → 11212 keeps the element (ports/0): still baselined.
		t.Errorf("Matched, Stale = %d, %d; want 2, 0", b.Matched, b.Stale)
	}
	writeStack(t, dir, strings.Replace(baselineStack, "        mode: ingress\n", "        mode: host\n", 1))
	lintFiles(t, Config{Baseline: b}, file)
	if b.Matched != 1 || b.Stale != 1 {
		t.Errorf("after a fix: Matched, Stale = %d, %d; want 1, 1", b.Matched, b.Stale)
	}
}

// The baseline key is the SARIF swarmlint/v1 partial fingerprint.
func TestBaselineFingerprintIsSARIFIdentity(t *testing.T) {
	res := lintFiles(t, Config{}, "testdata/ignore/missing-reason.yml")
	var buf bytes.Buffer
	if err := (report.SARIFWriter{}).Write(&buf, res); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string            `json:"ruleId"`
				FP     map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	results := log.Runs[0].Results
	if len(results) != len(res.Findings) {
		t.Fatalf("%d results for %d findings", len(results), len(res.Findings))
	}
	for i, f := range res.Findings {
		if got := results[i].FP[report.IdentityKey]; got != Fingerprint(f) {
			t.Errorf("%s: SARIF %s = %q, baseline fingerprint %q", f.RuleID, report.IdentityKey, got, Fingerprint(f))
		}
	}
}

func TestBaselineFileFormat(t *testing.T) {
	fs := []report.Finding{
		{RuleID: "SWL202", File: "b.yml", Identity: "SWL202:b.yml:net", Message: "m", StartLine: 9},
		{RuleID: "SWL101", File: "b.yml", Identity: "SWL101:b.yml:p", Message: "m", StartLine: 3},
		{RuleID: "SWL101", File: "a.yml", Identity: "SWL101:a.yml:p", Message: "m", StartLine: 7},
		{RuleID: "SWL104", File: "a.yml", Identity: "SWL104:a.yml:q", Suppression: &report.Suppression{Kind: "inSource", Justification: "r"}},
	}
	b := NewBaseline(fs)
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"start_line", "message", "SWL104", `"7"`, "identity"} {
		if strings.Contains(out, bad) {
			t.Errorf("baseline contains %q:\n%s", bad, out)
		}
	}
	var order []string
	for _, e := range b.Findings {
		order = append(order, e.File+" "+e.Rule)
	}
	if want := []string{"a.yml SWL101", "b.yml SWL101", "b.yml SWL202"}; !reflect.DeepEqual(order, want) {
		t.Errorf("order = %q, want %q", order, want)
	}
	again, err := ParseBaseline("x.json", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Findings, b.Findings) {
		t.Errorf("round trip changed the entries")
	}
	// Equal findings need one entry each; messages and lines do not matter.
	dup := append([]report.Finding{}, fs[1], fs[1], fs[1])
	dup[1].Message, dup[2].StartLine = "reworded", 99
	if n := NewBaseline(fs[1:2]).Apply(dup, nil); n != 1 || dup[0].Suppression == nil || dup[1].Suppression != nil {
		t.Errorf("one entry matched %d findings", n)
	}
	// Entries of files the run did not check are not stale (pre-commit
	// lints only the staged files).
	all := NewBaseline(fs)
	all.Apply(nil, func(f string) bool { return f == "a.yml" })
	if all.Stale != 1 {
		t.Errorf("stale = %d, want the one entry of a.yml", all.Stale)
	}
}

func TestParseBaselineErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"{\n  \"version\": 1,\n  \"findings\": [\n    {\"rule\": \"SWL101\",}\n  ]\n}", "x.json:4: invalid baseline"},
		{`{"version": 2, "tool": "swarmlint", "findings": []}`, "baseline version 2 is not supported"},
		{`{"version": 1, "findings": [{"rule": "SWL101", "file": "a.yml"}]}`, "entry 1 needs rule, file and fingerprint"},
		{`{"version": 1, "findings": [], "extra": true}`, `unknown field "extra"`},
		{"{\"version\": 1, \"findings\": []}\n\n  junk", "x.json:3:3: invalid baseline: unexpected text after the JSON object"},
		{`{"version": 1, "findings": []}{"version": 1, "findings": []}`, "x.json:1:31: invalid baseline: unexpected text"},
	}
	for _, tt := range tests {
		_, err := ParseBaseline("x.json", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseBaseline(%q) error = %v, want %q", tt.src, err, tt.want)
		}
	}
	if _, err := ReadBaseline(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
}
