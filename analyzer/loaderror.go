package analyzer

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/schema"
	"go.yaml.in/yaml/v4"

	"github.com/swarmlint/swarmlint/internal/lazyre"
)

// fail records why the stack does not load. err is an *InputError with a
// position (from the YAML parser or the bounds checks).
func (sd *stackData) fail(err error, kind string) {
	le := LoadError{Stack: sd.name, Kind: kind, Message: errMsg(err), Ref: Ref{Src: sd.src}}
	var ie *InputError
	if errors.As(err, &ie) {
		le.File = ie.File
		le.Ref = sd.exactRef(ie.File, ie.Line, ie.Col)
	}
	if le.File == "" {
		le.File = sd.files[0]
		le.Ref = sd.exactRef(le.File, 1, 1)
	}
	sd.loadErrors = append(sd.loadErrors, le)
}

// exactRef is an exact-region Ref at the token that starts at line:col of
// file (clamped into the file: the YAML parser reports an unexpected end of
// the file on the line after the last one).
func (sd *stackData) exactRef(file string, line, col int) Ref {
	var src []byte
	for _, d := range sd.docs {
		if d.File == file {
			src = d.Src
		}
	}
	if src == nil {
		src = sd.text[file]
	}
	r := tokenRegion(src, line, col)
	return Ref{Src: sd.src, File: file, Line: r.StartLine, Col: r.StartCol, EndLine: r.EndLine, EndCol: r.EndCol}
}

// tokenRegion is the region of the token that starts at line:col (1-based,
// columns in code points) of src: a quoted string to its closing quote,
// anything else to the next space, `:`, `,`, `]`, `}` or `#`. A position past
// the end of a line or of the file moves to the last character there.
func tokenRegion(src []byte, line, col int) Region {
	lines := SplitLines(string(src))
	for len(lines) > 1 && strings.TrimSpace(lines[len(lines)-1]) == "" && line >= len(lines) {
		lines = lines[:len(lines)-1]
	}
	if line < 1 {
		line = 1
	}
	if line > len(lines) {
		line = len(lines)
	}
	text := []rune(lines[line-1])
	if col < 1 {
		col = 1
	}
	if col > len(text) {
		col = max(1, len(text))
	}
	end := col
	if col <= len(text) {
		switch q := text[col-1]; q {
		case '"', '\'':
			end = col + 1
			for end <= len(text) && text[end-1] != q {
				end++
			}
			end = min(end+1, len(text)+1)
		default:
			for end <= len(text) && !strings.ContainsRune(" \t:,]}#", text[end-1]) {
				end++
			}
		}
	}
	if end <= col {
		end = col + 1
	}
	return Region{StartLine: line, StartCol: col, EndLine: line, EndCol: end}
}

// locateLoadError turns a compose-go error into a load error at the key or
// value it is about, in plain words.
func (sd *stackData) locateLoadError(err error) LoadError {
	le := LoadError{Stack: sd.name, Kind: "schema"}
	path, text, ok := loadErrorPath(err)
	if !ok && sd.yamlFile(err.Error()) != "" && (errors.As(err, new(*yaml.LoadErrors)) || errors.As(err, new(*yaml.LoadError))) {
		// The loaders' own YAML decoding failed where the position-keeping
		// parse did not, e.g. on excessive aliasing (an alias bomb).
		ie := yamlError(sd.yamlFile(err.Error()), err).(*InputError)
		le.Kind, le.File, le.Message = "yaml", ie.File, ie.Msg
		le.Ref = sd.exactRef(ie.File, ie.Line, ie.Col)
		return le
	}
	if strings.HasPrefix(err.Error(), "failed to parse ") {
		le.Kind = "merge"
	}
	if path == "" {
		path = sd.volumeSpecPath(text)
	}
	le.Message = plainLoadMessage(path, text)
	if m := additionalRe().FindStringSubmatch(text); m != nil && path != "" {
		if keys := quotedKeyRe().FindAllStringSubmatch(m[1], -1); len(keys) == 1 {
			path += "." + strings.ReplaceAll(keys[0][1], ".", "👻") // point at the unknown key itself
		}
	}
	if path != "" {
		segs := splitDotted(path)
		if r, _ := Locate(sd.docs, segs); r.File != "" {
			le.File = r.File
			// The deepest part of the path that is in the file.
			le.Ref = Ref{Src: sd.src, File: r.File, Path: deepestPath(sd.docs, segs)}
			return le
		}
	}
	le.File = sd.files[len(sd.files)-1]
	if len(sd.files) > 1 {
		le.File = sd.files[0]
	}
	le.Ref = sd.exactRef(le.File, 1, 1)
	return le
}

// deepestPath is the longest prefix of path found in one of docs.
func deepestPath(docs []*Doc, path []any) []any {
	path = normalizePath(path)
	best := 0
	for _, d := range docs {
		if d == nil || d.root() == nil {
			continue
		}
		best = max(best, d.resolve(path).depth)
	}
	return path[:best]
}

var (
	falseSchemaRe  = lazyre.New(`^(\S+) (?:false schema|additional properties? .* not allowed)`)
	additionalRe   = lazyre.New(`additional properties? ((?:'[^']*'(?:, )?)+) not allowed`)
	wrongNumberRe  = lazyre.New(`^wrong type for (\S+): ("[^"]*") is not a number$`)
	overflowRe     = lazyre.New(`^wrong type for (\S+): cannot parse value as '(u?int)\d*': (-?\d+) overflows`)
	mustBeRe       = lazyre.New(`^(\S+) must be an? (.+)$`)
	quotedKeyRe    = lazyre.New(`'([^']*)'`)
	sectionSingles = map[string]string{"services": "service", "networks": "network", "volumes": "volume", "secrets": "secret", "configs": "config"}
)

// plainLoadMessage words a compose-go load error for a user: which key or
// value of which service or network is wrong, and what was expected.
func plainLoadMessage(path, text string) string {
	segs := splitDotted(path)
	switch {
	case falseSchemaRe().MatchString(text) && len(segs) > 0:
		p := falseSchemaRe().FindStringSubmatch(text)[1]
		ps := splitDotted(p)
		key := fmt.Sprint(ps[len(ps)-1])
		parent := ps[:len(ps)-1]
		if m := additionalRe().FindStringSubmatch(text); m != nil {
			// "services.web additional properties 'portz' not allowed"
			parent = ps
			key = quotedKeyRe().FindStringSubmatch(m[1])[1]
		}
		msg := fmt.Sprintf("unknown key %q %s", key, where(parent))
		if s := suggestKey(parent, key); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return msg
	case wrongNumberRe().MatchString(text):
		m := wrongNumberRe().FindStringSubmatch(text)
		ps := splitDotted(m[1])
		return fmt.Sprintf("%q %s must be a number, got %s", fmt.Sprint(lastKey(ps)), where(ownerOf(ps)), m[2])
	case overflowRe().MatchString(text):
		m := overflowRe().FindStringSubmatch(text)
		ps := splitDotted(m[1])
		msg := fmt.Sprintf("%q %s: %s is not a number that fits", fmt.Sprint(lastKey(ps)), whereDeep(ps), m[3])
		if m[2] == "uint" && strings.HasPrefix(m[3], "-") {
			msg += " (it must be 0 or more)"
		}
		return msg
	case invalidSpecRe().MatchString(text) && len(segs) == 4 && segs[0] == "services" && segs[2] == "volumes":
		spec := invalidSpecRe().FindStringSubmatch(text)[1]
		reason := strings.TrimPrefix(text, "invalid spec: "+spec+": ")
		return fmt.Sprintf("volume %q of service %q is not valid: %s", spec, fmt.Sprint(segs[1]), reason)
	case mustBeRe().MatchString(text):
		m := mustBeRe().FindStringSubmatch(text)
		ps := splitDotted(m[1])
		return fmt.Sprintf("%q %s must be %s", fmt.Sprint(lastKey(ps)), where(ownerOf(ps)), article(m[2]))
	}
	return text
}

// whereDeep names where the last key of a path is, for paths through lists
// (`in ports.0 of service "web"`).
func whereDeep(ps []any) string {
	for i := len(ps) - 1; i >= 0; i-- {
		if _, ok := ps[i].(string); ok {
			return where(ps[:i])
		}
	}
	return where(nil)
}

// lastKey is the last string segment of a path (list indexes skipped).
func lastKey(ps []any) any {
	for i := len(ps) - 1; i >= 0; i-- {
		if s, ok := ps[i].(string); ok {
			return s
		}
	}
	return ""
}

// ownerOf drops the last key (and list indexes after it) from a path.
func ownerOf(ps []any) []any {
	for i := len(ps) - 1; i >= 0; i-- {
		if _, ok := ps[i].(string); ok {
			return ps[:i]
		}
	}
	return nil
}

func article(s string) string {
	if strings.HasPrefix(s, "a ") || strings.HasPrefix(s, "an ") {
		return s
	}
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// where names a mapping by its path: `at the top level`, `in service "web"`,
// `in deploy of service "web"`, `in networks.back.ipam`.
func where(parent []any) string {
	switch {
	case len(parent) == 0:
		return "at the top level"
	case len(parent) == 1:
		return fmt.Sprintf("in %s", parent[0])
	}
	sec, _ := parent[0].(string)
	kind, ok := sectionSingles[sec]
	if !ok {
		return "in " + joinPath(parent)
	}
	owner := fmt.Sprintf("%s %q", kind, fmt.Sprint(parent[1]))
	if len(parent) == 2 {
		return "in " + owner
	}
	return fmt.Sprintf("in %s of %s", joinPath(parent[2:]), owner)
}

func joinPath(p []any) string {
	parts := make([]string, len(p))
	for i, s := range p {
		parts[i] = fmt.Sprint(s)
	}
	return strings.Join(parts, ".")
}

var (
	composeSchemaOnce sync.Once
	composeSchema     map[string]any
)

// suggestKey returns the key allowed under parent (by the Compose schema
// compose-go validates with) that is closest to key, "" when none is close.
func suggestKey(parent []any, key string) string {
	composeSchemaOnce.Do(func() {
		_ = json.Unmarshal([]byte(schema.Schema), &composeSchema)
	})
	if composeSchema == nil {
		return ""
	}
	node := composeSchema
	for _, seg := range parent {
		node = schemaChild(node, seg)
		if node == nil {
			return ""
		}
	}
	var keys []string
	for _, n := range schemaAlternatives(node) {
		if props, ok := n["properties"].(map[string]any); ok {
			for k := range props {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	best, bestD := "", 0
	for _, k := range keys {
		d := editDistance(strings.ToLower(key), strings.ToLower(k))
		if limit := max(1, utf8.RuneCountInString(k)/3); d <= limit && (best == "" || d < bestD) {
			best, bestD = k, d
		}
	}
	return best
}

// schemaAlternatives resolves $ref and expands oneOf/anyOf/allOf into the
// object schemas a value may match.
func schemaAlternatives(n map[string]any) []map[string]any {
	var out []map[string]any
	var visit func(n map[string]any, depth int)
	visit = func(n map[string]any, depth int) {
		if n == nil || depth > 8 {
			return
		}
		if ref, ok := n["$ref"].(string); ok {
			visit(schemaRef(ref), depth+1)
		}
		out = append(out, n)
		for _, k := range []string{"oneOf", "anyOf", "allOf"} {
			if alts, ok := n[k].([]any); ok {
				for _, a := range alts {
					if m, ok := a.(map[string]any); ok {
						visit(m, depth+1)
					}
				}
			}
		}
	}
	visit(n, 0)
	return out
}

func schemaRef(ref string) map[string]any {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		return nil
	}
	defs, _ := composeSchema["$defs"].(map[string]any)
	m, _ := defs[name].(map[string]any)
	return m
}

// schemaChild is the schema of the value at seg (a key or a list index)
// below a value matching n.
func schemaChild(n map[string]any, seg any) map[string]any {
	for _, alt := range schemaAlternatives(n) {
		if _, isIndex := seg.(int); isIndex {
			if items, ok := alt["items"].(map[string]any); ok {
				return items
			}
			continue
		}
		key := fmt.Sprint(seg)
		if props, ok := alt["properties"].(map[string]any); ok {
			if c, ok := props[key].(map[string]any); ok {
				return c
			}
		}
		if pats, ok := alt["patternProperties"].(map[string]any); ok {
			for pat, c := range pats {
				if re, err := regexp.Compile(pat); err == nil && re.MatchString(key) && !strings.HasPrefix(pat, "^x-") {
					if m, ok := c.(map[string]any); ok {
						return m
					}
				}
			}
		}
		if add, ok := alt["additionalProperties"].(map[string]any); ok {
			return add
		}
	}
	return nil
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
