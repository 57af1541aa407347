package report

import (
	"io"

	"github.com/swarmlint/swarmlint/rules"
)

// Result is everything a writer needs: the enabled rules (catalog order),
// the findings sorted by file, line, column and rule, and the source bytes
// of every file findings point into (for code frames and fingerprints).
type Result struct {
	ToolVersion   string
	Rules         []rules.Rule
	Findings      []Finding
	Notifications []Notification
	Sources       map[string][]byte
	// Category sets SARIF automationDetails.id when non-empty.
	Category string
	// DocsBaseURL is the base for rule help URIs: DocsBaseURL + "/" + ID + ".md".
	DocsBaseURL string
	// RuleHelp maps a rule id to its Markdown help page (may be empty).
	RuleHelp map[string]string
	// Successful is false when a tool error occurred.
	Successful bool
	// Files optionally lists every linted file (slash-separated, relative),
	// including clean ones. JUnit writes one test suite per file in the union
	// of Files, the Sources keys and the files findings point into.
	Files []string
	// Checked lists the files the run checked (slash-separated, relative,
	// sorted): its inputs, or only the focus files of --changed. No writer
	// prints it; a baseline written from the run keeps the entries of the
	// other files.
	Checked []string
}

// Writer writes a Result in one format.
type Writer interface {
	Write(w io.Writer, r *Result) error
}

// WriterFunc adapts a function to a Writer.
type WriterFunc func(w io.Writer, r *Result) error

// Write calls f.
func (f WriterFunc) Write(w io.Writer, r *Result) error { return f(w, r) }
