package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

var (
	builtinIDRe = regexp.MustCompile(`^SWL[0-9]{3}$`)
	customIDRe  = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,9}[0-9]{3}$`)
	nameRe      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

var categoryDigit = map[string]byte{"deploy": '0', "ports": '1', "addressing": '2', "encryption": '3', "ingress": '4', "cluster": '5'}

// buildCatalog reads every package-scoped METADATA block that has
// custom.id: the catalog is built from METADATA only.
func buildCatalog(c *ast.Compiler, mods map[string]*ast.Module, custom map[string]bool) ([]Rule, map[string]*Rule, error) {
	var errs ast.Errors
	byPkg := map[string]*Rule{}
	ids := map[string]string{}
	for _, ref := range c.GetAnnotationSet().Flatten() {
		a := ref.Annotations
		if a == nil || a.Scope != "package" || a.Custom == nil {
			continue
		}
		if _, ok := a.Custom["id"]; !ok {
			continue
		}
		pkg := strings.TrimPrefix(ref.Path.String(), "data.")
		file := ""
		if ref.Location != nil {
			file = ref.Location.File
		}
		r := Rule{Package: "data." + pkg, File: file, Custom: custom[file], Title: a.Title, Description: strings.TrimSpace(a.Description)}
		r.ID, _ = a.Custom["id"].(string)
		r.Name, _ = a.Custom["name"].(string)
		r.Severity, _ = a.Custom["severity"].(string)
		r.Remediation, _ = a.Custom["remediation"].(string)
		r.Security, _ = a.Custom["security"].(bool)
		for _, rr := range a.RelatedResources {
			if rr.Ref.String() != "" {
				r.Related = append(r.Related, Link{Description: rr.Description, URL: rr.Ref.String()})
			}
		}
		bad := func(format string, args ...any) {
			errs = append(errs, ast.NewError(ast.CompileErr, ref.Location, format, args...))
		}
		parts := strings.Split(pkg, ".")
		if !r.Custom {
			if len(parts) == 4 && parts[0] == "swarmlint" && parts[1] == "rules" {
				r.Category = parts[2]
			}
			if !builtinIDRe.MatchString(r.ID) {
				bad("built-in rule id %q must look like SWL123", r.ID)
			} else if d, ok := categoryDigit[r.Category]; !ok || r.ID[3] != d {
				bad("rule %s is in category %q, whose ids start with SWL%c", r.ID, r.Category, categoryDigit[r.Category])
			}
		} else {
			r.Category = "custom"
			if strings.HasPrefix(r.ID, "SWL") {
				bad("custom rule id %q uses the reserved prefix SWL; choose your own prefix, e.g. ACME001", r.ID)
			} else if !customIDRe.MatchString(r.ID) {
				bad("custom rule id %q must be an upper-case prefix followed by three digits, e.g. ACME001", r.ID)
			}
		}
		if r.Name == "" || !nameRe.MatchString(r.Name) {
			bad("rule %s needs custom.name in kebab-case (e.g. my-rule-name)", r.ID)
		}
		if !validSeverity(r.Severity) {
			bad("rule %s: custom.severity must be error, warning or note, not %q", r.ID, r.Severity)
		}
		if r.Title == "" {
			bad("rule %s needs a title", r.ID)
		}
		if r.Description == "" {
			bad("rule %s needs a description", r.ID)
		}
		if prev, dup := ids[r.ID]; dup {
			bad("rule id %s is declared twice (also in %s)", r.ID, prev)
		}
		ids[r.ID] = file
		if !hasReportRule(mods[file]) {
			bad("rule %s (package %s) has no `report contains finding if {...}` rule", r.ID, pkg)
		}
		rr := r
		byPkg[r.Package] = &rr
	}
	if len(errs) > 0 {
		return nil, nil, PolicyError{Errors: errs}
	}
	var cat []Rule
	for _, r := range byPkg {
		cat = append(cat, *r)
	}
	sort.Slice(cat, func(i, j int) bool { return cat[i].ID < cat[j].ID })
	for i := range cat {
		byPkg[cat[i].Package] = &cat[i]
	}
	return cat, byPkg, nil
}

func hasReportRule(m *ast.Module) bool {
	if m == nil {
		return false
	}
	for _, r := range m.Rules {
		if r.Head.Name.String() == "report" || (len(r.Head.Reference) > 0 && r.Head.Reference[0].Value.String() == "report") {
			if r.Head.RuleKind() == ast.MultiValue {
				return true
			}
		}
	}
	return false
}

// Describe formats a rule on one line, for listings.
func (r Rule) Describe() string {
	return fmt.Sprintf("%s %-8s %s: %s", r.ID, r.Severity, r.Name, r.Title)
}
