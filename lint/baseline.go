package lint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/swarmlint/swarmlint/internal/safeio"
	"github.com/swarmlint/swarmlint/report"
)

// BaselineVersion is the version of the baseline format this build reads
// and writes.
const BaselineVersion = 1

// Baseline is a recorded set of accepted findings (--write-baseline FILE);
// a later run with --baseline FILE reports only findings not in it. Entries
// are keyed by rule, file and the finding's element identity — never by line
// number or message text — so edits that move lines or reword messages do
// not bring recorded findings back.
type Baseline struct {
	Version  int             `json:"version"`
	Tool     string          `json:"tool"`
	Findings []BaselineEntry `json:"findings"`

	// Path is where the baseline was read from or written to.
	Path string `json:"-"`
	// Matched and Stale are set by Apply: findings it suppressed, and
	// entries that matched no finding (fixed since the baseline was written).
	Matched, Stale int `json:"-"`
}

// BaselineEntry is one recorded finding. Fingerprint is the hex SHA-256 of
// the finding's Identity, the same value SARIF output carries as the
// partial fingerprint swarmlint/v1.
type BaselineEntry struct {
	Rule        string `json:"rule"`
	File        string `json:"file"`
	Fingerprint string `json:"fingerprint"`
}

// Fingerprint is the baseline key of f: the SHA-256 of its Identity (which
// holds rule, file and the element's model path). A finding without an
// identity falls back to rule, file and message.
func Fingerprint(f report.Finding) string {
	id := f.Identity
	if id == "" {
		id = f.RuleID + "\x00" + f.File + "\x00" + f.Message
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

func entryOf(f report.Finding) BaselineEntry {
	return BaselineEntry{Rule: f.RuleID, File: f.File, Fingerprint: Fingerprint(f)}
}

// NewBaseline records every finding that nothing suppresses yet (inline
// directives and configuration ignores keep their own reasons), sorted by
// file, rule and fingerprint so the file diffs well.
func NewBaseline(fs []report.Finding) *Baseline {
	b := &Baseline{Version: BaselineVersion, Tool: "swarmlint", Findings: []BaselineEntry{}}
	for _, f := range fs {
		if f.Suppression == nil {
			b.Findings = append(b.Findings, entryOf(f))
		}
	}
	b.sort()
	return b
}

func (b *Baseline) sort() {
	sort.Slice(b.Findings, func(i, j int) bool {
		x, y := b.Findings[i], b.Findings[j]
		if x.File != y.File {
			return x.File < y.File
		}
		if x.Rule != y.Rule {
			return x.Rule < y.Rule
		}
		return x.Fingerprint < y.Fingerprint
	})
}

// KeepUnchecked adds to b the entries of old whose file the run did not
// check (checked reports false), so that a baseline written by a run over
// some of the files (pre-commit passes only the staged ones; --changed)
// keeps the other files' entries instead of dropping them. It returns how
// many entries it kept.
func (b *Baseline) KeepUnchecked(old *Baseline, checked func(file string) bool) int {
	if old == nil {
		return 0
	}
	kept := 0
	for _, e := range old.Findings {
		if !checked(e.File) {
			b.Findings = append(b.Findings, e)
			kept++
		}
	}
	b.sort()
	return kept
}

// ReadBaseline reads a baseline file written by WriteFile.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := safeio.ReadFile(path, safeio.MaxBaselineSize)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %s", path, safeio.Reason(err))
	}
	return ParseBaseline(path, data)
}

// ParseBaseline decodes a baseline; errors name the file and, for JSON
// syntax errors, the line.
func ParseBaseline(path string, data []byte) (*Baseline, error) {
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n")) + 1
			return nil, fmt.Errorf("%s:%d: invalid baseline: %w", path, line, err)
		}
		return nil, fmt.Errorf("%s: invalid baseline: %w", path, err)
	}
	if off := dec.InputOffset(); len(bytes.TrimSpace(data[off:])) > 0 {
		// a second value or junk after the object: refuse it rather than
		// read half a file (two baselines pasted together, a bad merge)
		at := off + int64(len(data[off:])-len(bytes.TrimLeft(data[off:], " \t\r\n")))
		line := bytes.Count(data[:at], []byte("\n")) + 1
		col := int(at) - bytes.LastIndexByte(data[:at], '\n')
		return nil, fmt.Errorf("%s:%d:%d: invalid baseline: unexpected text after the JSON object", path, line, col)
	}
	if b.Version != BaselineVersion {
		return nil, fmt.Errorf("%s: baseline version %d is not supported (want %d); write it again with --write-baseline", path, b.Version, BaselineVersion)
	}
	for i, e := range b.Findings {
		if e.Rule == "" || e.File == "" || e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: baseline entry %d needs rule, file and fingerprint", path, i+1)
		}
	}
	b.Path = path
	return &b, nil
}

// Write writes the baseline as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}

// WriteFile writes the baseline to path, replacing any existing file
// atomically (a failure leaves the old one whole; a symbolic link at path is
// replaced, never written through), and remembers path.
func (b *Baseline) WriteFile(path string) error {
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		return err
	}
	if err := safeio.RepoRoot(".").WriteFile(path, buf.Bytes()); err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	b.Path = path
	return nil
}

// Apply marks every unsuppressed finding that has an entry as suppressed
// (kind external). Entries are counted: two equal findings need two entries.
// It sets b.Matched and b.Stale and returns b.Matched. checked says which
// files the run linted (nil: all of them): an entry of a file the run did
// not lint (pre-commit passes only the staged files) is not stale.
func (b *Baseline) Apply(fs []report.Finding, checked func(file string) bool) int {
	left := map[BaselineEntry]int{}
	for _, e := range b.Findings {
		left[e]++
	}
	just := "Recorded in the swarmlint baseline."
	if b.Path != "" {
		just = fmt.Sprintf("Recorded in the swarmlint baseline %s.", b.Path)
	}
	b.Matched = 0
	for i := range fs {
		f := &fs[i]
		if f.Suppression != nil {
			continue
		}
		e := entryOf(*f)
		if left[e] == 0 {
			continue
		}
		left[e]--
		b.Matched++
		f.Suppression = &report.Suppression{Kind: "external", Justification: just}
	}
	b.Stale = 0
	for e, n := range left {
		if checked == nil || checked(e.File) {
			b.Stale += n
		}
	}
	return b.Matched
}
