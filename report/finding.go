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
	// Fixes are the ways to resolve the finding by editing files, as the
	// rule that owns the finding defines them (its Rego names the model
	// elements to edit; lint turns them into byte edits). Empty when the
	// rule offers none or the edit cannot be made safely here (the element
	// is reached through an anchor or merge key, or has no position).
	Fixes []Fix `json:"fixes,omitempty"`
}

// Fix is one way to resolve a finding: edits that are applied together or
// not at all. Safe fixes leave what `docker stack deploy` does unchanged,
// or turn a file Docker refuses into what its author evidently meant;
// unsafe ones change behaviour (a network's subnet, its encryption) and
// `swarmlint fix` applies them only with --unsafe.
type Fix struct {
	// Description says what the fix does, in the message style: lower-case,
	// no final period ("publish 11211/tcp in host mode").
	Description string `json:"description"`
	Safe        bool   `json:"safe"`
	// Edits never overlap one another; they are sorted by file and offset.
	Edits []Edit `json:"edits"`
}

// Edit replaces the bytes [StartOffset, EndOffset) of File with NewText;
// an insertion has StartOffset == EndOffset. File, lines and columns follow
// the Finding conventions (1-based, columns in code points, EndCol
// exclusive, for the same span as the offsets); offsets are 0-based byte
// offsets into the file as it was read (the bytes on disk, or standard
// input), so applying an edit needs no position arithmetic.
type Edit struct {
	File        string `json:"file"`
	StartLine   int    `json:"start_line"`
	StartCol    int    `json:"start_column"`
	EndLine     int    `json:"end_line"`
	EndCol      int    `json:"end_column"`
	StartOffset int    `json:"start_offset"`
	EndOffset   int    `json:"end_offset"`
	NewText     string `json:"new_text"`
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
