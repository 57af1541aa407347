package report

import (
	"cmp"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/swarmlint/swarmlint/internal/safeio"
	"github.com/swarmlint/swarmlint/rules"
)

// Level names used by every writer.
const (
	levelError   = rules.SeverityError
	levelWarning = rules.SeverityWarning
	levelNote    = rules.SeverityNote
)

// normLevel maps a finding or rule level onto error, warning or note; an
// unknown value becomes warning, SARIF's default level.
func normLevel(s string) string {
	switch s {
	case levelError, levelWarning, levelNote:
		return s
	}
	return levelWarning
}

// levelRank orders levels from most to least severe.
func levelRank(s string) int {
	switch normLevel(s) {
	case levelError:
		return 0
	case levelWarning:
		return 1
	}
	return 2
}

// sortedFindings returns a copy of fs in the documented order (file, line,
// column, rule) with further tie-breakers, so output never depends on the
// caller having sorted.
func sortedFindings(fs []Finding) []Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.StartLine, b.StartLine),
			cmp.Compare(a.StartCol, b.StartCol),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.EndLine, b.EndLine),
			cmp.Compare(a.EndCol, b.EndCol),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Identity, b.Identity),
		)
	})
	return out
}

// tally counts findings by level; suppressed findings are counted apart.
type tally struct {
	errors, warnings, notes, suppressed int
	files                               int
	// fixable counts unsuppressed findings with a safe fix, unsafeFixable
	// those whose fixes are all unsafe.
	fixable, unsafeFixable int
}

func countFindings(fs []Finding) tally {
	var t tally
	files := map[string]bool{}
	for _, f := range fs {
		if f.Suppression != nil {
			t.suppressed++
			continue
		}
		files[f.File] = true
		switch {
		case slices.ContainsFunc(f.Fixes, func(x Fix) bool { return x.Safe }):
			t.fixable++
		case len(f.Fixes) > 0:
			t.unsafeFixable++
		}
		switch normLevel(f.Level) {
		case levelError:
			t.errors++
		case levelWarning:
			t.warnings++
		default:
			t.notes++
		}
	}
	t.files = len(files)
	return t
}

func (t tally) total() int { return t.errors + t.warnings + t.notes }

// plural formats n with the singular or plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// ruleIndex maps rule ids to their catalog entries.
func ruleIndex(rs []rules.Rule) map[string]rules.Rule {
	m := make(map[string]rules.Rule, len(rs))
	for _, r := range rs {
		if _, dup := m[r.ID]; !dup {
			m[r.ID] = r
		}
	}
	return m
}

// withPeriod trims trailing space and makes s end with a period, as SARIF
// and GitHub expect of message text.
func withPeriod(s string) string {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// printable replaces control characters (other than tab) by U+FFFD so that
// input text cannot inject terminal escapes or break line-based formats. It
// keeps one rune per rune, so code-point columns stay valid.
func printable(s string) string { return safeio.Printable(s) }

// encodeJSON writes v as indented JSON without HTML escaping and with a final
// newline. A failure writes nothing: json.Encoder renders the whole value
// into memory and writes it with one Write (an extra buffer here copied the
// whole report once more, a SARIF log of 30 services is 380 kB).
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
