// Package report writes located findings in one format per writer.
package report

// Finding is one located finding, ready to be written. Columns are 1-based
// Unicode code points; EndCol is exclusive. File is a slash-separated path
// relative to the working directory (the repository root in CI).
type Finding struct {
	RuleID    string `json:"rule_id"`
	Level     string `json:"level"` // error | warning | note
	Message   string `json:"message"`
	File      string `json:"file"`
	StartLine int    `json:"start_line"`
	StartCol  int    `json:"start_column"`
	EndLine   int    `json:"end_line"`
	EndCol    int    `json:"end_column"`
	// Identity is a stable key for the offending element (rule, file and the
	// element's model path), independent of line numbers and message text.
	Identity string `json:"identity"`
	// Related are extra locations (e.g. the `<<: *anchor` line a value came through).
	Related []Location `json:"related,omitempty"`
	// Suppression is set when an inline directive or baseline suppressed it.
	Suppression *Suppression `json:"suppression,omitempty"`
}

// Location is a region in a file, with the same conventions as Finding.
type Location struct {
	File      string `json:"file"`
	StartLine int    `json:"start_line"`
	StartCol  int    `json:"start_column"`
	EndLine   int    `json:"end_line"`
	EndCol    int    `json:"end_column"`
	Message   string `json:"message,omitempty"`
}

// Suppression records why a finding is not reported.
type Suppression struct {
	Kind          string `json:"kind"` // inSource | external
	Justification string `json:"justification"`
	// Location is where the suppression is written (the inline directive or
	// the baseline entry), when known. SARIF falls back to the finding's
	// own location, because go-sarif v2 cannot omit suppression.location.
	Location *Location `json:"location,omitempty"`
}

// Notification is a tool-level message (a file that could not be read, a
// policy error), reported in SARIF toolExecutionNotifications.
type Notification struct {
	Level   string `json:"level"`
	Message string `json:"message"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"column,omitempty"`
	// RuleID optionally names the rule or pseudo-rule (e.g. SWL000 for a
	// parse error) the notification is about; SARIF writes it as descriptor.id.
	RuleID string `json:"rule_id,omitempty"`
}
