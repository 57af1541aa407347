package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/swarmlint/swarmlint/rules"
)

// JUnitWriter writes JUnit XML for CI test reports: one <testsuite> per file
// and, in it, one <testcase classname="file" name="SWL101 rule-name"> per
// enabled rule. A rule with unsuppressed findings in the file fails with
// <failure message=... type="level"> listing them as "line:col: level
// message"; otherwise it passes. Tool notifications become an <error> in a
// "tool-error" test case of their file's suite, or of a "swarmlint" suite
// when they name no file. Files, rules and findings are in a fixed order.
type JUnitWriter struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// Write writes r to w as an XML document.
func (JUnitWriter) Write(w io.Writer, r *Result) error {
	doc := junitSuites{Name: "swarmlint"}
	byFile := map[string][]Finding{}
	notes := map[string][]Notification{}
	for _, f := range sortedFindings(r.Findings) {
		if f.Suppression == nil {
			byFile[f.File] = append(byFile[f.File], f)
		}
	}
	for _, n := range r.Notifications {
		notes[n.File] = append(notes[n.File], n)
	}
	// Notifications without a file get a suite of their own, first, with
	// no rule test cases.
	if ns := notes[""]; len(ns) > 0 {
		doc.add(junitSuite{Name: "swarmlint", Errors: 1, Cases: []junitCase{
			{Classname: "swarmlint", Name: "tool-error", Error: notificationProblem(ns)}}})
	}
	for _, file := range junitFiles(r, notes) {
		s := junitSuite{Name: file, Cases: []junitCase{}}
		if ns := notes[file]; len(ns) > 0 {
			s.Cases = append(s.Cases, junitCase{Classname: file, Name: "tool-error", Error: notificationProblem(ns)})
			s.Errors++
		}
		for _, rule := range junitRules(r.Rules, byFile[file]) {
			c := junitCase{Classname: file, Name: strings.TrimSpace(rule.ID + " " + rule.Name)}
			if fs := findingsOf(byFile[file], rule.ID); len(fs) > 0 {
				c.Failure = findingProblem(fs)
				s.Failures++
			}
			s.Cases = append(s.Cases, c)
		}
		doc.add(s)
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, xml.Header+string(out)+"\n")
	return err
}

// add appends a suite and updates the totals.
func (d *junitSuites) add(s junitSuite) {
	s.Tests = len(s.Cases)
	d.Tests += s.Tests
	d.Failures += s.Failures
	d.Errors += s.Errors
	d.Suites = append(d.Suites, s)
}

// junitFiles is the sorted union of linted files, source files, files with
// findings and files with notifications.
func junitFiles(r *Result, notes map[string][]Notification) []string {
	set := map[string]bool{}
	for _, f := range r.Files {
		set[f] = true
	}
	for f := range r.Sources {
		set[f] = true
	}
	for _, f := range r.Findings {
		set[f.File] = true
	}
	for f := range notes {
		if f != "" {
			set[f] = true
		}
	}
	files := make([]string, 0, len(set))
	for f := range set {
		files = append(files, f)
	}
	slices.Sort(files)
	return files
}

// junitRules is the catalog in order, then any rule id that has findings in
// this file but is missing from the catalog, so no finding is lost.
func junitRules(catalog []rules.Rule, fs []Finding) []rules.Rule {
	known := ruleIndex(catalog)
	out := []rules.Rule{}
	seen := map[string]bool{}
	for _, r := range catalog {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	var extra []string
	for _, f := range fs {
		if _, ok := known[f.RuleID]; !ok && !seen[f.RuleID] {
			seen[f.RuleID] = true
			extra = append(extra, f.RuleID)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		out = append(out, rules.Rule{ID: id})
	}
	return out
}

func findingsOf(fs []Finding, id string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.RuleID == id {
			out = append(out, f)
		}
	}
	return out
}

// findingProblem describes a rule's findings in one file; its type is the
// most severe level among them.
func findingProblem(fs []Finding) *junitProblem {
	p := &junitProblem{Type: levelNote}
	var lines []string
	for _, f := range fs {
		if levelRank(f.Level) < levelRank(p.Type) {
			p.Type = normLevel(f.Level)
		}
		lines = append(lines, fmt.Sprintf("%d:%d: %s %s", f.StartLine, f.StartCol, normLevel(f.Level), f.Message))
	}
	p.Message = fs[0].Message
	if len(fs) > 1 {
		p.Message = fmt.Sprintf("%d findings", len(fs))
	}
	p.Body = "\n" + strings.Join(lines, "\n") + "\n"
	return p
}

func notificationProblem(ns []Notification) *junitProblem {
	p := &junitProblem{Type: "tool-error", Message: ns[0].Message}
	if len(ns) > 1 {
		p.Message = fmt.Sprintf("%d tool messages", len(ns))
	}
	var lines []string
	for _, n := range ns {
		lines = append(lines, fmt.Sprintf("%s: %s %s", notificationPos(n), notificationLevel(n.Level), n.Message))
	}
	p.Body = "\n" + strings.Join(lines, "\n") + "\n"
	return p
}
