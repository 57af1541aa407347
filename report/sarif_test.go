package report_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/report/sariftest"
)

func writeSARIF(t *testing.T, r *report.Result) []byte {
	t.Helper()
	return render(t, report.SARIFWriter{}, r)
}

func parseSARIF(t *testing.T, log []byte) *sarif.Run {
	t.Helper()
	rep, err := sarif.FromBytes(log)
	if err != nil {
		t.Fatalf("sarif.FromBytes: %v", err)
	}
	if len(rep.Runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(rep.Runs))
	}
	return rep.Runs[0]
}

// Every fixture log passes the schema and the checks of sariftest.Check.
func TestSARIFValid(t *testing.T) {
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			r := mk()
			sariftest.Check(t, writeSARIF(t, r), r.Sources)
		})
	}
}

// Output is byte-identical across runs and independent of finding order.
func TestSARIFDeterministic(t *testing.T) {
	r := suppressedResult()
	first := writeSARIF(t, r)
	slices.Reverse(r.Findings)
	if second := writeSARIF(t, r); !bytes.Equal(first, second) {
		t.Fatal("SARIF output changed between runs")
	}
}

func TestSARIFClean(t *testing.T) {
	log := writeSARIF(t, cleanResult())
	if !bytes.Contains(log, []byte(`"results": []`)) {
		t.Error(`clean log must contain "results": []`)
	}
	run := parseSARIF(t, log)
	if got, want := len(run.Tool.Driver.Rules), len(catalog()); got != want {
		t.Errorf("got %d rules, want every enabled rule (%d)", got, want)
	}
	if run.AutomationDetails != nil {
		t.Error("automationDetails must be absent without a category")
	}
	if inv := run.Invocations; len(inv) != 1 || inv[0].ExecutionSuccessful == nil || !*inv[0].ExecutionSuccessful {
		t.Error("want one successful invocation")
	}
}

func TestSARIFRules(t *testing.T) {
	run := parseSARIF(t, writeSARIF(t, sampleResult()))
	for i, want := range catalog() {
		got := run.Tool.Driver.Rules[i]
		if got.ID != want.ID {
			t.Fatalf("rules[%d].id = %s, want %s (catalog order)", i, got.ID, want.ID)
		}
		if want.Security != (got.Properties["security-severity"] != nil) {
			t.Errorf("%s: security-severity presence wrong: %v", want.ID, got.Properties)
		}
	}
	byID := map[string]*sarif.ReportingDescriptor{}
	for _, r := range run.Tool.Driver.Rules {
		byID[r.ID] = r
	}
	if n := *byID["SWL101"].Name; n != "DnsrrWithIngressPort" {
		t.Errorf("name = %q, want DnsrrWithIngressPort", n)
	}
	if n := *byID["SWL003"].Name; n != "LabelNonAscii" {
		t.Errorf("name = %q, want LabelNonAscii", n)
	}
	if md := *byID["SWL101"].Help.Markdown; !strings.HasPrefix(md, "# SWL101") {
		t.Errorf("help.markdown should come from RuleHelp, got %q", md)
	}
	if u := *byID["SWL101"].HelpURI; u != report.DefaultDocsBaseURL+"/SWL101.md" {
		t.Errorf("helpUri = %q", u)
	}
	// A custom rule links to its own first https page, or to none: swarmlint
	// has no page for it.
	if u := byID["ACME001"].HelpURI; u == nil || *u != "https://wiki.example/labels" {
		t.Errorf("ACME001 helpUri = %v, want its first https related resource", u)
	}
	if u := byID["ACME002"].HelpURI; u != nil {
		t.Errorf("ACME002 helpUri = %q, want none", *u)
	}
	if s := byID["SWL001"].Properties["security-severity"]; s != "8.0" {
		t.Errorf("SWL001 security-severity = %v, want 8.0", s)
	}
	if s := byID["SWL003"].Properties["problem.severity"]; s != "recommendation" {
		t.Errorf("SWL003 problem.severity = %v, want recommendation", s)
	}
}

func TestSARIFResults(t *testing.T) {
	r := sampleResult()
	run := parseSARIF(t, writeSARIF(t, r))
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("got %d results, want %d", len(run.Results), len(r.Findings))
	}
	for _, res := range run.Results {
		if rule := run.Tool.Driver.Rules[*res.RuleIndex]; rule.ID != *res.RuleID {
			t.Errorf("ruleIndex %d points at %s, want %s", *res.RuleIndex, rule.ID, *res.RuleID)
		}
		if !strings.HasSuffix(*res.Message.Text, ".") || strings.HasSuffix(*res.Message.Text, "..") {
			t.Errorf("message %q must end with exactly one period", *res.Message.Text)
		}
	}
	// The emoji before "launch" is two UTF-16 code units: columns shift by one.
	emoji := run.Results[1].Locations[0].PhysicalLocation.Region
	if *emoji.StartColumn != 17 || *emoji.EndColumn != 23 {
		t.Errorf("UTF-16 columns = %d..%d, want 17..23", *emoji.StartColumn, *emoji.EndColumn)
	}
	last := run.Results[len(run.Results)-1]
	if uri := *last.Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "my%20dir/stack%20file.yml" {
		t.Errorf("uri = %q, want my%%20dir/stack%%20file.yml", uri)
	}
	sum := sha256.Sum256([]byte(r.Findings[len(r.Findings)-1].Identity))
	if got := last.PartialFingerprints[report.IdentityKey]; got != hex.EncodeToString(sum[:]) {
		t.Errorf("%s = %v, want sha256 of the identity", report.IdentityKey, got)
	}
	rel := run.Results[2].RelatedLocations
	if len(rel) != 1 || rel[0].Id == nil || *rel[0].Id != 1 || *rel[0].Message.Text != "endpoint mode set here" {
		t.Errorf("related locations = %+v, want one with id 1 and its message", rel)
	}
}

var guidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestSARIFSuppressionsAndNotifications(t *testing.T) {
	r := suppressedResult()
	log := writeSARIF(t, r)
	run := parseSARIF(t, log)
	var sups []*sarif.Suppression
	for _, res := range run.Results {
		sups = append(sups, res.Suppressions...)
	}
	if len(sups) != 2 {
		t.Fatalf("got %d suppressions, want 2", len(sups))
	}
	for _, s := range sups {
		if s.Status == nil || *s.Status != "accepted" || s.Justification == nil || *s.Justification == "" ||
			s.Location == nil || s.Guid == nil || !guidRe.MatchString(*s.Guid) {
			t.Errorf("suppression %+v: want status accepted, justification, location and a v5 GUID", s)
		}
	}
	if *sups[0].Guid == *sups[1].Guid {
		t.Error("suppression GUIDs must differ")
	}
	if bytes.Contains(log, []byte("null")) {
		t.Error("log contains null")
	}
	inv := run.Invocations[0]
	if *inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 2 {
		t.Errorf("want a failed invocation with 2 notifications, got %+v", inv)
	}
	if id := run.AutomationDetails.ID; id == nil || *id != "swarm/prod/" {
		t.Errorf("automationDetails.id = %v, want swarm/prod/", id)
	}
}

// Results for a rule missing from the catalog still get a valid ruleIndex.
func TestSARIFUnknownRule(t *testing.T) {
	r := sampleResult()
	r.Rules = r.Rules[1:] // drop SWL000
	r.Findings = append(r.Findings, report.Finding{RuleID: "SWL000", Level: "error", Message: "broken",
		File: "deploy/stack.yml", StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 5})
	log := writeSARIF(t, r)
	sariftest.Check(t, log, r.Sources)
	run := parseSARIF(t, log)
	if got := run.Tool.Driver.Rules[len(r.Rules)].ID; got != "SWL000" {
		t.Errorf("placeholder rule = %s, want SWL000 after the catalog", got)
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"deploy/stack.yml":   "deploy/stack.yml",
		"./deploy/stack.yml": "deploy/stack.yml",
		"my dir/a b.yml":     "my%20dir/a%20b.yml",
		"100%.yml":           "100%25.yml",
		"dép/ünï.yml":        "d%C3%A9p/%C3%BCn%C3%AF.yml",
		"x#y?.yml":           "x%23y%3F.yml",
		"a:b.yml":            "./a:b.yml",
	} {
		if got := report.FileURI(in); got != want {
			t.Errorf("FileURI(%q) = %q, want %q", in, got, want)
		}
	}
}
