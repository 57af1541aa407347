// Package docs embeds the generated rule pages so SARIF help.markdown and
// `swarmlint explain` carry the same text as docs/rules.
package docs

import (
	"embed"
	"strings"
)

//go:embed rules/*.md
var rulePages embed.FS

// RulePage returns the generated page of a built-in rule ("" if none).
func RulePage(id string) string {
	b, err := rulePages.ReadFile("rules/" + id + ".md")
	if err != nil {
		return ""
	}
	s := string(b)
	if i := strings.Index(s, "-->\n"); strings.HasPrefix(s, "<!--") && i > 0 {
		s = s[i+4:]
	}
	return s
}

// InputSchema is docs/input.schema.json: the JSON Schema of the model, the
// Rego input of every rule. Custom rules are type-checked against it.
//
//go:embed input.schema.json
var InputSchema []byte
