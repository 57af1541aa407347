package sariftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// GitHub's per-run limits (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning, its upload limits).
const (
	maxRules   = 25000
	maxResults = 25000
)

// Check fails t unless log is a SARIF log GitHub code scanning accepts and
// displays as intended. It checks:
//
//  1. valid against the OASIS schema in testdata/sarif-schema-2.1.0.json;
//  2. exactly one run, version 2.1.0, $schema ending in 2.1.0.json;
//  3. results and tool.driver.rules are arrays, unique rule ids, ≤25,000 each;
//  4. every result: ruleId of a rule, ruleIndex pointing at it, message text,
//     exactly one location with a clean relative percent-encoded URI, a sane
//     region, string fingerprints and a primaryLocationLineHash equal to the
//     one recomputed from sources (keyed by repository-relative path);
//  5. every rule: name, descriptions, help, helpUri, level, tags, precision,
//     security-severity / problem.severity as GitHub expects;
//  7. every fix: a description, at least one artifactChange with a clean
//     URI, each with at least one replacement whose deletedRegion lies in
//     the source (zero-width for an insertion) and whose insertedContent,
//     when present, has text; replacements of one file in order, never
//     overlapping;
//  6. columnKind with results, executionSuccessful and notification texts;
//  9. the log loads with go-sarif's sarif.FromBytes.
//
// It reports every problem it finds, not just the first.
func Check(t testing.TB, log []byte, sources map[string][]byte) {
	t.Helper()
	if err := validateSchema(log); err != nil {
		t.Errorf("sariftest: %v", err)
	}
	if _, err := sarif.FromBytes(log); err != nil {
		t.Errorf("sariftest: go-sarif FromBytes: %v", err)
	}
	var l sarifLog
	dec := json.NewDecoder(bytes.NewReader(log))
	dec.UseNumber()
	if err := dec.Decode(&l); err != nil {
		t.Errorf("sariftest: cannot decode log: %v", err)
		return
	}
	c := &checker{t: t, sources: sources}
	c.log(&l)
}

// checker accumulates failures with a JSON-path-like prefix.
type checker struct {
	t       testing.TB
	sources map[string][]byte
	hashes  map[string][]string
}

func (c *checker) errorf(path, format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("sariftest: %s: %s", path, fmt.Sprintf(format, args...))
}

func (c *checker) log(l *sarifLog) {
	c.t.Helper()
	if l.Version != "2.1.0" {
		c.errorf("version", "got %q, want 2.1.0", l.Version)
	}
	if l.Schema == "" || !strings.HasSuffix(l.Schema, "2.1.0.json") {
		c.errorf("$schema", "got %q, want a URI ending in 2.1.0.json", l.Schema)
	}
	if len(l.Runs) != 1 {
		c.errorf("runs", "got %d runs, want exactly 1", len(l.Runs))
		return
	}
	c.run("runs[0]", &l.Runs[0])
}

func (c *checker) run(path string, r *run) {
	c.t.Helper()
	rules := c.rules(path+".tool.driver.rules", r.Tool.Driver.Rules)
	if !isArray(r.Results) {
		c.errorf(path+".results", "must be an array (use [] when clean), got %s", short(r.Results))
		return
	}
	var results []result
	if err := json.Unmarshal(r.Results, &results); err != nil {
		c.errorf(path+".results", "%v", err)
		return
	}
	if len(results) > maxResults {
		c.errorf(path+".results", "%d results, GitHub rejects more than %d", len(results), maxResults)
	}
	if len(results) > 0 && r.ColumnKind == "" {
		c.errorf(path+".columnKind", "must be set when there are results")
	}
	for i := range results {
		c.result(fmt.Sprintf("%s.results[%d]", path, i), &results[i], rules)
	}
	for i, inv := range r.Invocations {
		p := fmt.Sprintf("%s.invocations[%d]", path, i)
		if !isBool(inv.ExecutionSuccessful) {
			c.errorf(p+".executionSuccessful", "must be a boolean, got %s", short(inv.ExecutionSuccessful))
		}
		for j, n := range inv.ToolExecutionNotifications {
			if n.Message == nil || n.Message.Text == nil || strings.TrimSpace(*n.Message.Text) == "" {
				c.errorf(fmt.Sprintf("%s.toolExecutionNotifications[%d].message.text", p, j), "must be non-blank")
			}
		}
	}
}

func isArray(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) > 0 && bytes.TrimSpace(raw)[0] == '['
}

func isBool(raw json.RawMessage) bool {
	s := string(bytes.TrimSpace(raw))
	return s == "true" || s == "false"
}

func short(raw json.RawMessage) string {
	s := string(bytes.TrimSpace(raw))
	if s == "" {
		return "nothing"
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}
