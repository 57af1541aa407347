package analyzer

import (
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// unknownMark is the value a required variable without value is loaded
// with, so that the rest of the file can be linted: `docker stack deploy`
// refuses the file until the variable is set, and swarmlint does not guess
// the value. Model values that contain the mark are unknown to the rules.
// Where docker/cli converts the value to a number or boolean the mark would
// not convert: 0 and false stand in for it there.
const unknownMark = "swarmlint-unknown-value"

// isUnknown reports whether a loaded value contains a variable whose value
// is unknown.
func isUnknown(s string) bool { return strings.Contains(s, unknownMark) }

// unknownSubnet stands in for a subnet whose value is unknown: the Compose
// schema wants a CIDR there. Its host bits make it no subnet anyone writes.
const unknownSubnet = "0.0.0.1/32"

// durationKeys hold a duration, which the Compose schema checks.
var durationKeys = map[string]bool{"interval": true, "timeout": true, "start_period": true, "start_interval": true,
	"delay": true, "monitor": true, "window": true, "stop_grace_period": true}

// byteKeys hold a byte size (`512M`), which the loader parses.
var byteKeys = map[string]bool{"memory": true, "shm_size": true, "size": true}

// standIn is the value an unknown variable at path is loaded with: one the
// loader accepts there.
func standIn(path []any) string {
	switch castFor(dockerField(path)) {
	case "int", "float":
		return "0"
	case "bool":
		return "false"
	}
	keys := keysOnly(path)
	if len(keys) > 0 {
		switch last := keys[len(keys)-1]; {
		case last == "subnet":
			return unknownSubnet
		case durationKeys[last]:
			return "0s"
		case byteKeys[last]:
			return "0"
		}
	}
	return unknownMark
}

// unknownVariables returns the environment to load the stack with: env plus
// a stand-in for every required variable (`${VAR?msg}`, `${VAR:?msg}`) that
// has no value, recorded in sd.unknown.
func (sd *stackData) unknownVariables(env map[string]string) map[string]string {
	sd.unknown = map[string]string{}
	for _, d := range sd.docs {
		walkScalars(d.Root, nil, func(n *yaml.Node, path []any) {
			for _, m := range varRe().FindAllStringSubmatch(strings.ReplaceAll(n.Value, "$$", ""), -1) {
				name, op, _ := splitVariable(m[1])
				if op != "?" && op != ":?" {
					continue
				}
				if v, set := env[name]; set && (v != "" || op == "?") {
					continue
				}
				stand := standIn(path)
				if prev, ok := sd.unknown[name]; !ok || prev == unknownMark {
					sd.unknown[name] = stand
				}
			}
		})
	}
	if len(sd.unknown) == 0 {
		return env
	}
	out := maps.Clone(env)
	maps.Copy(out, sd.unknown)
	return out
}

// unknownCaused reports whether a load error comes from a stand-in value:
// the error quotes it, or it is about a field that uses an unknown variable.
func (sd *stackData) unknownCaused(err error) bool {
	if len(sd.unknown) == 0 {
		return false
	}
	if isUnknown(err.Error()) {
		return true
	}
	path, _, _ := loadErrorPath(err)
	if path == "" {
		return false
	}
	segs := keysOnly(splitDotted(path))
	caused := false
	for _, d := range sd.docs {
		walkScalars(d.Root, nil, func(n *yaml.Node, p []any) {
			keys := keysOnly(p)
			if caused || len(keys) < len(segs) || !slices.Equal(keys[:len(segs)], segs) {
				return
			}
			for _, m := range varRe().FindAllStringSubmatch(n.Value, -1) {
				if name, _, _ := splitVariable(m[1]); sd.unknown[name] != "" {
					caused = true
				}
			}
		})
	}
	return caused
}

// keysOnly keeps the mapping keys of a path (list indexes dropped, as in
// docker/cli's interpolation paths: services.web.ports.[].published).
func keysOnly(p []any) []string {
	var out []string
	for _, s := range p {
		if k, ok := s.(string); ok {
			out = append(out, k)
		}
	}
	return out
}

// splitVariable splits the inside of ${...} into name, operator and the
// rest (default value or message).
func splitVariable(expr string) (name, op, rest string) {
	for i, c := range expr {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			for _, o := range []string{":-", ":?", ":+", "-", "?", "+"} {
				if strings.HasPrefix(expr[i:], o) {
					return expr[:i], o, expr[i+len(o):]
				}
			}
			return expr[:i], "", expr[i:]
		}
	}
	return expr, "", ""
}

// walkScalars calls fn for every scalar of a document with its path.
func walkScalars(n *yaml.Node, path []any, fn func(n *yaml.Node, path []any)) {
	var walk func(n *yaml.Node, path []any, depth int)
	walk = func(n *yaml.Node, path []any, depth int) {
		if n == nil || depth > 64 {
			return
		}
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path, depth+1)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], append(append([]any{}, path...), n.Content[i].Value), depth+1)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, append(append([]any{}, path...), i), depth+1)
			}
		case yaml.ScalarNode:
			if strings.Contains(n.Value, "$") {
				fn(n, path)
			}
		}
	}
	walk(n, path, 0)
}
