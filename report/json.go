package report

import (
	"io"
	"slices"
)

// JSONSchemaVersion is the "version" of the JSON format. It changes only on
// incompatible changes; new optional members may be added within a version.
const JSONSchemaVersion = "1"

// JSONWriter writes the stable machine-readable format documented in
// docs/output-json.md:
//
//	{
//	  "version": "1",
//	  "tool": {"name": "swarmlint", "version": "0.3.0"},
//	  "findings": [{
//	    "rule_id": "SWL101", "rule_name": "dnsrr-with-ingress-port",
//	    "level": "error", "message": "service \"cache\" uses dnsrr ...",
//	    "file": "deploy/stack.yml",
//	    "start_line": 7, "start_column": 9, "end_line": 7, "end_column": 22,
//	    "identity": "SWL101|deploy/stack.yml|services.cache.ports[0]",
//	    "related": [],
//	    "suppression": {"kind": "inSource", "justification": "..."},
//	    "fixes": [{"description": "publish 11211/tcp in host mode", "safe": true,
//	      "edits": [{"file": "deploy/stack.yml", "start_line": 7, "start_column": 9,
//	        "end_line": 7, "end_column": 22, "start_offset": 120, "end_offset": 133,
//	        "new_text": "target: 11211\n ..."}]}]
//	  }],
//	  "notifications": [{"level": "error", "message": "...", "file": "...", "line": 3}],
//	  "summary": {"errors": 1, "warnings": 0, "notes": 0, "suppressed": 0}
//	}
//
// Lines and columns are 1-based; columns count Unicode code points and
// end_column is exclusive. findings, notifications and related are always
// arrays, never null; suppression is present only on suppressed findings,
// which the summary counts apart from errors, warnings and notes; fixes
// is present only on findings whose rule offers a fix.
type JSONWriter struct{}

// JSONDocument is the top-level object of the JSON format.
type JSONDocument struct {
	Version       string         `json:"version"`
	Tool          JSONTool       `json:"tool"`
	Findings      []JSONFinding  `json:"findings"`
	Notifications []Notification `json:"notifications"`
	Summary       JSONSummary    `json:"summary"`
}

// JSONTool names the producer.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONFinding is one finding in the JSON format.
type JSONFinding struct {
	RuleID      string       `json:"rule_id"`
	RuleName    string       `json:"rule_name"`
	Level       string       `json:"level"`
	Message     string       `json:"message"`
	File        string       `json:"file"`
	StartLine   int          `json:"start_line"`
	StartColumn int          `json:"start_column"`
	EndLine     int          `json:"end_line"`
	EndColumn   int          `json:"end_column"`
	Identity    string       `json:"identity"`
	Related     []Location   `json:"related"`
	Suppression *Suppression `json:"suppression,omitempty"`
	Fixes       []Fix        `json:"fixes,omitempty"`
}

// JSONSummary counts unsuppressed findings by level, and suppressed ones.
type JSONSummary struct {
	Errors     int `json:"errors"`
	Warnings   int `json:"warnings"`
	Notes      int `json:"notes"`
	Suppressed int `json:"suppressed"`
}

// Write writes r to w as one indented JSON document.
func (JSONWriter) Write(w io.Writer, r *Result) error {
	return encodeJSON(w, NewJSONDocument(r))
}

// NewJSONDocument builds the JSON document for r.
func NewJSONDocument(r *Result) JSONDocument {
	names := ruleIndex(r.Rules)
	doc := JSONDocument{
		Version:       JSONSchemaVersion,
		Tool:          JSONTool{Name: "swarmlint", Version: r.ToolVersion},
		Findings:      []JSONFinding{},
		Notifications: slices.Clone(r.Notifications),
	}
	if doc.Notifications == nil {
		doc.Notifications = []Notification{}
	}
	for _, f := range sortedFindings(r.Findings) {
		related := slices.Clone(f.Related)
		if related == nil {
			related = []Location{}
		}
		doc.Findings = append(doc.Findings, JSONFinding{
			RuleID: f.RuleID, RuleName: names[f.RuleID].Name, Level: normLevel(f.Level),
			Message: f.Message, File: f.File,
			StartLine: f.StartLine, StartColumn: f.StartCol, EndLine: f.EndLine, EndColumn: f.EndCol,
			Identity: f.Identity, Related: related, Suppression: f.Suppression, Fixes: f.Fixes,
		})
	}
	t := countFindings(r.Findings)
	doc.Summary = JSONSummary{Errors: t.errors, Warnings: t.warnings, Notes: t.notes, Suppressed: t.suppressed}
	return doc
}
