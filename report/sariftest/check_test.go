package sariftest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/report/sariftest"
	"github.com/swarmlint/swarmlint/rules"
)

// recorder is a testing.TB that collects errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, strings.TrimSpace(fmt.Sprintf(format, args...)))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

const src = "services:\n  web:\n    image: nginx\n    privileged: true\n"

func sources() map[string][]byte { return map[string][]byte{"stack.yml": []byte(src)} }

func validLog(t *testing.T) []byte {
	t.Helper()
	r := &report.Result{
		ToolVersion: "1.0.0", Successful: true, Sources: sources(),
		Rules: []rules.Rule{
			{ID: "SWL001", Name: "privileged-service", Title: "Service runs privileged", Severity: "error", Security: true, Category: "deploy"},
			{ID: "SWL002", Name: "image-tag-not-pinned", Title: "Image has no tag", Severity: "warning", Category: "deploy"},
		},
		Findings: []report.Finding{
			{RuleID: "SWL002", Level: "warning", Message: "no tag", File: "stack.yml", StartLine: 3, StartCol: 12, EndLine: 3, EndCol: 17, Identity: "a"},
			{RuleID: "SWL001", Level: "error", Message: "privileged", File: "stack.yml", StartLine: 4, StartCol: 5, EndLine: 4, EndCol: 21, Identity: "b"},
		},
	}
	var buf bytes.Buffer
	if err := (report.SARIFWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mutate decodes log, applies f and re-encodes it.
func mutate(t *testing.T, log []byte, f func(run map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(log))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	f(m["runs"].([]any)[0].(map[string]any))
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func result(run map[string]any, i int) map[string]any {
	return run["results"].([]any)[i].(map[string]any)
}
func rule(run map[string]any, i int) map[string]any {
	return run["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)[i].(map[string]any)
}
func region(run map[string]any, i int) map[string]any {
	loc := result(run, i)["locations"].([]any)[0].(map[string]any)
	return loc["physicalLocation"].(map[string]any)["region"].(map[string]any)
}
func artifact(run map[string]any, i int) map[string]any {
	loc := result(run, i)["locations"].([]any)[0].(map[string]any)
	return loc["physicalLocation"].(map[string]any)["artifactLocation"].(map[string]any)
}

func TestCheckAcceptsValidLog(t *testing.T) {
	sariftest.Check(t, validLog(t), sources())
}

func TestCheckRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(run map[string]any)
		want   string // substring of one reported error
	}{
		{"ruleIndex uint overflow", func(r map[string]any) { result(r, 0)["ruleIndex"] = json.Number("18446744073709551615") }, "ruleIndex"},
		{"ruleIndex other rule", func(r map[string]any) { result(r, 0)["ruleIndex"] = json.Number("0") }, "does not point"},
		{"results null", func(r map[string]any) { r["results"] = nil }, "results"},
		{"rules missing", func(r map[string]any) { delete(r["tool"].(map[string]any)["driver"].(map[string]any), "rules") }, "rules: must be an array"},
		{"duplicate rule", func(r map[string]any) {
			d := r["tool"].(map[string]any)["driver"].(map[string]any)
			d["rules"] = append(d["rules"].([]any), rule(r, 0))
		}, "duplicate"},
		{"unknown ruleId", func(r map[string]any) { result(r, 0)["ruleId"] = "SWL999"; delete(result(r, 0), "ruleIndex") }, "not in tool.driver.rules"},
		{"empty message", func(r map[string]any) { result(r, 0)["message"] = map[string]any{"text": " "} }, "message.text"},
		{"two locations", func(r map[string]any) {
			res := result(r, 0)
			res["locations"] = append(res["locations"].([]any), res["locations"].([]any)[0])
		}, "exactly 1"},
		{"backslash uri", func(r map[string]any) { artifact(r, 0)["uri"] = `dir\stack.yml` }, "backslash"},
		{"absolute uri", func(r map[string]any) { artifact(r, 0)["uri"] = "/abs/stack.yml" }, "must not start with /"},
		{"scheme uri", func(r map[string]any) { artifact(r, 0)["uri"] = "git::https://x/y.yml" }, "relative"},
		{"dotdot uri", func(r map[string]any) { artifact(r, 0)["uri"] = "../stack.yml" }, ".. segment"},
		{"empty region", func(r map[string]any) { region(r, 0)["endColumn"] = json.Number("12") }, "empty or reversed"},
		{"reversed lines", func(r map[string]any) { region(r, 0)["endLine"] = json.Number("2") }, "before startLine"},
		{"wrong line hash", func(r map[string]any) {
			result(r, 0)["partialFingerprints"].(map[string]any)["primaryLocationLineHash"] = "abc:1"
		}, "hashes to"},
		{"missing line hash", func(r map[string]any) { delete(result(r, 0), "partialFingerprints") }, "missing primaryLocationLineHash"},
		{"name equals id", func(r map[string]any) { rule(r, 0)["name"] = "SWL001" }, "must differ"},
		{"relative helpUri", func(r map[string]any) { rule(r, 0)["helpUri"] = "docs/SWL001.md" }, "helpUri"},
		{"numeric security-severity", func(r map[string]any) {
			rule(r, 0)["properties"].(map[string]any)["security-severity"] = json.Number("8")
		}, "security-severity"},
		{"duplicate tag", func(r map[string]any) {
			rule(r, 1)["properties"].(map[string]any)["tags"] = []any{"deploy", "deploy"}
		}, "duplicate tag"},
		{"bad precision", func(r map[string]any) { rule(r, 1)["properties"].(map[string]any)["precision"] = "exact" }, "precision"},
		{"level not in enum (schema)", func(r map[string]any) { result(r, 0)["level"] = "high" }, "not valid against"},
		{"suppression with nulls (schema)", func(r map[string]any) {
			result(r, 0)["suppressions"] = []any{map[string]any{"kind": "inSource", "status": nil, "guid": nil}}
		}, "not valid against"},
		{"no columnKind", func(r map[string]any) { delete(r, "columnKind") }, "columnKind"},
		{"null executionSuccessful", func(r map[string]any) {
			r["invocations"].([]any)[0].(map[string]any)["executionSuccessful"] = nil
		}, "executionSuccessful"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			sariftest.Check(rec, mutate(t, validLog(t), tt.change), sources())
			if !anyContains(rec.errs, tt.want) {
				t.Errorf("want an error containing %q, got %q", tt.want, rec.errs)
			}
		})
	}
}

func TestCheckRejectsTwoRuns(t *testing.T) {
	var m map[string]any
	if err := json.Unmarshal(validLog(t), &m); err != nil {
		t.Fatal(err)
	}
	m["runs"] = append(m["runs"].([]any), m["runs"].([]any)[0])
	log, _ := json.Marshal(m)
	rec := &recorder{TB: t}
	sariftest.Check(rec, log, sources())
	if !anyContains(rec.errs, "exactly 1") {
		t.Errorf("got %q", rec.errs)
	}
}

func TestCheckNeedsSources(t *testing.T) {
	rec := &recorder{TB: t}
	sariftest.Check(rec, validLog(t), nil)
	if !anyContains(rec.errs, "no source") {
		t.Errorf("got %q", rec.errs)
	}
}

func TestCheckRejectsNonJSON(t *testing.T) {
	rec := &recorder{TB: t}
	sariftest.Check(rec, []byte("{"), sources())
	if len(rec.errs) == 0 {
		t.Error("want errors for a truncated log")
	}
}

func anyContains(errs []string, want string) bool {
	for _, e := range errs {
		if strings.Contains(e, want) {
			return true
		}
	}
	return false
}
