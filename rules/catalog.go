package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/swarmlint/swarmlint/internal/lazyre"
)

var (
	builtinIDRe = lazyre.New(`^SWL[0-9]{3}$`)
	customIDRe  = lazyre.New(`^[A-Z][A-Z0-9]{1,9}[0-9]{3}$`)
	nameRe      = lazyre.New(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// CustomIDPattern describes the ids custom rules may use, for messages.
const CustomIDPattern = "an upper-case prefix of 2-10 letters or digits followed by three digits, e.g. ACME001"

var categoryDigit = map[string]byte{"deploy": '0', "ports": '1', "addressing": '2', "encryption": '3', "ingress": '4', "cluster": '5'}

// ValidCustomID reports why id cannot be a custom rule id, or nil.
func ValidCustomID(id string) error {
	if strings.HasPrefix(strings.ToUpper(id), "SWL") {
		return fmt.Errorf("custom rule id %q uses the reserved prefix SWL (built-in rules); choose your own prefix, e.g. ACME001", id)
	}
	if !customIDRe().MatchString(id) {
		return fmt.Errorf("custom rule id %q must be %s", id, CustomIDPattern)
	}
	return nil
}

// buildCatalog reads every package-scoped METADATA block that has
// custom.id: the catalog is built from METADATA only. Custom rules are
// checked as strictly as built-ins, and every error points at the
// offending METADATA line.
func buildCatalog(c *ast.Compiler, mods map[string]*ast.Module, custom map[string]bool) ([]Rule, map[string]*Rule, error) {
	var errs ast.Errors
	byPkg := map[string]*Rule{}
	// declared remembers where each id and name was first declared, so that
	// a clash between a custom rule and a built-in is reported in the custom
	// rule's file: the built-in's path is not in the user's repository.
	type declared struct {
		id, file string
		custom   bool
		bad      func(key, format string, args ...any)
	}
	ids := map[string]declared{}
	names := map[string]declared{}
	reportIn := map[string]bool{} // package path → some module of it has a report rule
	for _, m := range mods {
		if hasReportRule(m) {
			reportIn[m.Package.Path.String()] = true
		}
	}
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
		mod := mods[file]
		r := Rule{Package: "data." + pkg, File: file, Custom: custom[file], Title: a.Title, Description: strings.TrimSpace(a.Description)}
		r.ID, _ = a.Custom["id"].(string)
		r.Name, _ = a.Custom["name"].(string)
		r.Severity, _ = a.Custom["severity"].(string)
		r.Remediation, _ = a.Custom["remediation"].(string)
		r.Security, _ = a.Custom["security"].(bool)
		r.Summary, _ = a.Custom["summary"].(string)
		r.Summary = strings.Join(strings.Fields(r.Summary), " ")
		if r.Summary == "" {
			r.Summary = FirstParagraph(r.Description)
		}
		for _, rr := range a.RelatedResources {
			if rr.Ref.String() != "" {
				r.Related = append(r.Related, Link{Description: rr.Description, URL: rr.Ref.String()})
			}
		}
		// bad reports an error at the METADATA line of key ("" = the block).
		bad := func(key, format string, args ...any) {
			errs = append(errs, ast.NewError(ast.CompileErr, metadataLoc(mod, a, ref.Location, key), format, args...))
		}
		if fv, ok := a.Custom["fix"]; ok {
			m, _ := fv.(map[string]any)
			desc, _ := m["description"].(string)
			safe, isBool := m["safe"].(bool)
			if m == nil || strings.TrimSpace(desc) == "" || !isBool {
				bad("fix", "custom.fix must have description (what the fix does, a sentence) and safe (true or false)")
			} else {
				r.Fix = &FixInfo{Description: strings.Join(strings.Fields(desc), " "), Safe: safe}
			}
		}
		if s, ok := a.Custom["summary"]; ok {
			if _, isString := s.(string); !isString {
				bad("summary", "custom.summary must be a string: the description in a few sentences")
			}
		}
		if _, isString := a.Custom["id"].(string); !isString {
			bad("id", "custom.id must be a string, e.g. id: ACME001")
		}
		for _, k := range topLevelMetadataKeys(mod, a) {
			if !opaMetadataKeys[k] {
				bad(k, "rule %s: unknown METADATA key %s%s; OPA reads %s (swarmlint's own keys go under custom:)", r.ID, k,
					didYouMean(k, sortedKeys(knownCustomKeys)), strings.Join(sortedKeys(opaMetadataKeys), ", "))
			}
		}
		for _, k := range sortedKeys(a.Custom) {
			if !knownCustomKeys[k] {
				bad(k, "rule %s: unknown METADATA key custom.%s%s; swarmlint reads custom.%s", r.ID, k, didYouMean(k, sortedKeys(knownCustomKeys)),
					strings.Join(sortedKeys(knownCustomKeys), ", custom."))
			}
		}
		parts := strings.Split(pkg, ".")
		if !r.Custom {
			if len(parts) == 4 && parts[0] == "swarmlint" && parts[1] == "rules" {
				r.Category = parts[2]
			}
			if !builtinIDRe().MatchString(r.ID) {
				bad("id", "built-in rule id %q must look like SWL123", r.ID)
			} else if d, ok := categoryDigit[r.Category]; !ok || r.ID[3] != d {
				bad("id", "rule %s is in category %q, whose ids start with SWL%c", r.ID, r.Category, categoryDigit[r.Category])
			}
		} else {
			r.Category = "custom"
			if err := ValidCustomID(r.ID); err != nil {
				bad("id", "%v", err)
			}
			if r.Name == "" {
				// Custom rules may leave the name out: it comes from the package.
				r.Name = strings.ReplaceAll(strings.Trim(parts[len(parts)-1], `"[]`), "_", "-")
			}
		}
		if !nameRe().MatchString(r.Name) {
			bad("name", "rule %s needs custom.name in kebab-case (e.g. my-rule-name), not %q", r.ID, r.Name)
		}
		switch {
		case r.Severity == "":
			bad("", "rule %s needs custom.severity: error, warning or note", r.ID)
		case !validSeverity(r.Severity):
			bad("severity", "rule %s: custom.severity must be error, warning or note, not %q", r.ID, r.Severity)
		}
		if r.Title == "" {
			bad("", "rule %s needs a title", r.ID)
		}
		if r.Description == "" {
			bad("", "rule %s needs a description", r.ID)
		}
		here := declared{id: r.ID, file: file, custom: r.Custom, bad: bad}
		if prev, dup := ids[r.ID]; dup {
			bad("id", "rule id %s is declared twice (also in %s)", r.ID, prev.file)
		} else {
			ids[r.ID] = here
		}
		if prev, dup := names[r.Name]; dup && r.Name != "" {
			switch {
			case here.custom && !prev.custom:
				bad("name", "rule %s: custom.name %s is the name of built-in rule %s; choose another name", r.ID, r.Name, prev.id)
			case prev.custom && !here.custom:
				prev.bad("name", "rule %s: custom.name %s is the name of built-in rule %s; choose another name", prev.id, r.Name, r.ID)
			default:
				bad("name", "rule name %s is used twice (also by %s)", r.Name, prev.id)
			}
		} else {
			names[r.Name] = here
		}
		if !reportIn[r.Package] {
			errs = append(errs, ast.NewError(ast.CompileErr, ref.Location,
				"rule %s (package %s) has no `report contains finding if {...}` rule", r.ID, pkg))
		}
		rr := r
		byPkg[r.Package] = &rr
	}
	// A custom package with a report rule but no id would silently never run.
	for _, file := range sortedKeys(mods) {
		m := mods[file]
		if custom[file] && hasReportRule(m) && byPkg[m.Package.Path.String()] == nil {
			errs = append(errs, ast.NewError(ast.CompileErr, m.Package.Location,
				"package %s has a report rule but no package METADATA with custom.id; put a `# METADATA` block with title, description and custom.id/severity right above the package line",
				strings.TrimPrefix(m.Package.Path.String(), "data.")))
		}
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

// metadataLoc finds the line of `key:` in the METADATA block a, so that an
// error points at the offending line; it falls back to the block, then to
// the annotated node.
func metadataLoc(m *ast.Module, a *ast.Annotations, node *ast.Location, key string) *ast.Location {
	if a.Location == nil {
		return node
	}
	if key == "" || m == nil {
		return a.Location
	}
	comments := append([]*ast.Comment{}, m.Comments...)
	sort.Slice(comments, func(i, j int) bool { return comments[i].Location.Row < comments[j].Location.Row })
	row := a.Location.Row
	for _, c := range comments {
		if c.Location == nil || c.Location.File != a.Location.File || c.Location.Row < row {
			continue
		}
		if c.Location.Row > row+1 {
			break // the block ended
		}
		row = c.Location.Row
		text := strings.TrimSpace(string(c.Text))
		if k, _, ok := strings.Cut(text, ":"); ok && strings.TrimSpace(k) == key {
			return c.Location
		}
	}
	return a.Location
}

// knownCustomKeys are the METADATA custom keys swarmlint reads: any other
// key is a typo (severty) or a setting swarmlint does not have (helpUri),
// which would otherwise be ignored without a word.
var knownCustomKeys = map[string]bool{"id": true, "name": true, "severity": true, "remediation": true, "security": true, "summary": true, "fix": true}

// opaMetadataKeys are the top-level METADATA keys OPA reads; it ignores
// any other without a word.
var opaMetadataKeys = map[string]bool{"scope": true, "title": true, "description": true, "related_resources": true,
	"authors": true, "organizations": true, "schemas": true, "entrypoint": true, "custom": true, "compile": true}

// topLevelMetadataKeys lists the keys at the top level of a METADATA block,
// read from its comment lines (OPA keeps only the keys it knows).
func topLevelMetadataKeys(m *ast.Module, a *ast.Annotations) []string {
	if m == nil || a.Location == nil {
		return nil
	}
	comments := append([]*ast.Comment{}, m.Comments...)
	sort.Slice(comments, func(i, j int) bool { return comments[i].Location.Row < comments[j].Location.Row })
	var keys []string
	row := a.Location.Row
	for _, c := range comments {
		if c.Location == nil || c.Location.File != a.Location.File || c.Location.Row <= a.Location.Row {
			continue
		}
		if c.Location.Row > row+1 {
			break // the block ended
		}
		row = c.Location.Row
		text := strings.TrimPrefix(string(c.Text), " ")
		if text == "" || text[0] == ' ' || text[0] == '\t' || text[0] == '-' || text[0] == '#' {
			continue // nested, a list item or a comment
		}
		if k, _, ok := strings.Cut(text, ":"); ok && metadataKeyRe().MatchString(k) {
			keys = append(keys, k)
		}
	}
	return keys
}

var metadataKeyRe = lazyre.New(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// didYouMean suggests the known word closest to w (edit distance at most
// 2), as " (did you mean x?)", or "".
func didYouMean(w string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(w), k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean custom.%s?)", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
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

// FirstParagraph is the first paragraph of a Markdown text, unwrapped onto
// one line.
func FirstParagraph(md string) string {
	var words []string
	for _, l := range strings.Split(strings.TrimSpace(md), "\n") {
		if strings.TrimSpace(l) == "" {
			break
		}
		words = append(words, strings.Fields(l)...)
	}
	return strings.Join(words, " ")
}
