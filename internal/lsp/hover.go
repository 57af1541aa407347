package lsp

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/swarmlint/swarmlint/docs"
	"github.com/swarmlint/swarmlint/internal/lazyre"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/rules"
)

// ruleIDRe matches a rule id as suppression directives write them
// (lint/ignore.go).
var ruleIDRe = lazyre.New(`[A-Za-z][A-Za-z0-9]*[0-9]{3}`)

// hover shows the page of the rule whose id is under the cursor in a
// `# swarmlint:ignore` or `# swarmlint:ignore-file` comment: the page of
// docs/rules (what `swarmlint explain` prints), or a custom rule's
// METADATA.
func (s *Server) hover(_ *glsp.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	var src string
	if d != nil {
		src = d.text
	}
	eng := s.engine
	s.mu.Unlock()
	if d == nil {
		return nil, nil
	}
	t := newText(src)
	n := int(p.Position.Line)
	if n >= t.lines() {
		return nil, nil
	}
	line := t.line(n)
	col := t.column(p.Position)
	for _, dir := range lint.ParseDirectives("", []byte(line)) {
		if col < dir.Col || col > dir.EndCol {
			continue
		}
		runes := []rune(line)
		seg := string(runes[dir.Col-1 : min(dir.EndCol-1, len(runes))])
		for _, m := range ruleIDRe().FindAllStringIndex(seg, -1) {
			id := strings.ToUpper(seg[m[0]:m[1]])
			from := dir.Col + utf8.RuneCountInString(seg[:m[0]])
			to := from + utf8.RuneCountInString(seg[m[0]:m[1]])
			if col < from || col > to || !containsID(dir.IDs, id) {
				continue
			}
			var catalog []rules.Rule
			if eng != nil {
				catalog = eng.Catalog()
			}
			r := protocol.Range{Start: t.position(n+1, from), End: t.position(n+1, to)}
			return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: rulePage(id, catalog)}, Range: &r}, nil
		}
	}
	return nil, nil
}

func containsID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// rulePage is the Markdown page of a rule: the generated page of a
// built-in rule, a custom rule's METADATA, or a note that there is no
// such rule.
func rulePage(id string, catalog []rules.Rule) string {
	if page := docs.RulePage(id); page != "" {
		return page
	}
	for _, r := range catalog {
		if strings.EqualFold(r.ID, id) {
			var b strings.Builder
			fmt.Fprintf(&b, "# %s %s\n\n**%s** (%s, custom rule)\n\n", r.ID, r.Name, r.Title, r.Severity)
			if r.Description != "" {
				b.WriteString(strings.TrimSpace(r.Description) + "\n\n")
			}
			if r.Remediation != "" {
				fmt.Fprintf(&b, "**How to fix:** %s\n", r.Remediation)
			}
			for _, l := range r.Related {
				fmt.Fprintf(&b, "\n- <%s>", l.URL)
				if l.Description != "" {
					fmt.Fprintf(&b, " (%s)", l.Description)
				}
			}
			return strings.TrimSpace(b.String()) + "\n"
		}
	}
	return fmt.Sprintf("`%s` is not a swarmlint rule (`swarmlint rules` lists them).\n", id)
}
