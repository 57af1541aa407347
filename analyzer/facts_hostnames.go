package analyzer

import (
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/swarmlint/swarmlint/internal/lazyre"
)

type textUse struct {
	where string
	path  []any
	text  string
}

func serviceText(sc types.ServiceConfig) []textUse {
	var out []textUse
	for _, k := range sortedKeys(sc.Environment) {
		if v := sc.Environment[k]; v != nil {
			out = append(out, textUse{"environment", []any{"services", sc.Name, "environment", k}, *v})
		}
	}
	for i, c := range sc.Command {
		out = append(out, textUse{"command", []any{"services", sc.Name, "command", i}, c})
	}
	for i, c := range sc.Entrypoint {
		out = append(out, textUse{"entrypoint", []any{"services", sc.Name, "entrypoint", i}, c})
	}
	return out
}

var hostTokenRe = lazyre.New(`[A-Za-z0-9][A-Za-z0-9._-]*`)

// hostnames finds, per service, tokens in environment/command that name
// another service of the swarm: its key within the stack, its swarm name,
// an alias, or, over a network the two share, the other stack's service
// key (docker/cli convertServiceNetworks adds the key as an alias on every
// user-defined network, so a stack using another's network as external
// resolves that stack's services by key).
func (b *builder) hostnames() {
	byStack := map[string]map[string]string{} // stack -> name -> service id
	global := map[string]string{}
	onNetwork := map[string]map[string]string{} // network id -> key or alias -> service id
	for _, id := range sortedKeys(b.m.Services) {
		s := b.m.Services[id]
		if byStack[s.Stack] == nil {
			byStack[s.Stack] = map[string]string{}
		}
		byStack[s.Stack][s.Key] = id
		global[s.Name] = id
		for _, sn := range s.Networks {
			for _, a := range sn.Aliases {
				byStack[s.Stack][a] = id
			}
			if sn.Network == "" {
				continue
			}
			if onNetwork[sn.Network] == nil {
				onNetwork[sn.Network] = map[string]string{}
			}
			for _, a := range append([]string{s.Key}, sn.Aliases...) {
				if _, taken := onNetwork[sn.Network][a]; !taken {
					onNetwork[sn.Network][a] = id
				}
			}
		}
	}
	// viaNetwork finds a service of another stack that s reaches by key or
	// alias over one of its networks.
	viaNetwork := func(s *Service, tok string) (string, bool) {
		for _, sn := range s.Networks {
			if other, ok := onNetwork[sn.Network][tok]; ok && sn.Network != "" && b.m.Services[other].Stack != s.Stack {
				return other, true
			}
		}
		return "", false
	}
	for _, id := range sortedKeys(b.m.Services) {
		s := b.m.Services[id]
		seen := map[string]bool{}
		for _, tu := range b.texts[id] {
			for _, loc := range hostTokenRe().FindAllStringIndex(tu.text, -1) {
				if !hostPosition(tu.text, loc[0], loc[1]) {
					continue
				}
				tok := strings.TrimRight(tu.text[loc[0]:loc[1]], ".")
				other, ok := byStack[s.Stack][tok]
				if !ok {
					other, ok = global[tok]
				}
				if !ok {
					other, ok = viaNetwork(s, tok)
				}
				if !ok || other == id || seen[other+"\x00"+tu.where] {
					continue
				}
				seen[other+"\x00"+tu.where] = true
				path := append([]any{}, tu.path...)
				path[1] = s.Key
				s.Hostnames = append(s.Hostnames, Hostname{Host: tok, Service: other, Where: tu.where,
					Ref: Ref{Src: "stack:" + s.Stack, Path: path}})
			}
		}
	}
}

// hostPosition reports whether text[a:b] stands where a host name can:
// not a URL scheme ("redis://"), a path segment ("/var/lib/postgres"), a
// flag ("--db") or a key ("db=..."). "http://db:5432", "db:3306" and
// "DB_HOST=db" keep it.
func hostPosition(text string, a, b int) bool {
	rest := text[b:]
	if strings.HasPrefix(rest, "://") || strings.HasPrefix(rest, "=") {
		return false
	}
	if a > 0 {
		switch text[a-1] {
		case '-', '$', '{':
			return false
		case '/':
			return a > 1 && text[a-2] == '/'
		}
	}
	return true
}
