package analyzer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/template"
	"go.yaml.in/yaml/v4"

	"github.com/swarmlint/swarmlint/internal/lazyre"
)

// castPaths are the values docker/cli converts after interpolation
// (cli/compose/loader/interpolate.go): a variable that leaves them empty or
// non-numeric makes docker stack deploy fail. "*" is any key, "[]" a list item.
var castPaths = []struct {
	path []string
	cast string
}{
	{[]string{"services", "*", "configs", "[]", "mode"}, "int"},
	{[]string{"services", "*", "secrets", "[]", "mode"}, "int"},
	{[]string{"services", "*", "healthcheck", "retries"}, "int"},
	{[]string{"services", "*", "healthcheck", "disable"}, "bool"},
	{[]string{"services", "*", "deploy", "replicas"}, "int"},
	{[]string{"services", "*", "deploy", "update_config", "parallelism"}, "int"},
	{[]string{"services", "*", "deploy", "update_config", "max_failure_ratio"}, "float"},
	{[]string{"services", "*", "deploy", "rollback_config", "parallelism"}, "int"},
	{[]string{"services", "*", "deploy", "rollback_config", "max_failure_ratio"}, "float"},
	{[]string{"services", "*", "deploy", "restart_policy", "max_attempts"}, "int"},
	{[]string{"services", "*", "deploy", "placement", "max_replicas_per_node"}, "int"},
	{[]string{"services", "*", "ports", "[]", "target"}, "int"},
	{[]string{"services", "*", "ports", "[]", "published"}, "int"},
	{[]string{"services", "*", "ulimits", "*"}, "int"},
	{[]string{"services", "*", "ulimits", "*", "hard"}, "int"},
	{[]string{"services", "*", "ulimits", "*", "soft"}, "int"},
	{[]string{"services", "*", "privileged"}, "bool"},
	{[]string{"services", "*", "oom_score_adj"}, "int"},
	{[]string{"services", "*", "read_only"}, "bool"},
	{[]string{"services", "*", "stdin_open"}, "bool"},
	{[]string{"services", "*", "tty"}, "bool"},
	{[]string{"services", "*", "volumes", "[]", "read_only"}, "bool"},
	{[]string{"services", "*", "volumes", "[]", "volume", "nocopy"}, "bool"},
	{[]string{"networks", "*", "external"}, "bool"},
	{[]string{"networks", "*", "internal"}, "bool"},
	{[]string{"networks", "*", "attachable"}, "bool"},
	{[]string{"volumes", "*", "external"}, "bool"},
	{[]string{"secrets", "*", "external"}, "bool"},
	{[]string{"configs", "*", "external"}, "bool"},
}

// dockerField renders a YAML path the way docker/cli names it in
// interpolation errors: list items become "[]".
func dockerField(path []any) []string {
	out := make([]string, len(path))
	for i, p := range path {
		if _, ok := p.(int); ok {
			out[i] = "[]"
		} else {
			out[i] = fmt.Sprint(p)
		}
	}
	return out
}

func castFor(field []string) string {
	for _, cp := range castPaths {
		if len(cp.path) != len(field) {
			continue
		}
		ok := true
		for i, s := range cp.path {
			if s != "*" && s != field[i] {
				ok = false
				break
			}
		}
		if ok {
			return cp.cast
		}
	}
	return ""
}

func castFails(cast, v string) bool {
	var err error
	switch cast {
	case "int":
		_, err = strconv.Atoi(v)
	case "float":
		_, err = strconv.ParseFloat(v, 64)
	case "bool":
		switch strings.ToLower(v) {
		case "y", "yes", "true", "on", "n", "no", "false", "off":
		default:
			return true
		}
	}
	return err != nil
}

// variableCasts adds to every ${VAR} use its operator and, where docker
// stack deploy converts the value to a number or boolean, whether the
// interpolated value converts.
func (b *builder) variableCasts() {
	docs := map[string]*Doc{}
	for _, sd := range b.stacks {
		for _, d := range sd.docs {
			docs[sd.src+"\x00"+d.File] = d
		}
	}
	for i := range b.m.Variables {
		v := &b.m.Variables[i]
		v.Operator = variableOperator(v.Syntax, v.Name)
		field := dockerField(v.Ref.Path)
		v.Field = strings.Join(field, ".")
		v.Cast = castFor(field)
		if v.Cast == "" {
			continue
		}
		d := docs[v.Ref.Src+"\x00"+v.Ref.File]
		if d == nil {
			continue
		}
		m := d.resolve(v.Ref.Path)
		n := deref(m.value)
		if m.depth != len(v.Ref.Path) || n == nil || n.Kind != yaml.ScalarNode {
			continue
		}
		val, err := template.Substitute(n.Value, func(k string) (string, bool) {
			x, ok := b.env[k]
			return x, ok
		})
		if err != nil || val == n.Value {
			continue
		}
		v.CastFails = castFails(v.Cast, val)
	}
}

// variableOperator reads the operator after the name in ${NAME<op>...}.
func variableOperator(syntax, name string) string {
	rest, ok := strings.CutPrefix(syntax, "${"+name)
	if !ok {
		return ""
	}
	for _, op := range []string{":-", ":?", ":+", "-", "?", "+"} {
		if strings.HasPrefix(rest, op) {
			return op
		}
	}
	return ""
}

var varRe = lazyre.New(`\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// stackVariables records the variable uses of a stack that is not built.
func (b *builder) stackVariables(sd *stackData) {
	for _, d := range sd.docs {
		walkScalars(d.Root, nil, func(n *yaml.Node, path []any) { b.variables(sd, d, n, path) })
	}
}

func (b *builder) variables(sd *stackData, d *Doc, n *yaml.Node, path []any) {
	seen := map[string]int{}
	for _, m := range varRe().FindAllStringSubmatch(strings.ReplaceAll(n.Value, "$$", ""), -1) {
		expr := m[1]
		name := m[2]
		v := Variable{Syntax: m[0], Stack: sd.name, Ref: Ref{Src: sd.src, File: d.File, Path: path}}
		if name == "" {
			var op, rest string
			name, op, rest = splitVariable(expr)
			v.HasDefault = op == ":-" || op == "-" || op == ":+" || op == "+"
			v.Required = op == ":?" || op == "?"
			if v.Required {
				v.Message = rest
			}
		}
		v.Name = name
		var val string
		val, v.Set = b.env[name]
		v.Empty = v.Set && val == ""
		_, v.Unknown = sd.unknown[name]
		if r, ok := variableToken(d, n, m[0], seen[m[0]]); ok {
			v.Ref.Line, v.Ref.Col, v.Ref.EndLine, v.Ref.EndCol = r.StartLine, r.StartCol, r.EndLine, r.EndCol
		}
		seen[m[0]]++
		b.m.Variables = append(b.m.Variables, v)
	}
}

// variableToken finds the k-th (0-based) occurrence of a ${...} expression
// in the source text of a scalar written on one line (plain or quoted), so
// that a finding about the variable points at the expression itself rather
// than at the whole value.
func variableToken(d *Doc, n *yaml.Node, syntax string, k int) (Region, bool) {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.Contains(n.Value, "\n") {
		return Region{}, false
	}
	line := []rune(d.line(n.Line))
	if n.Column < 1 || n.Column > len(line) {
		return Region{}, false
	}
	rest := string(line[n.Column-1:])
	col := n.Column
	for i := 0; ; i++ {
		at := strings.Index(rest, syntax)
		if at < 0 {
			return Region{}, false
		}
		col += utf8.RuneCountInString(rest[:at])
		if i == k {
			end := col + utf8.RuneCountInString(syntax)
			return Region{File: d.File, StartLine: n.Line, StartCol: col, EndLine: n.Line, EndCol: end}, true
		}
		col += utf8.RuneCountInString(syntax)
		rest = rest[at+len(syntax):]
	}
}
