package sariftest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/swarmlint/swarmlint/report"
)

// result checks one result (Check item 4).
func (c *checker) result(p string, r *result, rules map[string]int) {
	c.t.Helper()
	if r.RuleID == nil || *r.RuleID == "" {
		c.errorf(p+".ruleId", "must be set")
	} else if idx, known := rules[*r.RuleID]; !known {
		c.errorf(p+".ruleId", "%q is not in tool.driver.rules", *r.RuleID)
	} else if r.RuleIndex != nil {
		got, err := strconv.ParseInt(r.RuleIndex.String(), 10, 64)
		if err != nil || got != int64(idx) {
			c.errorf(p+".ruleIndex", "%s does not point at rule %q (index %d)", r.RuleIndex, *r.RuleID, idx)
		}
	}
	if r.Message.Text == nil || strings.TrimSpace(*r.Message.Text) == "" {
		c.errorf(p+".message.text", "must be non-blank")
	}
	if len(r.Locations) != 1 {
		c.errorf(p+".locations", "got %d locations, want exactly 1", len(r.Locations))
	}
	file, line := "", 1
	if len(r.Locations) > 0 {
		file, line = c.location(p+".locations[0]", &r.Locations[0])
	}
	for k, v := range r.PartialFingerprints {
		if _, ok := v.(string); !ok {
			c.errorf(p+".partialFingerprints."+k, "must be a string, got %T", v)
		}
	}
	c.lineHash(p+".partialFingerprints", r.PartialFingerprints, file, line)
	for i := range r.Fixes {
		c.fix(fmt.Sprintf("%s.fixes[%d]", p, i), &r.Fixes[i])
	}
}

// fix checks one result fix (Check item 7).
func (c *checker) fix(p string, f *fix) {
	c.t.Helper()
	if f.Description == nil || f.Description.Text == nil || strings.TrimSpace(*f.Description.Text) == "" {
		c.errorf(p+".description.text", "must be non-blank")
	}
	if len(f.ArtifactChanges) == 0 {
		c.errorf(p+".artifactChanges", "must not be empty")
	}
	for i, ch := range f.ArtifactChanges {
		cp := fmt.Sprintf("%s.artifactChanges[%d]", p, i)
		if ch.ArtifactLocation == nil || ch.ArtifactLocation.URI == nil {
			c.errorf(cp+".artifactLocation.uri", "must be set")
			continue
		}
		file := c.uri(cp+".artifactLocation.uri", *ch.ArtifactLocation.URI)
		if len(ch.Replacements) == 0 {
			c.errorf(cp+".replacements", "must not be empty")
		}
		var lines []string
		if src, ok := c.sources[file]; ok {
			lines = strings.Split(strings.ReplaceAll(strings.ReplaceAll(string(src), "\r\n", "\n"), "\r", "\n"), "\n")
		}
		prevLine, prevCol := int64(0), int64(0)
		for j, r := range ch.Replacements {
			rp := fmt.Sprintf("%s.replacements[%d]", cp, j)
			if r.DeletedRegion == nil || r.DeletedRegion.StartLine == nil || r.DeletedRegion.StartColumn == nil ||
				r.DeletedRegion.EndLine == nil || r.DeletedRegion.EndColumn == nil {
				c.errorf(rp+".deletedRegion", "needs startLine, startColumn, endLine and endColumn")
				continue
			}
			sl, _ := r.DeletedRegion.StartLine.Int64()
			sc, _ := r.DeletedRegion.StartColumn.Int64()
			el, _ := r.DeletedRegion.EndLine.Int64()
			ec, _ := r.DeletedRegion.EndColumn.Int64()
			switch {
			case sl < 1 || sc < 1:
				c.errorf(rp+".deletedRegion", "starts at %d:%d", sl, sc)
			case el < sl || el == sl && ec < sc:
				c.errorf(rp+".deletedRegion", "ends at %d:%d, before its start %d:%d", el, ec, sl, sc)
			case sl < prevLine || sl == prevLine && sc < prevCol:
				c.errorf(rp+".deletedRegion", "starts at %d:%d, inside or before the previous replacement (ending %d:%d)", sl, sc, prevLine, prevCol)
			}
			prevLine, prevCol = el, ec
			if lines != nil {
				if el > int64(len(lines))+1 || el <= int64(len(lines)) && ec > int64(len(utf16.Encode([]rune(lines[el-1]))))+1 {
					c.errorf(rp+".deletedRegion", "ends at %d:%d, past the end of %s", el, ec, file)
				}
			}
			if r.InsertedContent != nil && r.InsertedContent.Text == nil {
				c.errorf(rp+".insertedContent.text", "must be set")
			}
		}
	}
}

// location checks the artifact URI and region and returns the decoded path
// and the start line.
func (c *checker) location(p string, l *location) (string, int) {
	c.t.Helper()
	pl := l.PhysicalLocation
	if pl == nil || pl.ArtifactLocation == nil || pl.ArtifactLocation.URI == nil || *pl.ArtifactLocation.URI == "" {
		c.errorf(p+".physicalLocation.artifactLocation.uri", "must be non-blank")
		return "", 1
	}
	file := c.uri(p+".physicalLocation.artifactLocation.uri", *pl.ArtifactLocation.URI)
	if pl.Region == nil {
		c.errorf(p+".physicalLocation.region", "must be set")
		return file, 1
	}
	return file, c.region(p+".physicalLocation.region", pl.Region)
}

// uri checks a repository-relative, percent-encoded URI reference and returns
// its decoded path.
func (c *checker) uri(p, raw string) string {
	c.t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		c.errorf(p, "%q does not parse: %v", raw, err)
		return raw
	}
	decoded := u.Path
	switch {
	case u.Scheme != "" || u.Host != "" || u.Opaque != "":
		c.errorf(p, "%q must be relative (no scheme or host)", raw)
	case strings.HasPrefix(raw, "/") || strings.HasPrefix(decoded, "/"):
		c.errorf(p, "%q must not start with /", raw)
	case strings.Contains(raw, `\`):
		c.errorf(p, "%q contains a backslash", raw)
	case slices.Contains(strings.Split(decoded, "/"), ".."):
		c.errorf(p, "%q has a .. segment", raw)
	case u.RawQuery != "" || u.Fragment != "":
		c.errorf(p, "%q has a query or fragment (unencoded ? or #)", raw)
	case (&url.URL{Path: decoded}).String() != raw:
		c.errorf(p, "%q is not the canonical encoding %q", raw, (&url.URL{Path: decoded}).String())
	}
	return strings.TrimPrefix(decoded, "./")
}

// region checks line/column sanity and returns startLine.
func (c *checker) region(p string, r *region) int {
	c.t.Helper()
	num := func(n *json.Number, def int64) int64 {
		if n == nil {
			return def
		}
		v, err := n.Int64()
		if err != nil {
			c.errorf(p, "%s is not an integer", n)
		}
		return v
	}
	if r.StartLine == nil {
		c.errorf(p+".startLine", "must be set")
	}
	sl := num(r.StartLine, 1)
	sc := num(r.StartColumn, 1)
	el := num(r.EndLine, sl)
	if sl < 1 {
		c.errorf(p+".startLine", "%d < 1", sl)
	}
	if sc < 1 {
		c.errorf(p+".startColumn", "%d < 1", sc)
	}
	if el < sl {
		c.errorf(p+".endLine", "%d before startLine %d", el, sl)
	}
	if r.EndColumn != nil && el == sl {
		if ec := num(r.EndColumn, 0); ec <= sc {
			c.errorf(p+".endColumn", "%d ≤ startColumn %d: empty or reversed region", ec, sc)
		}
	}
	return int(max(sl, 1))
}

// lineHash recomputes primaryLocationLineHash from the source file.
func (c *checker) lineHash(p string, fps map[string]any, file string, line int) {
	c.t.Helper()
	got, ok := fps[report.LineHashKey]
	if !ok {
		c.errorf(p, "missing %s", report.LineHashKey)
		return
	}
	src, found := c.sources[file]
	if !found {
		c.errorf(p, "no source for %q given to sariftest.Check: cannot verify %s", file, report.LineHashKey)
		return
	}
	if c.hashes == nil {
		c.hashes = map[string][]string{}
	}
	hs, cached := c.hashes[file]
	if !cached {
		hs = report.LineHashes(src)
		c.hashes[file] = hs
	}
	want := ""
	if line >= 1 && line <= len(hs) {
		want = hs[line-1]
	}
	if got != want {
		c.errorf(p+"."+report.LineHashKey, "%v, but %s line %d hashes to %q", got, file, line, want)
	}
}
