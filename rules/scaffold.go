package rules

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/swarmlint/swarmlint/internal/lazyre"
	"github.com/swarmlint/swarmlint/internal/safeio"
)

//go:embed scaffold/*.tmpl
var scaffoldFS embed.FS

// scaffoldTemplates are parsed on first use: only new-rule needs them.
var scaffoldTemplates = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(scaffoldFS, "scaffold/*.tmpl"))
})

// DefaultCustomPrefix is the id prefix new-rule uses without --id.
const DefaultCustomPrefix = "CUSTOM"

// ScaffoldOptions describe a new custom rule.
type ScaffoldOptions struct {
	Name     string // kebab-case, starting with a letter: no-latest-tag
	ID       string // ACME001
	Severity string // error, warning or note
}

var scaffoldNameRe = lazyre.New(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Scaffold returns the files of a new custom rule, by path relative to the
// policy directory: the rule, its Rego tests and a bad and a good fixture.
// The rule is a working example (it flags unpinned images) that passes
// `swarmlint test` and fires on its bad fixture.
func Scaffold(o ScaffoldOptions) (map[string][]byte, error) {
	if !scaffoldNameRe().MatchString(o.Name) {
		return nil, fmt.Errorf("rule name %q must be kebab-case and start with a letter, e.g. no-latest-tag", o.Name)
	}
	if err := ValidCustomID(o.ID); err != nil {
		return nil, err
	}
	if !validSeverity(o.Severity) {
		return nil, fmt.Errorf("severity %q: want error, warning or note", o.Severity)
	}
	prefix := strings.ToLower(strings.TrimRight(o.ID, "0123456789"))
	snake := strings.ReplaceAll(o.Name, "-", "_")
	data := map[string]string{
		"ID":       o.ID,
		"Name":     o.Name,
		"Snake":    snake,
		"Severity": o.Severity,
		"Package":  prefix + ".rules." + snake,
		"Title":    strings.ToUpper(o.Name[:1]) + strings.ReplaceAll(o.Name[1:], "-", " "),
	}
	if prefix == "swarmlint" {
		return nil, fmt.Errorf("id %s would put the rule in the reserved package data.swarmlint; choose another prefix", o.ID)
	}
	fixtures := filepath.ToSlash(filepath.Join("fixtures", o.ID+"-"+o.Name))
	files := map[string]string{
		snake + ".rego":        "rule.rego.tmpl",
		snake + "_test.rego":   "rule_test.rego.tmpl",
		fixtures + "/bad.yml":  "bad.yml.tmpl",
		fixtures + "/good.yml": "good.yml.tmpl",
	}
	return renderScaffold(files, data)
}

// ScaffoldBuiltin returns the files of a new built-in rule, by path relative
// to the repository root: policies/<category>/<name>.rego with its Rego
// tests, and fixtures/<ID>-<name>/ with a bad and a good fixture and the
// engine expectation (engine.json, pending until the engine suite has run
// the rule). The rule is the same working example as Scaffold's.
func ScaffoldBuiltin(o ScaffoldOptions, category string) (map[string][]byte, error) {
	d, ok := categoryDigit[category]
	if !ok {
		return nil, fmt.Errorf("category %q: want one of %s", category, strings.Join(sortedKeys(categoryDigit), ", "))
	}
	if !builtinIDRe().MatchString(o.ID) || o.ID[3] != d {
		return nil, fmt.Errorf("built-in rule id %q: want SWL%cnn for category %s", o.ID, d, category)
	}
	if !scaffoldNameRe().MatchString(o.Name) {
		return nil, fmt.Errorf("rule name %q must be kebab-case and start with a letter, e.g. no-latest-tag", o.Name)
	}
	if !validSeverity(o.Severity) {
		return nil, fmt.Errorf("severity %q: want error, warning or note", o.Severity)
	}
	snake := strings.ReplaceAll(o.Name, "-", "_")
	data := map[string]any{
		"ID": o.ID, "Name": o.Name, "Snake": snake, "Severity": o.Severity, "Builtin": true,
		"Package": "swarmlint.rules." + category + "." + snake,
		"Title":   strings.ToUpper(o.Name[:1]) + strings.ReplaceAll(o.Name[1:], "-", " "),
	}
	policy := "policies/" + category + "/" + snake
	fixtures := "fixtures/" + o.ID + "-" + o.Name
	files := map[string]string{
		policy + ".rego":          "rule.rego.tmpl",
		policy + "_test.rego":     "rule_test.rego.tmpl",
		fixtures + "/bad.yml":     "bad.yml.tmpl",
		fixtures + "/good.yml":    "good.yml.tmpl",
		fixtures + "/engine.json": "engine.json.tmpl",
	}
	return renderScaffold(files, data)
}

// renderScaffold executes each file's template (files maps the output path
// to the template name) with data.
func renderScaffold(files map[string]string, data any) (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, tmpl := range files {
		var b bytes.Buffer
		if err := scaffoldTemplates().ExecuteTemplate(&b, tmpl, data); err != nil {
			return nil, err
		}
		out[name] = b.Bytes()
	}
	return out, nil
}

// NextBuiltinID returns the next free id of a category among the rules in
// policyDir and the fixture folders in fixturesDir: one above the highest.
func NextBuiltinID(policyDir, fixturesDir, category string) (string, error) {
	d, ok := categoryDigit[category]
	if !ok {
		return "", fmt.Errorf("category %q: want one of %s", category, strings.Join(sortedKeys(categoryDigit), ", "))
	}
	ids, err := UsedCustomIDs(policyDir)
	if err != nil {
		return "", err
	}
	ents, _ := os.ReadDir(fixturesDir)
	for _, e := range ents {
		if id, _, ok := strings.Cut(e.Name(), "-"); ok && builtinIDRe().MatchString(id) {
			ids[id] = true
		}
	}
	max := -1
	for id := range ids {
		if builtinIDRe().MatchString(id) && id[3] == d {
			if n, err := strconv.Atoi(id[4:]); err == nil && n > max {
				max = n
			}
		}
	}
	if max >= 99 {
		return "", fmt.Errorf("no free id left in category %s", category)
	}
	return fmt.Sprintf("SWL%c%02d", d, max+1), nil
}

var metadataIDRe = lazyre.New(`(?m)^#\s+id:\s*"?([A-Z][A-Z0-9]*?)([0-9]{3})"?\s*$`)

// UsedCustomIDs returns the ids declared in METADATA (`#   id: ACME001`
// lines) of the .rego files below dir; a missing dir has none.
func UsedCustomIDs(dir string) (map[string]bool, error) {
	ids := map[string]bool{}
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return ids, nil
	}
	err := walkRego(dir, safeio.RepoRoot("."), func(_ string, b []byte) {
		for _, m := range metadataIDRe().FindAllSubmatch(b, -1) {
			ids[string(m[1])+string(m[2])] = true
		}
	})
	return ids, err
}

// NextCustomID returns prefix followed by the next free three-digit number
// among the ids declared below dir (prefix + "001" when there are none).
func NextCustomID(dir, prefix string) (string, error) {
	ids, err := UsedCustomIDs(dir)
	if err != nil {
		return "", err
	}
	max := 0
	for id := range ids {
		if num, ok := strings.CutPrefix(id, prefix); ok && len(num) == 3 {
			if n, err := strconv.Atoi(num); err == nil && n > max {
				max = n
			}
		}
	}
	if max >= 999 {
		return "", fmt.Errorf("no free id with prefix %s in %s; pass --id", prefix, dir)
	}
	return fmt.Sprintf("%s%03d", prefix, max+1), nil
}
