package report

import (
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/swarmlint/swarmlint/rules"
)

// GitHub's limits on rule metadata (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#reportingdescriptor-object).
const (
	maxRuleName    = 255
	maxDescription = 1024
	maxTags        = 10
)

// ruleDescriptor builds the complete tool.driver.rules entry for one rule:
// every member GitHub marks required or recommended is filled, so the rule
// never serialises a null description.
func ruleDescriptor(r rules.Rule, docsBase string, help map[string]string) *sarif.ReportingDescriptor {
	title := oneLine(r.Title)
	if title == "" {
		title = "swarmlint rule " + r.ID
	}
	level := normLevel(r.Severity)
	md := help[r.ID]
	if strings.TrimSpace(md) == "" {
		md = helpMarkdown(r, title)
	}
	d := sarif.NewRule(r.ID).
		WithName(ruleName(r)).
		WithShortDescription(sarif.NewMultiformatMessageString(limitUTF16(title, maxDescription))).
		WithFullDescription(sarif.NewMultiformatMessageString(limitUTF16(fullDescription(r, title), maxDescription))).
		WithHelp(sarif.NewMultiformatMessageString(helpText(r, title)).WithMarkdown(md)).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level)).
		WithProperties(ruleProperties(r, level))
	if u := HelpURI(r, docsBase); u != "" {
		d.WithHelpURI(u)
	}
	return d
}

// HelpURI is the rule's page: the generated docs page of a built-in rule
// below docsBase (DefaultDocsBaseURL when empty), and for a custom rule the
// first https link of its related_resources (swarmlint has no page for
// it), or nothing. SARIF's helpUri and the editor's link of a diagnostic
// (swarmlint lsp) are this page.
func HelpURI(r rules.Rule, docsBase string) string {
	if !r.Custom {
		if docsBase == "" {
			docsBase = DefaultDocsBaseURL
		}
		return strings.TrimRight(docsBase, "/") + "/" + r.ID + ".md"
	}
	for _, l := range r.Related {
		if u, err := url.Parse(l.URL); err == nil && u.Scheme == "https" && u.Host != "" {
			return l.URL
		}
	}
	return ""
}

// ruleProperties fills the property bag GitHub reads: tags, precision and
// either security-severity (security rules) or problem.severity.
func ruleProperties(r rules.Rule, level string) sarif.Properties {
	p := sarif.Properties{"tags": ruleTags(r)}
	if level == levelError {
		p["precision"] = "very-high"
	} else {
		p["precision"] = "high"
	}
	if r.Security {
		p["security-severity"] = map[string]string{levelError: "8.0", levelWarning: "6.0", levelNote: "3.0"}[level]
	} else {
		p["problem.severity"] = map[string]string{levelError: "error", levelWarning: "warning", levelNote: "recommendation"}[level]
	}
	return p
}

// ruleTags returns unique, non-empty tags (schema uniqueItems), at most ten.
func ruleTags(r rules.Rule) []string {
	tags := []string{}
	for _, t := range []string{strings.TrimSpace(r.Category), securityTag(r)} {
		if t != "" && len(tags) < maxTags && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}

func securityTag(r rules.Rule) string {
	if r.Security {
		return "security"
	}
	return ""
}

// ruleName is the PascalCase form of the rule name (dnsrr-with-ingress-port
// becomes DnsrrWithIngressPort). SARIF wants a name that differs from the id,
// so a rule without a usable name becomes "Rule" + id.
func ruleName(r rules.Rule) string {
	name := PascalCase(r.Name)
	if name == "" || name == r.ID {
		name = "Rule" + PascalCase(r.ID)
	}
	if len(name) > maxRuleName {
		name = name[:maxRuleName] // ASCII letters and digits only
	}
	return name
}

// PascalCase joins the letter-and-digit words of s, each with its first
// letter upper-cased: "dnsrr-with-ingress-port" gives "DnsrrWithIngressPort".
// Characters other than ASCII letters and digits separate words.
func PascalCase(s string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !isASCIIAlnum(r) }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func isASCIIAlnum(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// fullDescription is the rule's summary (METADATA custom.summary or the
// description's first paragraph), or the title when there is neither.
func fullDescription(r rules.Rule, title string) string {
	if s := strings.TrimSpace(r.Summary); s != "" {
		return s
	}
	if p := rules.FirstParagraph(r.Description); p != "" {
		return p
	}
	return withPeriod(title)
}

// helpText is the plain-text help: title, description and remediation.
func helpText(r rules.Rule, title string) string {
	parts := []string{withPeriod(title)}
	if d := strings.TrimSpace(r.Description); d != "" {
		parts = append(parts, d)
	}
	if rem := strings.TrimSpace(r.Remediation); rem != "" {
		parts = append(parts, "Remediation: "+rem)
	}
	for _, l := range r.Related {
		parts = append(parts, "See: "+linkText(l)+" "+l.URL)
	}
	return strings.Join(parts, "\n\n")
}

// helpMarkdown is the Markdown help used when no rule page was supplied.
func helpMarkdown(r rules.Rule, title string) string {
	parts := []string{"**" + withPeriod(title) + "**"}
	if d := strings.TrimSpace(r.Description); d != "" {
		parts = append(parts, d)
	}
	if rem := strings.TrimSpace(r.Remediation); rem != "" {
		parts = append(parts, "**Remediation:** "+rem)
	}
	if len(r.Related) > 0 {
		links := []string{"**Related resources:**", ""}
		for _, l := range r.Related {
			links = append(links, "- ["+linkText(l)+"]("+l.URL+")")
		}
		parts = append(parts, strings.Join(links, "\n"))
	}
	return strings.Join(parts, "\n\n")
}

func linkText(l rules.Link) string {
	if d := strings.TrimSpace(l.Description); d != "" {
		return d
	}
	return l.URL
}

// oneLine collapses runs of white space (including line breaks) to one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// limitUTF16 shortens s to at most n UTF-16 code units (how GitHub, a
// JavaScript consumer, measures length), ending it with an ellipsis.
func limitUTF16(s string, n int) string {
	if len(utf16.Encode([]rune(s))) <= n {
		return s
	}
	units := 0
	for i, r := range s {
		if units+utf16Len(r) > n-1 {
			return s[:i] + "…"
		}
		units += utf16Len(r)
	}
	return s
}
