package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/swarmlint/swarmlint/report"
)

func TestJSONCleanHasArrays(t *testing.T) {
	out := render(t, report.JSONWriter{}, cleanResult())
	for _, want := range []string{`"findings": []`, `"notifications": []`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("clean JSON lacks %s:\n%s", want, out)
		}
	}
	if bytes.Contains(out, []byte("null")) {
		t.Errorf("JSON contains null:\n%s", out)
	}
}

func TestJSONDecodes(t *testing.T) {
	r := suppressedResult()
	var doc report.JSONDocument
	if err := json.Unmarshal(render(t, report.JSONWriter{}, r), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != report.JSONSchemaVersion || doc.Tool.Name != "swarmlint" || doc.Tool.Version != "v0.3.0" {
		t.Errorf("header = %+v %+v", doc.Version, doc.Tool)
	}
	if len(doc.Findings) != 3 || len(doc.Notifications) != 2 {
		t.Fatalf("got %d findings, %d notifications", len(doc.Findings), len(doc.Notifications))
	}
	want := report.JSONSummary{Errors: 1, Suppressed: 2}
	if doc.Summary != want {
		t.Errorf("summary = %+v, want %+v", doc.Summary, want)
	}
	f := doc.Findings[1]
	if f.RuleName != "privileged-service" || f.Suppression == nil || f.Suppression.Kind != "inSource" || f.Related == nil {
		t.Errorf("finding = %+v", f)
	}
}
