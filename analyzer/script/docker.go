package script

import (
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// wordText returns the resolved text of w when it is fully known.
func wordText(w *rword) (string, bool) {
	if !w.known(0, len(w.text)) {
		return "", false
	}
	return string(w.text), true
}

// programName returns the base name of a resolved command word:
// "/usr/bin/docker" -> "docker".
func programName(w *rword) string {
	t, ok := wordText(w)
	if !ok || t == "" {
		return ""
	}
	return path.Base(t)
}

// wrappers run their arguments as a command.
var wrappers = map[string]bool{
	"sudo": true, "doas": true, "command": true, "exec": true, "env": true,
	"nohup": true, "nice": true, "timeout": true,
}

// findDocker returns the index of the docker word in ws, looking through
// wrappers such as sudo, or -1.
func findDocker(ws []rword) int {
	i := 0
	for i < len(ws) {
		switch programName(&ws[i]) {
		case "docker":
			return i
		case "sudo":
			i = skipOptions(ws, i+1, "uUghpCDRTrt", []string{
				"user", "other-user", "group", "host", "prompt", "close-from", "chdir",
				"role", "type", "command-timeout",
			}, true)
		case "doas":
			i = skipOptions(ws, i+1, "uC", nil, false)
		case "command":
			i++
			for i < len(ws) && isFlagWord(&ws[i]) {
				t, _ := wordText(&ws[i])
				if t == "--" {
					i++
					break
				}
				if strings.ContainsAny(t, "vV") {
					return -1 // command -v docker only looks docker up
				}
				i++
			}
		case "exec":
			i = skipOptions(ws, i+1, "a", nil, false)
		case "env":
			next := skipOptions(ws, i+1, "uC", []string{"unset", "chdir"}, true)
			for j := i + 1; j < next && j < len(ws); j++ {
				t, _ := wordText(&ws[j])
				if strings.HasPrefix(t, "-S") || strings.HasPrefix(t, "--split-string") {
					return -1 // env -S "docker ..." splits a string: not modelled
				}
			}
			i = next
		case "nohup":
			i++
		case "":
			if !ws[i].mayVary {
				return -1
			}
			// An unresolved unquoted expansion before docker, as in
			// "$SUDO docker ...": most likely an optional wrapper.
			i++
		case "nice":
			i = skipOptions(ws, i+1, "n", []string{"adjustment"}, false)
		case "timeout":
			i = skipOptions(ws, i+1, "sk", []string{"signal", "kill-after"}, false) + 1 // DURATION
		default:
			return -1
		}
	}
	return -1
}

// skipOptions skips the options of a wrapper starting at ws[i] and returns
// the index of the wrapped command. shortValue lists the one-letter
// options that take a value, longValue the long ones; assigns also skips
// NAME=value words.
func skipOptions(ws []rword, i int, shortValue string, longValue []string, assigns bool) int {
	for i < len(ws) {
		t, ok := wordText(&ws[i])
		if !ok {
			return i
		}
		switch {
		case t == "--":
			return i + 1
		case strings.HasPrefix(t, "--"):
			name, _, hasEq := strings.Cut(t[2:], "=")
			i++
			if !hasEq && slices.Contains(longValue, name) {
				i++
			}
		case len(t) > 1 && t[0] == '-':
			i++
			for j := 1; j < len(t); j++ {
				if strings.IndexByte(shortValue, t[j]) >= 0 {
					if j == len(t)-1 {
						i++ // value in the next word
					}
					break
				}
			}
		case assigns && isAssignWord(t):
			i++
		default:
			return i
		}
	}
	return i
}

// isAssignWord reports whether t has the form NAME=value.
func isAssignWord(t string) bool {
	name, _, ok := strings.Cut(t, "=")
	return ok && isName(name)
}

// commandFrom recognises a docker command in the resolved words of one
// simple command. With bare, the command may start with the management
// command ("swarm init ...") instead of "docker". It returns nil when the
// words are not one of the collected commands.
func commandFrom(li *lineIndex, ws []rword, bare bool) *Command {
	start := findDocker(ws)
	var global []Flag
	mgmt := -1
	switch {
	case start >= 0:
		gp := &argParser{li: li, spec: globalSpec, ws: ws}
		mgmt = gp.run(start+1, true)
		global = gp.flags
	case bare && len(ws) > 0 && parentFlags[programText(&ws[0])] != nil:
		start, mgmt = 0, 0
	default:
		return nil
	}
	if mgmt >= len(ws) {
		return nil
	}
	group := programText(&ws[mgmt])
	subs := commands[group]
	if subs == nil {
		return nil
	}
	p := &argParser{li: li, spec: &cmdSpec{flags: parentFlags[group], minArgs: 1, maxArgs: -1}, ws: ws}
	sub := p.run(mgmt+1, true)
	if sub >= len(ws) {
		return nil
	}
	spec := subs[programText(&ws[sub])]
	if spec == nil {
		return nil
	}
	p.spec = spec
	p.run(sub+1, false)
	c := &Command{
		Kind:   spec.kind,
		Args:   p.args,
		Flags:  p.flags,
		Global: global,
	}
	for _, w := range ws {
		if w.mayVary {
			c.Dynamic = true
		}
	}
	return c
}

// programText returns the resolved text of a command-name word.
func programText(w *rword) string {
	t, _ := wordText(w)
	return t
}

// collector finds the docker commands of a script.
type collector struct {
	li   *lineIndex
	r    *resolver
	cmds []Command
}

// call examines one simple command.
func (c *collector) call(ce *syntax.CallExpr, ctx useCtx, fn string, bare bool) *Command {
	if len(ce.Args) == 0 {
		return nil
	}
	// Cheap test on the first word before resolving everything.
	if first := fields(c.r.resolve(ce.Args[0], ctx, false)); len(first) > 0 {
		name := programName(&first[0])
		if name != "docker" && !wrappers[name] && (name != "" || !first[0].mayVary) &&
			(!bare || parentFlags[name] == nil) {
			return nil
		}
	}
	var ws []rword
	for _, a := range ce.Args {
		ws = append(ws, fields(c.r.resolve(a, ctx, false))...)
	}
	cmd := commandFrom(c.li, ws, bare)
	if cmd == nil {
		return nil
	}
	start := findDocker(ws)
	if start < 0 {
		start = 0
	}
	_, end, _ := c.r.offsets(ce.Args[len(ce.Args)-1])
	cmd.Pos = c.li.region(ws[start].start, max(end, ws[start].end))
	cmd.Func = fn
	return cmd
}

// walk collects the docker commands of one top-level statement starting
// at byte offset off.
func (c *collector) walk(stmt *syntax.Stmt, off int) {
	var stack []syntax.Node
	var funcs []string
	syntax.Walk(stmt, func(n syntax.Node) bool {
		if n == nil {
			if _, ok := stack[len(stack)-1].(*syntax.FuncDecl); ok {
				funcs = funcs[:len(funcs)-1]
			}
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *syntax.FuncDecl:
			name := ""
			if n.Name != nil {
				name = n.Name.Value
			}
			funcs = append(funcs, name)
		case *syntax.CallExpr:
			fn := ""
			if len(funcs) > 0 {
				fn = funcs[len(funcs)-1]
			}
			if cmd := c.call(n, useCtx{stmt: off, inFunc: len(funcs) > 0}, fn, false); cmd != nil {
				cmd.Stdin, cmd.StdinSource = c.stdin(stack, useCtx{stmt: off, inFunc: len(funcs) > 0})
				c.cmds = append(c.cmds, *cmd)
			}
		}
		return true
	})
}

// stdin finds where the command at the end of stack (the path from the
// top-level statement down to its CallExpr) reads its standard input: the
// innermost input redirection or pipeline around it wins. A command on the
// left of a pipe keeps the input of the pipeline as a whole.
func (c *collector) stdin(stack []syntax.Node, ctx useCtx) (string, string) {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *syntax.Stmt:
			for j := len(n.Redirs) - 1; j >= 0; j-- {
				rd := n.Redirs[j]
				if rd.N != nil && rd.N.Value != "0" {
					continue
				}
				switch rd.Op {
				case syntax.WordHdoc:
					text := ""
					if rd.Word != nil {
						if w := c.r.resolve(rd.Word, ctx, true); w.known(0, len(w.text)) {
							text = string(w.text)
						}
					}
					return StdinRedirect, text
				case syntax.RdrIn, syntax.RdrInOut, syntax.DplIn, syntax.Hdoc, syntax.DashHdoc:
					return StdinRedirect, ""
				}
			}
		case *syntax.BinaryCmd:
			if n.Op != syntax.Pipe && n.Op != syntax.PipeAll || i+1 >= len(stack) || stack[i+1] != n.Y {
				continue
			}
			return StdinPipe, c.simpleText(n.X, ctx)
		}
	}
	return "", ""
}

// simpleText is the resolved text of a statement that is one simple
// command with known words, "" otherwise.
func (c *collector) simpleText(st *syntax.Stmt, ctx useCtx) string {
	ce, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Assigns) > 0 || len(st.Redirs) > 0 {
		return ""
	}
	var parts []string
	for _, a := range ce.Args {
		for _, w := range fields(c.r.resolve(a, ctx, false)) {
			t, ok := wordText(&w)
			if !ok {
				return ""
			}
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}
