package lint

import (
	"fmt"
	"strings"

	"github.com/swarmlint/swarmlint/rules"
)

// Selection decides which rules run, from --enable/--disable patterns.
type Selection struct {
	enable, disable []string
}

// NewSelection validates patterns against the catalog: each must name an
// id, an id prefix ending in * (SWL2*), or a rule name.
func NewSelection(cat []rules.Rule, enable, disable []string) (*Selection, error) {
	for _, p := range append(append([]string{}, enable...), disable...) {
		found := false
		for _, r := range cat {
			if matchRule(p, &r) {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("no rule matches %q: use an id (SWL101), a prefix (SWL1*) or a name (dnsrr-with-ingress-port); `swarmlint rules` lists them", p)
		}
	}
	return &Selection{enable: enable, disable: disable}, nil
}

func matchRule(p string, r *rules.Rule) bool {
	p = strings.TrimSpace(p)
	if strings.HasSuffix(p, "*") {
		return strings.HasPrefix(strings.ToUpper(r.ID), strings.ToUpper(strings.TrimSuffix(p, "*")))
	}
	return strings.EqualFold(p, r.ID) || p == r.Name
}

// Enabled reports whether r runs: with --enable only the named rules run;
// --disable removes rules.
func (s *Selection) Enabled(r *rules.Rule) bool {
	if s == nil {
		return true
	}
	on := len(s.enable) == 0
	for _, p := range s.enable {
		if matchRule(p, r) {
			on = true
		}
	}
	for _, p := range s.disable {
		if matchRule(p, r) {
			on = false
		}
	}
	return on
}
