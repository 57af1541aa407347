package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/report"
)

// commandSelect selects a range in a document (the reason of an inserted
// suppression, for typing over it), through window/showDocument.
const commandSelect = "swarmlint.selectRange"

// reasonPlaceholder is the reason an inserted suppression starts with; a
// directive left with it is reported (SWL901), not honoured.
const reasonPlaceholder = lint.ReasonPlaceholder

// codeAction offers, for each finding on the requested lines, its fixes
// (safe ones first and preferred) and "ignore on this line". A finding
// found in a text that is no longer the buffer's gets none: its positions
// would be stale; the client asks again after the next diagnostics.
func (s *Server) codeAction(_ *glsp.Context, p *protocol.CodeActionParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	actions := []protocol.CodeAction{}
	d := s.docs[p.TextDocument.URI]
	if d == nil || d.path == "" {
		return actions, nil
	}
	var fixes, unsafe, ignores []protocol.CodeAction
	seen := map[string]bool{}
	for _, key := range s.originKeys() {
		fr := s.origins[key].files[d.path]
		if fr == nil || fr.text != d.text {
			continue
		}
		for _, e := range fr.entries {
			f := e.finding
			if f == nil || !linesOverlap(e.diag.Range, p.Range) {
				continue
			}
			preferred := true
			for _, fix := range f.Fixes {
				a, ok := s.fixAction(d, fr, e, fix)
				if !ok || seen["fix|"+a.Title+"|"+diagKey(e.diag)] {
					continue
				}
				seen["fix|"+a.Title+"|"+diagKey(e.diag)] = true
				if fix.Safe {
					if preferred {
						yes := true
						a.IsPreferred = &yes
						preferred = false
					}
					fixes = append(fixes, a)
				} else {
					unsafe = append(unsafe, a)
				}
			}
			if f.RuleID == lint.IgnoreWithoutReasonID || f.RuleID == lint.UnusedIgnoreID {
				continue // a directive about directives
			}
			k := fmt.Sprintf("ignore|%s|%d", f.RuleID, f.StartLine)
			if !seen[k] {
				seen[k] = true
				ignores = append(ignores, s.ignoreAction(d, fr, e))
			}
		}
	}
	actions = append(append(append(actions, fixes...), unsafe...), ignores...)
	return actions, nil
}

// linesOverlap reports whether a diagnostic is on a line of the request.
func linesOverlap(diag, req protocol.Range) bool {
	return diag.Start.Line <= req.End.Line && req.Start.Line <= diag.End.Line
}

// fixAction is one of a finding's fixes as a workspace edit. Edit offsets
// are into the text the finding was found in: the buffer (checked equal by
// codeAction) or, for another file, its buffer or its file on disk.
func (s *Server) fixAction(d *document, fr *fileResult, e entry, fix report.Fix) (protocol.CodeAction, bool) {
	byFile := map[string][]protocol.TextEdit{}
	var order []string
	for _, ed := range fix.Edits {
		p := absPath(ed.File)
		src := fr.text
		if p != d.path {
			var ok bool
			if src, ok = s.textOf(p); !ok {
				return protocol.CodeAction{}, false
			}
		}
		if ed.StartOffset < 0 || ed.EndOffset < ed.StartOffset || ed.EndOffset > len(src) {
			return protocol.CodeAction{}, false
		}
		t := newText(src)
		if _, ok := byFile[p]; !ok {
			order = append(order, p)
		}
		byFile[p] = append(byFile[p], protocol.TextEdit{Range: protocol.Range{Start: t.offsetPosition(ed.StartOffset), End: t.offsetPosition(ed.EndOffset)},
			NewText: ed.NewText})
	}
	if len(order) == 0 {
		return protocol.CodeAction{}, false
	}
	title := fmt.Sprintf("Fix %s: %s", e.finding.RuleID, fix.Description)
	if !fix.Safe {
		title = fmt.Sprintf("Fix %s (unsafe, changes behaviour): %s", e.finding.RuleID, fix.Description)
	}
	kind := protocol.CodeActionKindQuickFix
	edit := &protocol.WorkspaceEdit{}
	if s.caps.documentChanges {
		for _, p := range order {
			var edits []any
			for _, te := range byFile[p] {
				edits = append(edits, te)
			}
			edit.DocumentChanges = append(edit.DocumentChanges, protocol.TextDocumentEdit{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uriOf(p)},
					Version: s.versionOf(p)}, Edits: edits})
		}
	} else {
		edit.Changes = map[protocol.DocumentUri][]protocol.TextEdit{}
		for _, p := range order {
			edit.Changes[s.uriOf(p)] = byFile[p]
		}
	}
	return protocol.CodeAction{Title: title, Kind: &kind, Diagnostics: []protocol.Diagnostic{e.diag}, Edit: edit}, true
}

// textOf is a file's text: its buffer when open, else the file (s.mu held).
func (s *Server) textOf(p string) (string, bool) {
	for _, d := range s.docs {
		if d.path == p {
			return d.text, true
		}
	}
	// only a regular file within the cap: a workspace can hold a link to
	// /dev/zero or a FIFO, which an unbounded read would never finish
	b, err := analyzer.ReadInput(p, analyzer.MaxStackFileSize)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// versionOf is the open buffer's version (nil for a file not open).
func (s *Server) versionOf(p string) *protocol.Integer {
	for _, d := range s.docs {
		if d.path == p {
			v := d.version
			return &v
		}
	}
	return nil
}

// ignoreAction inserts `# swarmlint:ignore ID <reason>` where it covers
// the finding (lint/ignore.go): as a trailing comment of the finding's
// first line, or as a comment line of its own above it when a trailing
// comment cannot go there (the line is blank or a comment, or it or the
// line before continues with a backslash, as a shell command or a YAML
// double-quoted string may; the comment then goes above the whole
// command). The reason placeholder is selected for typing: as a snippet
// when the client takes snippet edits, else by a command that selects it
// after the edit (window/showDocument).
func (s *Server) ignoreAction(d *document, fr *fileResult, e entry) protocol.CodeAction {
	f := e.finding
	t := fr.split()
	line := max(f.StartLine, 1)
	lineText := t.line(line - 1)
	comment := "# swarmlint:ignore " + f.RuleID + " "
	var insert protocol.Position
	var before, after string // around the placeholder
	var at protocol.Position // where the placeholder starts
	trimmed := strings.TrimSpace(lineText)
	continues := func(n int) bool { return n >= 1 && strings.HasSuffix(t.line(n-1), "\\") }
	if trimmed != "" && !strings.HasPrefix(trimmed, "#") && !continues(line) && !continues(line-1) {
		sep := "  "
		if strings.HasSuffix(lineText, " ") || strings.HasSuffix(lineText, "\t") {
			sep = ""
		}
		insert = protocol.Position{Line: uint32(line - 1), Character: uint32(utf16Units(lineText, len([]rune(lineText))))}
		before, after = sep+comment, ""
		at = protocol.Position{Line: insert.Line, Character: insert.Character + uint32(utf16Units(before, len([]rune(before))))}
	} else {
		first := line
		for first > 1 && continues(first-1) {
			first--
		}
		ind := indent(t.line(first - 1))
		insert = protocol.Position{Line: uint32(first - 1)}
		before, after = ind+comment, t.lineEnding()
		at = protocol.Position{Line: insert.Line, Character: uint32(utf16Units(before, len([]rune(before))))}
	}
	sel := protocol.Range{Start: at, End: protocol.Position{Line: at.Line, Character: at.Character + uint32(len(reasonPlaceholder))}}
	kind := protocol.CodeActionKindQuickFix
	a := protocol.CodeAction{Title: fmt.Sprintf("Ignore %s on this line (# swarmlint:ignore)", f.RuleID), Kind: &kind,
		Diagnostics: []protocol.Diagnostic{e.diag}}
	where := protocol.Range{Start: insert, End: insert}
	version := d.version
	doc := protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: d.uri}, Version: &version}
	switch {
	case s.caps.snippetEdits:
		a.Edit = &protocol.WorkspaceEdit{DocumentChanges: []any{protocol.TextDocumentEdit{TextDocument: doc,
			Edits: []any{snippetTextEdit{Range: where, Snippet: stringValue{Kind: "snippet",
				Value: snippetEscape(before) + "${1:" + snippetEscape(reasonPlaceholder) + "}" + snippetEscape(after)}}}}}}
	case s.caps.documentChanges:
		a.Edit = &protocol.WorkspaceEdit{DocumentChanges: []any{protocol.TextDocumentEdit{TextDocument: doc,
			Edits: []any{protocol.TextEdit{Range: where, NewText: before + reasonPlaceholder + after}}}}}
	default:
		a.Edit = &protocol.WorkspaceEdit{Changes: map[protocol.DocumentUri][]protocol.TextEdit{
			d.uri: {{Range: where, NewText: before + reasonPlaceholder + after}}}}
	}
	if !s.caps.snippetEdits && s.caps.showDocument {
		a.Command = &protocol.Command{Title: "Select the reason", Command: commandSelect, Arguments: []any{d.uri, sel}}
	}
	return a
}

// snippetTextEdit and stringValue are LSP 3.18's snippet edit, which
// glsp's 3.16 types do not have; sent only to clients that announce
// workspace.workspaceEdit.snippetEditSupport.
type snippetTextEdit struct {
	Range   protocol.Range `json:"range"`
	Snippet stringValue    `json:"snippet"`
}

type stringValue struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// snippetEscape escapes the characters that are syntax in snippets.
func snippetEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `$`, `\$`, `}`, `\}`).Replace(s)
}

// executeCommand runs commandSelect: the client shows the document with
// the range selected. The request to the client is sent from its own
// goroutine: its answer is read by the loop that is running this handler.
func (s *Server) executeCommand(_ *glsp.Context, p *protocol.ExecuteCommandParams) (any, error) {
	if p.Command != commandSelect {
		return nil, fmt.Errorf("unknown command %q", p.Command)
	}
	if len(p.Arguments) != 2 {
		return nil, fmt.Errorf("%s takes a URI and a range", commandSelect)
	}
	uri, ok := p.Arguments[0].(string)
	var sel protocol.Range
	b, err := json.Marshal(p.Arguments[1])
	if !ok || err != nil || json.Unmarshal(b, &sel) != nil {
		return nil, fmt.Errorf("%s takes a URI and a range", commandSelect)
	}
	s.mu.Lock()
	show := s.caps.showDocument
	s.mu.Unlock()
	conn := s.conn.Load()
	if !show || conn == nil {
		return nil, nil
	}
	go func() {
		yes := true
		var res any
		if err := conn.Call(context.Background(), string(protocol.ServerWindowShowDocument),
			protocol.ShowDocumentParams{URI: uri, TakeFocus: &yes, Selection: &sel}, &res); err != nil {
			s.log.Printf("window/showDocument: %v", err)
		}
	}()
	return nil, nil
}
