package lsp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// A job is one lint the worker runs.
type jobKind int

const (
	// jobWorkspace lints the configured swarms (`swarmlint` without files).
	jobWorkspace jobKind = iota
	// jobDocument lints an open buffer's swarm(s) (`swarmlint FILE`).
	jobDocument
	// jobClosed follows the close of a buffer.
	jobClosed
)

type job struct {
	kind      jobKind
	uri, path string
}

// An origin is the last lint of one swarm: its diagnostics by file, and
// who asked for it (open documents by URI, "" for the configured swarms).
// A file's diagnostics are those of every origin that has the file, so a
// file of two swarms shows the findings of both, and the diagnostics of a
// swarm nobody asks for any more are cleared.
type origin struct {
	producers map[string]bool
	inputs    map[string]bool // absolute paths of the swarm's stack files and scripts
	files     map[string]*fileResult
	notes     string // tool messages already logged
}

// fileResult is one file's findings in one lint, with the text they were
// found in (positions and fix offsets refer to it).
type fileResult struct {
	text    string
	lines   *text // text split into lines, made on first use
	entries []entry
}

// split returns the file's text split into lines.
func (fr *fileResult) split() *text {
	if fr.lines == nil {
		fr.lines = newText(fr.text)
	}
	return fr.lines
}

// entry is one published diagnostic and the finding behind it (nil for a
// tool message shown as a diagnostic).
type entry struct {
	diag    protocol.Diagnostic
	finding *report.Finding
}

// result is one swarm of one lint.
type result struct {
	key    string
	inputs map[string]bool
	files  map[string]*fileResult
	notes  []string
}

func (s *Server) enqueue(j job) {
	s.mu.Lock()
	if s.stopped() {
		s.mu.Unlock()
		return
	}
	for _, q := range s.queue {
		if q == j {
			s.mu.Unlock()
			return
		}
	}
	s.queue = append(s.queue, j)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Server) stopped() bool {
	select {
	case <-s.quit:
		return true
	default:
		return false
	}
}

// stop ends the worker after its current job (shutdown, or the end of the
// connection); pending changes are not linted any more.
func (s *Server) stop() {
	s.stopOnce.Do(func() {
		close(s.quit)
		s.mu.Lock()
		for uri, t := range s.timers {
			t.Stop()
			delete(s.timers, uri)
		}
		s.queue = nil
		s.mu.Unlock()
	})
}

// work runs the lint jobs one at a time: a lint reads the process's
// working directory and shares the compiled engine.
func (s *Server) work() {
	defer close(s.done)
	for {
		select {
		case <-s.quit:
			return
		case <-s.wake:
		}
		for !s.stopped() {
			s.mu.Lock()
			if len(s.queue) == 0 {
				s.mu.Unlock()
				break
			}
			j := s.queue[0]
			s.queue = s.queue[1:]
			s.mu.Unlock()
			s.run(context.Background(), j)
		}
	}
}

// run lints for one job and publishes what changed.
func (s *Server) run(ctx context.Context, j job) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Printf("internal error while linting: %v\n%s", r, debug.Stack())
			s.logMessage(protocol.MessageTypeError, fmt.Sprintf("swarmlint: internal error while linting: %v", r))
		}
	}()
	start := time.Now()
	affected := s.lintJob(ctx, j)
	s.publish(affected)
	s.mu.Lock()
	s.busy += time.Since(start)
	s.mu.Unlock()
}

// Busy is the time the session spent linting and publishing (wall time of
// the jobs, for the benchmark).
func (s *Server) Busy() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.busy
}

// lintJob lints for j and merges the results into the origins; it returns
// the files whose diagnostics may have changed.
func (s *Server) lintJob(ctx context.Context, j job) map[string]bool {
	affected := map[string]bool{}
	s.mu.Lock()
	overlay := s.overlay()
	var files []string
	producer, full := "", true
	switch j.kind {
	case jobDocument:
		d := s.docs[j.uri]
		if d == nil || !d.lint {
			s.mu.Unlock()
			return nil
		}
		files, producer = []string{d.path}, j.uri
		affected[d.path] = true
		if s.opts.Together {
			files, producer = s.openPaths(), producerOpen
		}
	case jobClosed:
		affected[j.path] = true
		for key, o := range s.origins {
			if o.producers[j.uri] {
				s.release(key, j.uri, affected)
			}
		}
		if s.opts.Together {
			// the open buffers without the closed one, linted together again
			if open := s.openPaths(); len(open) > 0 {
				s.mu.Unlock()
				s.enqueueFirst(job{kind: jobDocument, uri: s.anyOpen()})
				s.mu.Lock()
			} else {
				for key, o := range s.origins {
					if o.producers[producerOpen] {
						s.release(key, producerOpen, affected)
					}
				}
			}
		}
		configured := false
		for _, o := range s.origins {
			configured = configured || (o.producers[""] && o.inputs[j.path])
		}
		if !configured {
			s.mu.Unlock()
			return affected
		}
		// linted again as it is on disk, for the configured swarms
		files, full = []string{j.path}, false
	}
	s.mu.Unlock()
	results := s.lint(ctx, files, overlay)
	s.mu.Lock()
	s.merge(producer, results, full, affected)
	s.mu.Unlock()
	return affected
}

// producerOpen is the producer of the lints of every open buffer together
// (Options.Together).
const producerOpen = "\x00open"

// openPaths are the paths of the open buffers the server lints, sorted
// (s.mu held).
func (s *Server) openPaths() []string {
	var out []string
	for _, d := range s.docs {
		if d.lint {
			out = append(out, d.path)
		}
	}
	sort.Strings(out)
	return out
}

// anyOpen is the URI of an open buffer the server lints (s.mu not held).
func (s *Server) anyOpen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var uris []string
	for uri, d := range s.docs {
		if d.lint {
			uris = append(uris, uri)
		}
	}
	sort.Strings(uris)
	if len(uris) == 0 {
		return ""
	}
	return uris[0]
}

// enqueueFirst queues a job to run next.
func (s *Server) enqueueFirst(j job) {
	s.mu.Lock()
	if s.stopped() {
		s.mu.Unlock()
		return
	}
	s.queue = append([]job{j}, s.queue...)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// overlay is the open buffers by path (s.mu held).
func (s *Server) overlay() map[string][]byte {
	m := map[string][]byte{}
	for _, d := range s.docs {
		if d.path != "" && d.lint {
			m[d.path] = []byte(d.text)
		}
	}
	return m
}

// merge stores the results of a lint for producer. A full lint (a buffer's
// or the configuration's) also says which swarms the producer no longer
// belongs to.
func (s *Server) merge(producer string, results []result, full bool, affected map[string]bool) {
	got := map[string]bool{}
	for _, r := range results {
		got[r.key] = true
		o := s.origins[r.key]
		if o == nil {
			o = &origin{producers: map[string]bool{}}
			s.origins[r.key] = o
		}
		for p := range o.files {
			affected[p] = true
		}
		o.files, o.inputs = r.files, r.inputs
		o.producers[producer] = true
		for p := range o.files {
			affected[p] = true
		}
		if notes := strings.Join(r.notes, "\n"); notes != o.notes {
			o.notes = notes
			for _, n := range r.notes {
				s.logMessage(protocol.MessageTypeWarning, "swarmlint: "+n)
			}
		}
	}
	if !full {
		return
	}
	for key, o := range s.origins {
		if o.producers[producer] && !got[key] {
			s.release(key, producer, affected)
		}
	}
}

// release removes a producer from an origin, and the origin when nobody
// asks for it any more (s.mu held).
func (s *Server) release(key, producer string, affected map[string]bool) {
	o := s.origins[key]
	delete(o.producers, producer)
	if len(o.producers) > 0 {
		return
	}
	for p := range o.files {
		affected[p] = true
	}
	delete(s.origins, key)
}

// publish sends the diagnostics of the affected files: for each, the
// union of its origins' diagnostics (an empty list clears them).
func (s *Server) publish(affected map[string]bool) {
	paths := make([]string, 0, len(affected))
	for p := range affected {
		if p != "" {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var out []protocol.PublishDiagnosticsParams
	s.mu.Lock()
	for _, p := range paths {
		diags := []protocol.Diagnostic{}
		seen := map[string]bool{}
		for _, key := range s.originKeys() {
			fr := s.origins[key].files[p]
			if fr == nil {
				continue
			}
			for _, e := range fr.entries {
				k := diagKey(e.diag)
				if !seen[k] {
					seen[k] = true
					diags = append(diags, e.diag)
				}
			}
		}
		sortDiagnostics(diags)
		out = append(out, protocol.PublishDiagnosticsParams{URI: s.uriOf(p), Diagnostics: diags})
	}
	s.mu.Unlock()
	for _, params := range out {
		s.notify(protocol.ServerTextDocumentPublishDiagnostics, params)
	}
}

// originKeys are the origins in a fixed order (s.mu held).
func (s *Server) originKeys() []string {
	keys := make([]string, 0, len(s.origins))
	for k := range s.origins {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// uriOf is the URI of a file: the one the client opened it with, else its
// file: URI (s.mu held).
func (s *Server) uriOf(p string) string {
	for _, d := range s.docs {
		if d.path == p {
			return d.uri
		}
	}
	if u, ok := s.seen[p]; ok {
		return u
	}
	return pathURI(p)
}

func diagKey(d protocol.Diagnostic) string {
	code := ""
	if d.Code != nil {
		code = fmt.Sprint(d.Code.Value)
	}
	return fmt.Sprintf("%d:%d-%d:%d|%s|%s", d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, code, d.Message)
}

func sortDiagnostics(ds []protocol.Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Range.Start, ds[j].Range.Start
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Character != b.Character {
			return a.Character < b.Character
		}
		return diagKey(ds[i]) < diagKey(ds[j])
	})
}

func sortStrings(xs []string) { sort.Strings(xs) }

// lint runs the linter for files (none: the configured swarms), one run
// per swarm, with the open buffers in place of the files on disk.
func (s *Server) lint(ctx context.Context, files []string, overlay map[string][]byte) []result {
	cfg, err := s.opts.Resolve(ctx, files, overlay)
	if errors.Is(err, ErrNoInputs) {
		return nil
	}
	if err != nil {
		return []result{s.errorResult(files, overlay, err)}
	}
	eng, err := s.engineFor(ctx, cfg)
	if err != nil {
		return []result{s.errorResult(files, overlay, err)}
	}
	var out []result
	for _, sw := range cfg.Swarms {
		c := cfg
		c.Swarms = []lint.Swarm{sw}
		res, _, err := lint.RunWith(ctx, eng, c)
		r := result{key: swarmKey(sw), inputs: swarmInputs(sw), files: map[string]*fileResult{}}
		if res != nil {
			s.addFindings(&r, res, overlay)
		}
		if err != nil && res == nil {
			r = s.errorResult(files, overlay, err)
			r.key = swarmKey(sw)
		} else if err != nil {
			r.notes = append(r.notes, err.Error())
		}
		out = append(out, r)
	}
	return out
}

// engineFor returns the compiled policies for cfg, compiling them only
// when cfg's custom policies, parameters or time budget differ from the
// last compilation's: not per keystroke.
func (s *Server) engineFor(ctx context.Context, cfg lint.Config) (eng *rules.Engine, err error) {
	key := engineKey(cfg)
	s.mu.Lock()
	eng, same, failed := s.engine, key == s.engineKey, s.engineErr
	s.mu.Unlock()
	switch {
	case same && failed != nil:
		return nil, failed // the same policies do not compile any better
	case same && eng != nil:
		return eng, nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("compiling the policies failed: %v", r)
		}
		s.mu.Lock()
		s.engine, s.engineKey, s.engineErr = eng, key, err
		s.compiles++
		s.mu.Unlock()
	}()
	return lint.Engine(ctx, cfg)
}

func engineKey(cfg lint.Config) string {
	h := sha256.New()
	for _, m := range cfg.Custom {
		fmt.Fprintf(h, "%s\x00%t\x00%d\x00", m.File, m.Custom, len(m.Source))
		h.Write(m.Source)
	}
	params, _ := json.Marshal(cfg.Params)
	h.Write(params)
	fmt.Fprintf(h, "\x00%s\x00%t", cfg.Timeout, cfg.Debug)
	return hex.EncodeToString(h.Sum(nil))
}

// swarmKey names a swarm by its name and inputs: the same swarm whether
// it is linted for one of its files or for the configuration.
func swarmKey(sw lint.Swarm) string {
	var stacks []string
	for _, st := range sw.Stacks {
		stacks = append(stacks, st.Name+"="+strings.Join(absPaths(st.Files), "+"))
	}
	sort.Strings(stacks)
	scripts := absPaths(sw.Scripts)
	sort.Strings(scripts)
	return sw.Name + "|" + strings.Join(stacks, ";") + "|" + strings.Join(scripts, ";")
}

func swarmInputs(sw lint.Swarm) map[string]bool {
	m := map[string]bool{}
	for _, st := range sw.Stacks {
		for _, f := range absPaths(st.Files) {
			m[f] = true
		}
	}
	for _, f := range absPaths(sw.Scripts) {
		m[f] = true
	}
	return m
}

func absPaths(files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = absPath(f)
	}
	return out
}

// absPath is a display path (relative to the working directory, the
// workspace folder) as an absolute path.
func absPath(f string) string {
	if abs, err := filepath.Abs(filepath.FromSlash(f)); err == nil {
		return abs
	}
	return filepath.Clean(f)
}

// errorResult shows an error that stopped a lint (a configuration file
// that does not load, a policy that does not compile) as diagnostics: at
// their places when the error names them (each Rego error of a policy at
// its own), else at the top of the edited file.
func (s *Server) errorResult(files []string, overlay map[string][]byte, err error) result {
	r := result{key: "error|" + strings.Join(files, "|"), inputs: map[string]bool{}, files: map[string]*fileResult{}}
	s.logMessage(protocol.MessageTypeError, "swarmlint: "+err.Error())
	type place struct {
		path      string
		line, col int
		msg       string
	}
	var places []place
	var pe rules.PolicyError
	if errors.As(err, &pe) {
		for _, e := range pe.Errors {
			if e != nil && e.Location != nil && e.Location.File != "" {
				places = append(places, place{absPath(e.Location.File), max(e.Location.Row, 1), max(e.Location.Col, 1), e.Code + ": " + e.Message})
			}
		}
	}
	if len(places) == 0 {
		n := lint.ToolNotification(err)
		switch {
		case n.File != "":
			places = append(places, place{absPath(n.File), max(n.Line, 1), max(n.Col, 1), err.Error()})
		case len(files) > 0:
			places = append(places, place{files[0], 1, 1, "swarmlint could not lint this file: " + err.Error()})
		}
	}
	severity := protocol.DiagnosticSeverityError
	source := "swarmlint"
	for _, p := range places {
		fr := s.fileResult(&r, p.path, nil, overlay)
		t := fr.split()
		fr.entries = append(fr.entries, entry{diag: protocol.Diagnostic{Range: protocol.Range{Start: t.position(p.line, p.col),
			End: t.position(p.line, endOfLine(t, p.line, p.col))}, Severity: &severity, Source: &source, Message: p.msg}})
	}
	return r
}

// fileResult returns r's entry for path, reading its text from the
// lint's sources, the open buffers or the disk.
func (s *Server) fileResult(r *result, path string, sources map[string][]byte, overlay map[string][]byte) *fileResult {
	if fr := r.files[path]; fr != nil {
		return fr
	}
	fr := &fileResult{}
	if src, ok := overlay[path]; ok {
		fr.text = string(src)
	} else if src, ok := sources[lint.DisplayPath(path)]; ok && src != nil {
		fr.text = string(src)
	} else if src, err := analyzer.ReadInput(path, analyzer.MaxStackFileSize); err == nil {
		// (never a read without the cap: a link to /dev/zero, a FIFO)
		fr.text = string(src)
	}
	r.files[path] = fr
	return fr
}

// endOfLine is the exclusive end column of a region that has no end of
// its own: the end of the line, or one column past the start.
func endOfLine(t *text, line, col int) int {
	eol := utf8.RuneCountInString(t.line(line-1)) + 1
	if eol > col {
		return eol
	}
	return col + 1
}

var severities = map[string]protocol.DiagnosticSeverity{
	"error":   protocol.DiagnosticSeverityError,
	"warning": protocol.DiagnosticSeverityWarning,
	"note":    protocol.DiagnosticSeverityInformation,
}

// addFindings turns a lint result into diagnostics by file. Suppressed
// findings are left out, as the command line leaves them out.
func (s *Server) addFindings(r *result, res *report.Result, overlay map[string][]byte) {
	byID := map[string]rules.Rule{}
	for _, rule := range res.Rules {
		byID[rule.ID] = rule
	}
	source := "swarmlint"
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Suppression != nil {
			continue
		}
		path := absPath(f.File)
		fr := s.fileResult(r, path, res.Sources, overlay)
		t := fr.split()
		sev, ok := severities[f.Level]
		if !ok {
			sev = protocol.DiagnosticSeverityWarning
		}
		d := protocol.Diagnostic{Range: regionRange(t, f.StartLine, f.StartCol, f.EndLine, f.EndCol), Severity: &sev,
			Code: &protocol.IntegerOrString{Value: f.RuleID}, Source: &source, Message: f.Message}
		if rule, ok := byID[f.RuleID]; ok {
			if u := report.HelpURI(rule, res.DocsBaseURL); u != "" {
				d.CodeDescription = &protocol.CodeDescription{HRef: u}
			}
		}
		for _, rel := range f.Related {
			rp := absPath(rel.File)
			rt := t
			if rp != path {
				rt = s.fileResult(r, rp, res.Sources, overlay).split()
			}
			d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{
				Location: protocol.Location{URI: s.lockedURIOf(rp), Range: regionRange(rt, rel.StartLine, rel.StartCol, rel.EndLine, rel.EndCol)},
				Message:  rel.Message})
		}
		fr.entries = append(fr.entries, entry{diag: d, finding: f})
	}
	for _, n := range res.Notifications {
		if n.File == "" {
			r.notes = append(r.notes, n.Message)
			continue
		}
		fr := s.fileResult(r, absPath(n.File), res.Sources, overlay)
		t := fr.split()
		line, col := max(n.Line, 1), max(n.Col, 1)
		sev, ok := severities[n.Level]
		if !ok {
			sev = protocol.DiagnosticSeverityWarning
		}
		fr.entries = append(fr.entries, entry{diag: protocol.Diagnostic{Range: protocol.Range{Start: t.position(line, col),
			End: t.position(line, endOfLine(t, line, col))}, Severity: &sev, Source: &source, Message: n.Message}})
	}
}

func (s *Server) lockedURIOf(p string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uriOf(p)
}

// regionRange converts a finding's region into an LSP range, making it
// valid as report does for every format: a missing or empty end becomes
// the end of the line (or one column past the start).
func regionRange(t *text, sl, sc, el, ec int) protocol.Range {
	sl, sc = max(sl, 1), max(sc, 1)
	if el < sl {
		el = sl
	}
	if ec < 1 || (el == sl && ec <= sc) {
		ec = endOfLine(t, el, sc)
		if el > sl {
			ec = utf8.RuneCountInString(t.line(el-1)) + 1
		}
	}
	return protocol.Range{Start: t.position(sl, sc), End: t.position(el, ec)}
}
