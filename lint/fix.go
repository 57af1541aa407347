package lint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// noFixes leaves the fixes out of findings: BenchmarkFixes sets it to
// measure what building them costs.
var noFixes = false

// fixesOf turns the fixes a rule returned into byte edits. A fix whose
// edits cannot be made (see analyzer.Analysis.Edits) is left out: the
// finding is still reported, without it.
func fixesOf(a *analyzer.Analysis, raw []rules.RawFix, subnets *subnetChoices) []report.Fix {
	var out []report.Fix
	for _, rf := range raw {
		desc := rf.Description
		reqs := make([]analyzer.EditRequest, 0, len(rf.Edits))
		ok := true
		for _, e := range rf.Edits {
			req := analyzer.EditRequest{Op: e.Op, Ref: analyzer.RefFromMap(e.Ref), Sub: e.Sub, Value: e.Value, Text: e.Text}
			if e.Op == "subnet" {
				pfx, found := subnets.choose(a.Model, e.Network, e.PrefixLength)
				if !found {
					ok = false
					break
				}
				req.Op, req.Value = "set", withSubnet(e.Value, pfx.String())
				desc = strings.ReplaceAll(desc, "{subnet}", pfx.String())
			}
			reqs = append(reqs, req)
		}
		if !ok {
			continue
		}
		edits, err := a.Edits(reqs)
		if err != nil {
			continue
		}
		fx := report.Fix{Description: desc, Safe: rf.Safe, Edits: make([]report.Edit, 0, len(edits))}
		for _, e := range edits {
			fx.Edits = append(fx.Edits, report.Edit{File: DisplayPath(e.File), StartLine: e.StartLine, StartCol: e.StartCol,
				EndLine: e.EndLine, EndCol: e.EndCol, StartOffset: e.Start, EndOffset: e.End, NewText: e.NewText})
		}
		out = append(out, fx)
	}
	return out
}

// withSubnet is the value of a subnet edit: the subnet chosen, or the
// rule's template with "{subnet}" in its strings replaced by it.
func withSubnet(tmpl any, subnet string) any {
	switch v := tmpl.(type) {
	case nil:
		return subnet
	case string:
		return strings.ReplaceAll(v, "{subnet}", subnet)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = withSubnet(x, subnet)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = withSubnet(x, subnet)
		}
		return out
	}
	return tmpl
}

// subnetChoices are the subnets the fixes of one evaluation give networks:
// two findings about one network offer the same subnet, two networks get
// different ones.
type subnetChoices struct {
	byNetwork map[string]netip.Prefix
	taken     []netip.Prefix
}

func (c *subnetChoices) choose(m *analyzer.Model, id string, bits int) (netip.Prefix, bool) {
	key := fmt.Sprintf("%s/%d", id, bits)
	if p, ok := c.byNetwork[key]; ok {
		return p, true
	}
	p, ok := m.FreeSubnet(id, bits, c.taken)
	if !ok {
		return p, false
	}
	if c.byNetwork == nil {
		c.byNetwork = map[string]netip.Prefix{}
	}
	c.byNetwork[key] = p
	c.taken = append(c.taken, p)
	return p, true
}

// Applied is what ApplyFixes did to one file.
type Applied struct {
	// Fixes are the fixes applied, in the order given.
	Fixes []report.Fix
	// Skipped are the fixes left out because one of their edits overlaps
	// an edit of a fix applied before them (in the order given).
	Skipped []report.Fix
}

// ApplyFixes applies to src, the bytes of file as read, the edits the
// fixes make in it, fix by fix in the order given: a fix whose edit in
// file overlaps an edit of a fix already taken is skipped whole (also its
// edits in other files; the caller applies the same list to every file
// and gets the same choice). Two fixes with identical edits (one problem
// found twice) count as one. Edits of other files are ignored.
func ApplyFixes(src []byte, file string, fixes []report.Fix) ([]byte, Applied, error) {
	type span struct{ start, end int }
	var taken []span
	var edits []report.Edit
	var res Applied
	seen := map[string]bool{}
	overlaps := func(e report.Edit) bool {
		for _, t := range taken {
			if e.StartOffset < t.end && t.start < e.EndOffset || e.StartOffset == t.start && e.EndOffset == t.end ||
				e.StartOffset == e.EndOffset && e.StartOffset == t.start || t.start == t.end && t.start == e.StartOffset {
				return true
			}
		}
		return false
	}
	for _, fx := range fixes {
		key := fixKey(fx)
		if seen[key] {
			continue
		}
		mine := []report.Edit{}
		clash := false
		for _, e := range fx.Edits {
			if e.File != file {
				continue
			}
			if e.StartOffset < 0 || e.EndOffset < e.StartOffset || e.EndOffset > len(src) {
				return nil, Applied{}, fmt.Errorf("%s: a fix edits bytes %d-%d of a file of %d bytes: the file changed since it was linted", file, e.StartOffset, e.EndOffset, len(src))
			}
			clash = clash || overlaps(e)
			mine = append(mine, e)
		}
		if len(mine) == 0 {
			continue
		}
		if clash {
			res.Skipped = append(res.Skipped, fx)
			continue
		}
		seen[key] = true
		for _, e := range mine {
			taken = append(taken, span{e.StartOffset, e.EndOffset})
		}
		edits = append(edits, mine...)
		res.Fixes = append(res.Fixes, fx)
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].StartOffset < edits[j].StartOffset })
	var b strings.Builder
	at := 0
	for _, e := range edits {
		b.Write(src[at:e.StartOffset])
		b.WriteString(e.NewText)
		at = e.EndOffset
	}
	b.Write(src[at:])
	return []byte(b.String()), res, nil
}

// fixKey identifies a fix by its edits.
func fixKey(fx report.Fix) string {
	var b strings.Builder
	for _, e := range fx.Edits {
		fmt.Fprintf(&b, "%s|%d|%d|%q;", e.File, e.StartOffset, e.EndOffset, e.NewText)
	}
	return b.String()
}

// FixOptions say which fixes FixRun applies.
type FixOptions struct {
	// Unsafe also applies fixes that change behaviour.
	Unsafe bool
	// Rounds bounds how often FixRun lints again (default 5).
	Rounds int
}

// FixedFile is one file FixRun changed.
type FixedFile struct {
	Name     string // display path, as in findings
	Original []byte // as read
	Fixed    []byte
}

// AppliedFix is one fix FixRun applied and the finding it resolves.
type AppliedFix struct {
	Finding report.Finding
	Fix     report.Fix
}

// FixResult is what FixRun did.
type FixResult struct {
	// Files are the files whose bytes changed, sorted by name.
	Files []FixedFile
	// Applied are the fixes applied, round by round.
	Applied []AppliedFix
	// Before is the lint of the files as read, After the lint of the fixed
	// files (Before when nothing changed).
	Before, After *report.Result
}

// Eligible is the fix FixRun applies for a finding: its first safe fix, or
// with unsafe its first fix. Suppressed findings have none.
func Eligible(f report.Finding, unsafe bool) (report.Fix, bool) {
	if f.Suppression != nil {
		return report.Fix{}, false
	}
	for _, c := range f.Fixes {
		if c.Safe || unsafe {
			return c, true
		}
	}
	return report.Fix{}, false
}

// FixRun lints cfg with eng, applies the eligible fixes in memory, and
// lints again (through cfg.Overlay), until a round applies nothing or
// opts.Rounds rounds have run: a fix that overlaps another waits for the
// next round, and a problem written in two files of a stack is fixed in
// one per round. Nothing is written to disk; read reads a file the first
// time a fix edits it (nil: ReadInput), which must give the bytes lint
// read. A run error (an input that does not load, a rule error) is
// returned with the result so far.
func FixRun(ctx context.Context, eng *rules.Engine, cfg Config, opts FixOptions, read func(string) ([]byte, error)) (*FixResult, error) {
	if opts.Rounds <= 0 {
		opts.Rounds = 5
	}
	if read == nil {
		read = func(name string) ([]byte, error) { return analyzer.ReadInput(name, analyzer.MaxStackFileSize) }
	}
	base := cfg.Overlay
	files := map[string]*FixedFile{}
	for name, src := range base {
		files[DisplayPath(name)] = &FixedFile{Name: DisplayPath(name), Original: src, Fixed: src}
	}
	lintNow := func() (*report.Result, error) {
		c := cfg
		c.Overlay = map[string][]byte{}
		for k, v := range base {
			c.Overlay[k] = v
		}
		for n, f := range files {
			c.Overlay[n] = f.Fixed
		}
		if c.Baseline != nil {
			b := *c.Baseline
			c.Baseline = &b
		}
		res, _, err := RunWith(ctx, eng, c)
		if err == nil && !res.Successful {
			for _, n := range res.Notifications {
				if n.Level == "error" {
					err = errors.New(n.Message)
					break
				}
			}
		}
		return res, err
	}
	out := &FixResult{}
	res, err := lintNow()
	out.Before, out.After = res, res
	if err != nil {
		return out, err
	}
	for round := 0; round < opts.Rounds; round++ {
		var fixes []report.Fix
		var owners []report.Finding
		for _, f := range res.Findings {
			if c, ok := Eligible(f, opts.Unsafe); ok {
				fixes, owners = append(fixes, c), append(owners, f)
			}
		}
		if len(fixes) == 0 {
			break
		}
		var names []string
		for _, c := range fixes {
			for _, e := range c.Edits {
				if !slices.Contains(names, e.File) {
					names = append(names, e.File)
				}
			}
		}
		sort.Strings(names)
		// A fix that edits several files is applied only when every one of
		// them takes it: a first pass finds the fixes some file skips.
		skipped := map[string]bool{}
		for _, n := range names {
			if files[n] == nil {
				src, err := read(n)
				if err != nil {
					return out, err
				}
				files[n] = &FixedFile{Name: n, Original: src, Fixed: src}
			}
			_, ap, err := ApplyFixes(files[n].Fixed, n, fixes)
			if err != nil {
				return out, err
			}
			for _, s := range ap.Skipped {
				skipped[fixKey(s)] = true
			}
		}
		var kept []report.Fix
		var keptOwners []report.Finding
		for i, c := range fixes {
			if !skipped[fixKey(c)] {
				kept, keptOwners = append(kept, c), append(keptOwners, owners[i])
			}
		}
		done := map[string]bool{}
		moved := false
		for _, n := range names {
			fixed, ap, err := ApplyFixes(files[n].Fixed, n, kept)
			if err != nil {
				return out, err
			}
			moved = moved || !bytes.Equal(fixed, files[n].Fixed)
			files[n].Fixed = fixed
			for _, a := range ap.Fixes {
				done[fixKey(a)] = true
			}
		}
		applied := 0
		for i, c := range kept {
			// Findings that share a fix (a port range reported per port)
			// are each resolved by it.
			if done[fixKey(c)] {
				out.Applied = append(out.Applied, AppliedFix{Finding: keptOwners[i], Fix: c})
				applied++
			}
		}
		if applied == 0 || !moved {
			break // nothing applies, or the fixes change no byte: no progress
		}
		if res, err = lintNow(); err != nil {
			return out, fmt.Errorf("linting the fixed files: %w", err)
		}
		out.After = res
	}
	for _, f := range files {
		if !bytes.Equal(f.Original, f.Fixed) {
			out.Files = append(out.Files, *f)
		}
	}
	sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].Name < out.Files[j].Name })
	return out, nil
}
