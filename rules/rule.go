// Package rules compiles the embedded and custom Rego policies once, evaluates
// them against the network model and builds the rule catalog from METADATA.
package rules

// Severity levels, as used in METADATA custom.severity and SARIF levels.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityNote    = "note"
)

// Link is one related resource from a rule's METADATA.
type Link struct {
	Description string `json:"description,omitempty"`
	URL         string `json:"url"`
}

// FixInfo documents a rule's fix: METADATA
//
//	custom:
//	  fix:
//	    description: Turns the port into the long syntax with `mode: host`.
//	    safe: true
type FixInfo struct {
	Description string `json:"description"` // a full sentence
	Safe        bool   `json:"safe"`
}

// Rule is one catalog entry, built only from a policy's METADATA (or one
// of the DirectiveRules).
type Rule struct {
	ID          string `json:"id"`          // SWL101
	Name        string `json:"name"`        // dnsrr-with-ingress-port
	Title       string `json:"title"`       // fragment, no final period
	Description string `json:"description"` // Markdown
	// Summary is the description in a few sentences, for SARIF's
	// fullDescription (at most 1,024 characters): METADATA custom.summary,
	// or else the description's first paragraph.
	Summary     string `json:"summary"`
	Severity    string `json:"severity"`    // error | warning | note
	Remediation string `json:"remediation"` // full sentence
	Security    bool   `json:"security"`    // custom.security: true
	Category    string `json:"category"`    // deploy, ports, addressing, ...
	Related     []Link `json:"related,omitempty"`
	Package     string `json:"package"` // data.swarmlint.rules.ports.dnsrr_with_ingress_port
	File        string `json:"file"`    // policies/ports/dnsrr_with_ingress_port.rego
	Custom      bool   `json:"custom"`  // loaded with --policy
	// Fix, from METADATA custom.fix, says what the fix the rule offers
	// with its findings does (nil when it offers none).
	Fix *FixInfo `json:"fix,omitempty"`
	// Directive is true for the checks on ignore comments that swarmlint
	// makes itself (DirectiveRules): no policy, no fixtures folder.
	Directive bool `json:"directive,omitempty"`
}
