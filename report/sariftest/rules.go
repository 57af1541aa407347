package sariftest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// rules checks tool.driver.rules (Check items 3 and 5) and returns id → index.
func (c *checker) rules(path string, raw json.RawMessage) map[string]int {
	c.t.Helper()
	ids := map[string]int{}
	if !isArray(raw) {
		c.errorf(path, "must be an array, got %s", short(raw))
		return ids
	}
	var rs []rule
	if err := json.Unmarshal(raw, &rs); err != nil {
		c.errorf(path, "%v", err)
		return ids
	}
	if len(rs) > maxRules {
		c.errorf(path, "%d rules, GitHub rejects more than %d", len(rs), maxRules)
	}
	for i := range rs {
		p := fmt.Sprintf("%s[%d]", path, i)
		if _, dup := ids[rs[i].ID]; dup {
			c.errorf(p+".id", "duplicate rule id %q", rs[i].ID)
			continue
		}
		ids[rs[i].ID] = i
		c.rule(p, &rs[i])
	}
	return ids
}

func (c *checker) rule(p string, r *rule) {
	c.t.Helper()
	if strings.TrimSpace(r.ID) == "" {
		c.errorf(p+".id", "must be non-blank")
	}
	switch {
	case r.Name == nil || *r.Name == "":
		c.errorf(p+".name", "must be set")
	case *r.Name == r.ID:
		c.errorf(p+".name", "%q must differ from the id", *r.Name)
	case utf8.RuneCountInString(*r.Name) > 255:
		c.errorf(p+".name", "longer than 255 characters")
	}
	c.text(p+".shortDescription", r.ShortDescription, 1024)
	c.text(p+".fullDescription", r.FullDescription, 1024)
	c.text(p+".help", r.Help, 0)
	// swarmlint's own rules always have a page; a custom rule has one when
	// its METADATA links to an https page.
	if r.HelpURI == nil {
		if strings.HasPrefix(r.ID, "SWL") {
			c.errorf(p+".helpUri", "must be set")
		}
	} else if u, err := url.Parse(*r.HelpURI); err != nil || u.Scheme != "https" || u.Host == "" {
		c.errorf(p+".helpUri", "%q is not an absolute https URL", *r.HelpURI)
	}
	if r.DefaultConfiguration == nil || r.DefaultConfiguration.Level == nil || !oneOf(*r.DefaultConfiguration.Level, "note", "warning", "error") {
		c.errorf(p+".defaultConfiguration.level", "must be note, warning or error")
	}
	c.ruleProperties(p+".properties", r.Properties)
}

// text checks a multiformatMessageString has non-blank text of at most max
// characters (0: no limit).
func (c *checker) text(p string, m *multiformat, max int) {
	c.t.Helper()
	switch {
	case m == nil || m.Text == nil || strings.TrimSpace(*m.Text) == "":
		c.errorf(p+".text", "must be non-blank")
	case max > 0 && utf8.RuneCountInString(*m.Text) > max:
		c.errorf(p+".text", "longer than %d characters", max)
	}
}

func (c *checker) ruleProperties(p string, props map[string]any) {
	c.t.Helper()
	tags := map[string]bool{}
	if raw, ok := props["tags"]; ok {
		list, isList := raw.([]any)
		if !isList {
			c.errorf(p+".tags", "must be an array")
		}
		for _, tag := range list {
			s, isStr := tag.(string)
			switch {
			case !isStr || s == "":
				c.errorf(p+".tags", "tag %v is not a non-empty string", tag)
			case tags[s]:
				c.errorf(p+".tags", "duplicate tag %q", s)
			}
			tags[s] = true
		}
		if len(list) > 10 {
			c.errorf(p+".tags", "%d tags, GitHub shows only 10", len(list))
		}
	}
	if prec, ok := props["precision"]; !ok || !oneOf(fmt.Sprint(prec), "very-high", "high", "medium", "low") {
		c.errorf(p+".precision", "must be very-high, high, medium or low, got %v", prec)
	}
	if sev, ok := props["security-severity"]; ok {
		s, isStr := sev.(string)
		f, err := strconv.ParseFloat(s, 64)
		if !isStr || err != nil || f <= 0 || f > 10 {
			c.errorf(p+".security-severity", "must be a numeric string in (0, 10], got %#v", sev)
		}
		if !tags["security"] {
			c.errorf(p+".tags", "a rule with security-severity must have the tag \"security\"")
		}
	}
	if sev, ok := props["problem.severity"]; ok && !oneOf(fmt.Sprint(sev), "error", "warning", "recommendation") {
		c.errorf(p+".problem.severity", "must be error, warning or recommendation, got %v", sev)
	}
	_, hasSec := props["security-severity"]
	_, hasProb := props["problem.severity"]
	if !hasSec && !hasProb {
		c.errorf(p, "needs security-severity (security rules) or problem.severity")
	}
}

func oneOf(s string, options ...string) bool { return slices.Contains(options, s) }
