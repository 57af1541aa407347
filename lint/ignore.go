package lint

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/swarmlint/swarmlint/internal/lazyre"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// Ids of the rules about swarmlint's own suppression directives. They are
// checked in Go, not in Rego, so they are not part of the policy catalog:
// the 9xx range lies outside the six rule categories (0xx–5xx), which the
// catalog enforces for every built-in policy and forbids (prefix SWL) for
// custom ones, so these ids can never collide with a catalog rule.
// Ids of the checks on ignore directives (rules.DirectiveRules).
const (
	IgnoreWithoutReasonID = rules.IgnoreWithoutReasonID
	UnusedIgnoreID        = rules.UnusedIgnoreID
)

// ReasonPlaceholder is the reason an editor inserts with a suppression
// (swarmlint lsp's "ignore on this line"), selected for typing over; left
// as it is, it is no reason.
const ReasonPlaceholder = "<reason>"

// Directive is one `# swarmlint:ignore IDS REASON` or
// `# swarmlint:ignore-file IDS REASON` comment.
type Directive struct {
	File string // display path
	// Line is where the comment is; Col and EndCol (exclusive) span it in
	// Unicode code points, like Finding columns.
	Line, Col, EndCol int
	// FileWide is true for swarmlint:ignore-file.
	FileWide bool
	// IDs are the rule ids, upper-cased, in written order.
	IDs    []string
	Reason string
	// Target..TargetEnd are the lines a swarmlint:ignore applies to: its
	// own line for a trailing comment, the next line that is not a comment
	// for a comment-only line; a command continued with a trailing
	// backslash (shell) counts as one line.
	Target, TargetEnd int
	// Trailing is true when the comment follows content on its line.
	Trailing bool
	// Misplaced is true for a swarmlint:ignore-file after the first key or
	// command: it applies to nothing.
	Misplaced bool
}

// Text is the directive as written, without the reason.
func (d Directive) Text() string {
	kw := "swarmlint:ignore"
	if d.FileWide {
		kw += "-file"
	}
	if len(d.IDs) == 0 {
		return kw
	}
	return kw + " " + strings.Join(d.IDs, ",")
}

// covers reports whether a line directive applies to finding f: the finding
// names one of its rules and its region includes the target line.
func (d Directive) covers(f report.Finding) bool {
	if d.Misplaced || f.File != d.File || !slices.Contains(d.IDs, strings.ToUpper(f.RuleID)) {
		return false
	}
	if d.FileWide {
		return true
	}
	return f.StartLine <= d.TargetEnd && d.Target <= max(f.EndLine, f.StartLine)
}

// where says which lines a line directive applies to, for messages.
func (d Directive) where() string {
	if d.TargetEnd > d.Target {
		return fmt.Sprintf("on lines %d-%d", d.Target, d.TargetEnd)
	}
	return fmt.Sprintf("on line %d", d.Target)
}

var (
	directiveRe = lazyre.New(`^swarmlint:(ignore(?:-file)?)(?:\s+|$)`)
	idListRe    = lazyre.New(`^[A-Za-z][A-Za-z0-9]*[0-9]{3}(?:\s*,\s*[A-Za-z][A-Za-z0-9]*[0-9]{3})*`)
)

// ParseDirectives finds every suppression directive in a text file: a stack
// file, a shell script or any other file whose comments start with `#`.
// A `#` starts a comment at the start of a line or after white space,
// outside single and double quotes; inside a comment, a further ` #` starts
// another one, so `# want: SWL902 # swarmlint:ignore ...` holds a directive.
// Lines inside YAML block scalars and heredocs are not told apart from
// comments.
func ParseDirectives(file string, src []byte) []Directive {
	lines := strings.Split(string(src), "\n")
	kinds := make([]lineKind, len(lines))
	var out []Directive
	header := true // no key or command seen yet
	for i, raw := range lines {
		line := strings.TrimSuffix(raw, "\r")
		comment := commentStart(line)
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			kinds[i] = blankLine
		case comment >= 0 && strings.TrimSpace(line[:comment]) == "":
			kinds[i] = commentLine
		default:
			kinds[i] = contentLine
		}
		if comment >= 0 {
			for _, seg := range commentSegments(line, comment) {
				d, ok := parseDirective(line, seg)
				if !ok {
					continue
				}
				d.File, d.Line = file, i+1
				d.Trailing = kinds[i] == contentLine
				if d.FileWide {
					d.Misplaced = !header || d.Trailing
				} else if d.Trailing {
					d.Target = d.Line
				}
				out = append(out, d)
			}
		}
		if kinds[i] == contentLine && !isDocumentMarker(trimmed) {
			header = false
		}
	}
	continued := func(n int) bool { // line n (1-based) ends with a continuation backslash
		if n < 1 || n > len(lines) {
			return false
		}
		l := strings.TrimSuffix(lines[n-1], "\r")
		return strings.HasSuffix(l, "\\") && commentStart(l) < 0
	}
	for i := range out {
		d := &out[i]
		if d.FileWide {
			continue
		}
		if !d.Trailing {
			d.Target = len(lines) + 1 // past the end: applies to nothing
			for j := d.Line; j < len(lines); j++ {
				if kinds[j] != commentLine {
					d.Target = j + 1
					break
				}
			}
		}
		d.TargetEnd = d.Target
		for continued(d.Target - 1) {
			d.Target--
		}
		for continued(d.TargetEnd) {
			d.TargetEnd++
		}
	}
	return out
}

type lineKind int

const (
	blankLine lineKind = iota
	commentLine
	contentLine
)

// isDocumentMarker reports YAML lines that may come before the first key:
// the document start marker and %YAML / %TAG directives.
func isDocumentMarker(trimmed string) bool {
	return trimmed == "---" || strings.HasPrefix(trimmed, "--- #") || strings.HasPrefix(trimmed, "%")
}

// commentStart returns the byte offset of the `#` that starts the comment on
// line, or -1. Quotes are tracked on the line only: a quote opens a string
// when it starts a token (after white space or one of `:[{,-=(`), so the
// apostrophe in `don't` does not.
func commentStart(line string) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == '"':
			if c == '\\' {
				i++
			} else if c == '"' {
				quote = 0
			}
		case quote == '\'':
			if c == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
				} else {
					quote = 0
				}
			}
		case c == '#':
			if i == 0 || line[i-1] == ' ' || line[i-1] == '\t' {
				return i
			}
		case c == '"' || c == '\'':
			if i == 0 || strings.IndexByte(" \t:[{,-=(", line[i-1]) >= 0 {
				quote = c
			}
		}
	}
	return -1
}

// segment is the byte range [start, end) of one `#...` part of a comment.
type segment struct{ start, end int }

// commentSegments splits the comment starting at byte from into parts, each
// beginning with a `#` at the comment start or after white space.
func commentSegments(line string, from int) []segment {
	var segs []segment
	start := from
	for i := from + 1; i < len(line); i++ {
		if line[i] == '#' && (line[i-1] == ' ' || line[i-1] == '\t') {
			segs = append(segs, segment{start, i})
			start = i
		}
	}
	return append(segs, segment{start, len(line)})
}

// parseDirective reads a directive from one comment segment.
func parseDirective(line string, seg segment) (Directive, bool) {
	body := strings.TrimLeft(line[seg.start+1:seg.end], "# \t")
	m := directiveRe().FindStringSubmatch(body)
	if m == nil {
		return Directive{}, false
	}
	d := Directive{FileWide: m[1] == "ignore-file"}
	rest := body[len(m[0]):]
	if ids := idListRe().FindString(rest); ids != "" {
		for _, id := range strings.Split(ids, ",") {
			if id = strings.ToUpper(strings.TrimSpace(id)); !slices.Contains(d.IDs, id) {
				d.IDs = append(d.IDs, id)
			}
		}
		rest = rest[len(ids):]
	}
	d.Reason = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(rest), ":-–—"))
	end := len(strings.TrimRight(line[:seg.end], " \t"))
	d.Col = utf8.RuneCountInString(line[:seg.start]) + 1
	d.EndCol = utf8.RuneCountInString(line[:end]) + 1
	return d, true
}

// applyDirectives marks the findings that inline directives suppress (kind
// inSource, with the directive's reason) and adds SWL901/SWL902 findings for
// directives without a reason or that suppress nothing. files holds every
// linted file by display path; catalog is every known rule; res.Rules are the
// rules that ran. A rule that did not run cannot make a directive unused.
func applyDirectives(res *report.Result, files map[string][]byte, catalog []rules.Rule) {
	known, ran := map[string]bool{}, map[string]rules.Rule{}
	for _, r := range catalog {
		known[strings.ToUpper(r.ID)] = true
	}
	for _, r := range res.Rules {
		ran[strings.ToUpper(r.ID)] = r
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var extra []report.Finding
	for _, file := range names {
		var problems []report.Finding
		identities := map[string]int{}
		flag := func(ruleID, key, msg string, d Directive) {
			r, on := ran[ruleID]
			if !on {
				return
			}
			id := ruleID + ":" + file + ":directive:" + key
			identities[id]++
			problems = append(problems, report.Finding{RuleID: ruleID, Level: r.Severity, Message: msg, File: file,
				StartLine: d.Line, StartCol: d.Col, EndLine: d.Line, EndCol: d.EndCol,
				Identity: fmt.Sprintf("%s#%d", id, identities[id])})
		}
		for _, d := range ParseDirectives(file, files[file]) {
			key := d.Text()
			if len(d.IDs) == 0 {
				flag(IgnoreWithoutReasonID, key, fmt.Sprintf("%s names no rule id; write '# %s SWL123 reason'", d.Text(), d.Text()), d)
				continue
			}
			if d.Reason == "" {
				flag(IgnoreWithoutReasonID, key, fmt.Sprintf("%s has no reason, so it is not honoured; write the reason after the rule ids", d.Text()), d)
				continue
			}
			if d.Reason == ReasonPlaceholder {
				flag(IgnoreWithoutReasonID, key, fmt.Sprintf("%s still has the placeholder %s as its reason, so it is not honoured; write why the finding does not apply", d.Text(), ReasonPlaceholder), d)
				continue
			}
			if d.Misplaced {
				flag(UnusedIgnoreID, key, fmt.Sprintf("%s must come before the first YAML key or command of the file; here it suppresses nothing", d.Text()), d)
				continue
			}
			used := map[string]bool{}
			for i := range res.Findings {
				f := &res.Findings[i]
				if isDirectiveRule(f.RuleID) || !d.covers(*f) {
					continue
				}
				used[strings.ToUpper(f.RuleID)] = true
				if f.Suppression == nil {
					f.Suppression = &report.Suppression{Kind: "inSource", Justification: d.Reason,
						Location: &report.Location{File: file, StartLine: d.Line, StartCol: d.Col, EndLine: d.Line, EndCol: d.EndCol}}
				}
			}
			var unknown, idle []string
			for _, id := range d.IDs {
				switch _, on := ran[id]; {
				case used[id]:
				case !known[id] && !isDirectiveRule(id):
					unknown = append(unknown, id)
				case on:
					idle = append(idle, id)
				}
			}
			if len(unknown)+len(idle) == 0 {
				continue
			}
			var why []string
			if len(idle) > 0 {
				where := d.where()
				if d.FileWide {
					where = "in this file"
				} else if !d.Trailing {
					where += ", where it applies"
				}
				why = append(why, fmt.Sprintf("no %s finding %s", strings.Join(idle, " or "), where))
			}
			if len(unknown) > 0 {
				why = append(why, fmt.Sprintf("%s is not a rule ('swarmlint rules' lists them)", strings.Join(unknown, ", ")))
			}
			subject := d.Text()
			if len(used) > 0 {
				subject += ": " + strings.Join(append(idle, unknown...), ",")
			}
			flag(UnusedIgnoreID, key, fmt.Sprintf("%s suppresses nothing: %s", subject, strings.Join(why, "; ")), d)
		}
		extra = append(extra, problems...)
	}
	res.Findings = append(res.Findings, extra...)
	for _, f := range extra {
		if _, ok := res.Sources[f.File]; !ok {
			res.Sources[f.File] = files[f.File]
		}
	}
}

func isDirectiveRule(id string) bool {
	id = strings.ToUpper(id)
	return id == IgnoreWithoutReasonID || id == UnusedIgnoreID
}
