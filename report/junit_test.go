package report_test

import (
	"encoding/xml"
	"testing"

	"github.com/swarmlint/swarmlint/report"
)

type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Type string `xml:"type,attr"`
				Body string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnit(t *testing.T) {
	var doc junitDoc
	if err := xml.Unmarshal(render(t, report.JUnitWriter{}, sampleResult()), &doc); err != nil {
		t.Fatal(err)
	}
	nrules := len(catalog())
	if len(doc.Suites) != 2 || doc.Tests != 2*nrules {
		t.Fatalf("got %d suites and %d tests, want 2 files × %d rules", len(doc.Suites), doc.Tests, nrules)
	}
	// deploy/stack.yml: SWL001, SWL003, SWL101, SWL201, SWL002 fail; my dir/stack file.yml: SWL002.
	if doc.Failures != 6 {
		t.Errorf("failures = %d, want 6", doc.Failures)
	}
	c := doc.Suites[0].Cases[1]
	if c.Classname != "deploy/stack.yml" || c.Name != "SWL001 privileged-service" || c.Failure == nil || c.Failure.Type != "error" {
		t.Errorf("case = %+v", c)
	}
}

func TestJUnitCleanFilesPass(t *testing.T) {
	var doc junitDoc
	if err := xml.Unmarshal(render(t, report.JUnitWriter{}, cleanResult()), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suites) != 1 || doc.Tests != len(catalog()) || doc.Failures != 0 {
		t.Errorf("got %+v", doc)
	}
}
