package rules

// Ids of the checks on `# swarmlint:ignore` comments. They lie outside the
// rule categories (0xx–5xx), so they never clash with a policy's id.
const (
	IgnoreWithoutReasonID = "SWL901"
	UnusedIgnoreID        = "SWL902"
)

// DirectiveRules are the checks swarmlint makes itself on `# swarmlint:ignore`
// comments (package lint), not Rego policies. They are part of every engine's
// Catalog, so they are selected (--disable SWL902, --enable 'SWL9*'),
// listed, documented and registered in SARIF like any rule.
var DirectiveRules = []Rule{
	{
		ID:    IgnoreWithoutReasonID,
		Name:  "ignore-without-reason",
		Title: "Ignore directive without a rule id or a reason",
		Description: "A `# swarmlint:ignore` or `# swarmlint:ignore-file` comment must name the rule ids it " +
			"suppresses and say why. A directive without a reason is not honoured: the finding it " +
			"meant to hide is still reported, and so is the directive. The editor's \"ignore\" code action " +
			"(`swarmlint lsp`) writes the placeholder `<reason>` for you to replace; left as it is, it " +
			"counts as no reason.",
		Severity:    SeverityWarning,
		Remediation: "Write the reason after the rule ids, e.g. `# swarmlint:ignore SWL104 the backup host connects to this port`.",
		Category:    "directives",
		Directive:   true,
	},
	{
		ID:    UnusedIgnoreID,
		Name:  "unused-ignore",
		Title: "Ignore directive that suppresses nothing",
		Description: "A `# swarmlint:ignore` directive names a rule that reported nothing on the line it " +
			"applies to (a comment-only line applies to the next line), a `# swarmlint:ignore-file` " +
			"directive comes after the first YAML key, or a directive names a rule that does not exist. " +
			"Stale directives hide future findings, so they are reported.",
		Severity:    SeverityWarning,
		Remediation: "Delete the directive, or move it onto the line of the finding (or onto a comment line directly above it).",
		Category:    "directives",
		Directive:   true,
	},
}

func init() {
	for i := range DirectiveRules {
		DirectiveRules[i].Summary = FirstParagraph(DirectiveRules[i].Description)
	}
}
