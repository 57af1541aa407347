package enginetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"mvdan.cc/sh/v3/syntax"
)

// ScriptTimeout bounds one RunScript call.
var ScriptTimeout = 2 * time.Minute

// ScriptStep is one top-level statement of a bootstrap script.
type ScriptStep struct {
	Line     int    // 1-based line of the statement in the script
	EndLine  int    // 1-based line the statement ends on
	Command  string // the statement's source text, as run (after ScriptOptions.Rewrite)
	Original string // the statement's source text as written in the script
	Ran      bool   // false when the statement was skipped or never reached
	Skipped  string // why the statement was not run (not a docker command), or ""
	ExitCode int    // exit status; -1 when not run
	Output   string // stdout and stderr, interleaved
}

// scriptCommands are the commands a kept statement may call besides docker:
// shell plumbing that bootstrap scripts wrap docker commands in (confirmation
// pipes, tests, variable set-up). Anything else (ssh, apt-get, curl, sleep)
// makes the statement be skipped.
var scriptCommands = map[string]bool{
	"docker": true, "echo": true, "printf": true, "yes": true, "true": true, "false": true,
	"test": true, "[": true, "[[": true, "set": true, "export": true, ":": true,
}

// RunScript runs the docker commands of the bootstrap script at path with
// bash, the way the script itself would run them, and returns one step per
// top-level statement. Statements that only assign variables, or whose
// commands are all docker or shell plumbing (echo, printf, yes, test, set,
// export), are run in order in one bash process, so variables and `set -e`
// behave as in the script; every other statement is reported as skipped.
// stdin is empty, as in an unattended run, so confirmation prompts read EOF.
// The environment carries SWARMLINT_PROBE_IMAGE, the probe image ID, for
// scripts that create services (use it with --no-resolve-image).
//
// The error is non-nil when a step exited non-zero (it names the first one)
// or the script could not be parsed or run.
func RunScript(t testing.TB, path string) ([]ScriptStep, error) {
	t.Helper()
	return RunScriptWith(t, path, ScriptOptions{})
}

// ScriptOptions change how RunScriptWith runs a script.
type ScriptOptions struct {
	// Stdin is the script's standard input ("" = at EOF, unattended).
	Stdin string
	// Rewrite, when set, is called with the words of every docker command
	// of a kept statement (shell source text, e.g. `"$TOKEN"`, without the
	// leading "docker"); it returns the words to run instead, or a reason
	// to skip the whole statement.
	Rewrite func(args []string) (out []string, skip string)
	// KeepGoing runs every kept statement even after one failed, as if
	// the script had no `set -e`, so that each statement gets its own
	// exit status.
	KeepGoing bool
	// Placeholders gives every variable the kept statements read but
	// nothing in the script (or the environment) sets a placeholder
	// value, so that `set -u` does not stop the script at a variable a
	// skipped statement would have set (TOKEN=$(ssh ...)).
	Placeholders bool
}

// RunScriptWith is RunScript with options.
func RunScriptWith(t testing.TB, path string, opts ScriptOptions) ([]ScriptStep, error) {
	t.Helper()
	image := BuildProbeImage(t)
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	steps, program, unset, err := planScriptWith(src, path, opts)
	if err != nil {
		return steps, err
	}
	marker := "@@swarmlint-step-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	ctx, cancel := context.WithTimeout(context.Background(), ScriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-c", program(marker), filepath.Base(path))
	cmd.Dir = filepath.Dir(path)
	cmd.Env = append(os.Environ(), "SWARMLINT_PROBE_IMAGE="+image)
	if opts.Placeholders {
		for _, name := range unset {
			if _, ok := os.LookupEnv(name); !ok {
				cmd.Env = append(cmd.Env, name+"="+PlaceholderValue)
			}
		}
	}
	if opts.Stdin != "" {
		cmd.Stdin = strings.NewReader(opts.Stdin)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	exit := 0
	if ee, ok := runErr.(*exec.ExitError); ok {
		exit = ee.ExitCode()
	} else if runErr != nil {
		return steps, fmt.Errorf("bash %s: %w", path, runErr)
	}
	if ctx.Err() != nil {
		return steps, fmt.Errorf("bash %s: timed out after %s", path, ScriptTimeout)
	}
	collectSteps(steps, out.String(), marker, exit)
	for _, s := range steps {
		if s.Ran && s.ExitCode != 0 {
			return steps, fmt.Errorf("%s:%d: %s: exit status %d", path, s.Line, s.Command, s.ExitCode)
		}
	}
	return steps, nil
}

// planScript parses the script, decides which statements run and returns
// the steps plus a function that builds the bash program for a marker.
func planScript(src []byte, name string) ([]ScriptStep, func(marker string) string, error) {
	steps, program, _, err := planScriptWith(src, name, ScriptOptions{})
	return steps, program, err
}

// PlaceholderValue is the value ScriptOptions.Placeholders gives variables
// that nothing sets.
const PlaceholderValue = "enginetest-placeholder"

// planScriptWith is planScript with options; it also returns the variables
// the kept statements read that no kept statement assigns.
func planScriptWith(src []byte, name string, opts ScriptOptions) ([]ScriptStep, func(marker string) string, []string, error) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, nil, nil, err
	}
	var steps []ScriptStep
	printer := syntax.NewPrinter()
	print := func(n syntax.Node) (string, error) {
		var text bytes.Buffer
		if err := printer.Print(&text, n); err != nil {
			return "", err
		}
		return strings.TrimSpace(text.String()), nil
	}
	assigned, read := map[string]bool{}, map[string]bool{}
	for _, st := range f.Stmts {
		// Printed rather than sliced from src: the printer keeps here-document
		// bodies, which lie outside the statement's source range.
		st.Comments = nil
		orig, err := print(st)
		if err != nil {
			return nil, nil, nil, err
		}
		step := ScriptStep{Line: int(st.Pos().Line()), EndLine: int(st.End().Line()), Original: orig, ExitCode: -1}
		if reason := skipReason(st); reason != "" {
			step.Skipped = reason
		}
		reads := map[string]bool{}
		syntax.Walk(st, func(n syntax.Node) bool {
			if p, ok := n.(*syntax.ParamExp); ok {
				reads[p.Param.Value] = true
			}
			return true
		})
		if step.Skipped == "" && opts.Rewrite != nil {
			step.Skipped, err = rewriteStmt(st, opts.Rewrite, print)
			if err != nil {
				return nil, nil, nil, err
			}
		}
		if step.Command, err = print(st); err != nil {
			return nil, nil, nil, err
		}
		if step.Skipped == "" {
			for v := range reads {
				read[v] = true
			}
			syntax.Walk(st, func(n syntax.Node) bool {
				switch n := n.(type) {
				case *syntax.Assign:
					assigned[n.Name.Value] = true
				case *syntax.ParamExp:
					read[n.Param.Value] = true
				}
				return true
			})
		}
		steps = append(steps, step)
	}
	var unset []string
	for v := range read {
		if !assigned[v] && !specialParam(v) {
			unset = append(unset, v)
		}
	}
	sort.Strings(unset)
	program := func(marker string) string {
		var b strings.Builder
		for i, s := range steps {
			if s.Skipped != "" {
				continue
			}
			fmt.Fprintf(&b, "printf '%%s start %d\\n' %q\n", i, marker)
			b.WriteString(s.Command)
			b.WriteString("\n")
			fmt.Fprintf(&b, "printf '\\n%%s end %d %%d\\n' %q \"$?\"\n", i, marker)
			if opts.KeepGoing {
				b.WriteString("set +e\n")
			}
		}
		return b.String()
	}
	return steps, program, unset, nil
}

// specialParam reports whether a parameter name is set by the shell itself.
func specialParam(name string) bool {
	switch name {
	case "?", "#", "@", "*", "$", "!", "-", "_", "0", "PWD", "HOME", "PATH", "IFS", "RANDOM", "LINENO", "BASH_SOURCE":
		return true
	}
	return name[0] >= '0' && name[0] <= '9'
}

// rewriteStmt passes the words of every docker command in st to rewrite and
// replaces them with its answer; it returns a skip reason, if any.
func rewriteStmt(st *syntax.Stmt, rewrite func([]string) ([]string, string), print func(syntax.Node) (string, error)) (string, error) {
	var skip string
	var perr error
	syntax.Walk(st, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || skip != "" || perr != nil || len(call.Args) == 0 || call.Args[0].Lit() != "docker" {
			return true
		}
		words := make([]string, 0, len(call.Args)-1)
		for _, w := range call.Args[1:] {
			s, err := print(w)
			if err != nil {
				perr = err
				return false
			}
			words = append(words, s)
		}
		out, reason := rewrite(words)
		if reason != "" {
			skip = reason
			return false
		}
		args := []*syntax.Word{call.Args[0]}
		for _, s := range out {
			args = append(args, &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}})
		}
		call.Args = args
		return true
	})
	return skip, perr
}

// skipReason returns why a statement is not run, or "" to run it.
func skipReason(st *syntax.Stmt) string {
	var reason string
	usesDocker := false
	syntax.Walk(st, func(n syntax.Node) bool {
		if reason != "" {
			return false
		}
		switch n := n.(type) {
		case *syntax.FuncDecl:
			reason = "function definition"
		case *syntax.DeclClause:
			if v := n.Variant.Value; v != "export" && v != "declare" && v != "readonly" {
				reason = v + " is not run"
			}
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				return true // assignment only
			}
			cmd := n.Args[0].Lit()
			switch {
			case cmd == "":
				reason = "command name is not a literal"
			case cmd == "docker":
				usesDocker = true
			case !scriptCommands[cmd]:
				reason = "not a docker command: " + cmd
			}
		}
		return true
	})
	if reason != "" {
		return reason
	}
	if !usesDocker && !onlyAssignments(st) {
		return "no docker command"
	}
	return ""
}

// onlyAssignments reports whether st sets variables or shell options only.
func onlyAssignments(st *syntax.Stmt) bool {
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		return len(c.Args) == 0 || c.Args[0].Lit() == "set" || c.Args[0].Lit() == "export"
	case *syntax.DeclClause:
		return true
	}
	return false
}

// collectSteps splits the interleaved output at the markers.
func collectSteps(steps []ScriptStep, out, marker string, exit int) {
	cur := -1
	var buf strings.Builder
	flush := func() {
		if cur >= 0 {
			steps[cur].Output = strings.TrimSuffix(buf.String(), "\n")
		}
		buf.Reset()
	}
	for _, line := range strings.SplitAfter(out, "\n") {
		trimmed := strings.TrimSuffix(line, "\n")
		if rest, ok := strings.CutPrefix(trimmed, marker+" "); ok {
			f := strings.Fields(rest)
			if len(f) >= 2 {
				i, _ := strconv.Atoi(f[1])
				if i >= 0 && i < len(steps) {
					switch f[0] {
					case "start":
						flush()
						cur = i
						steps[i].Ran = true
						continue
					case "end":
						if len(f) == 3 {
							steps[i].ExitCode, _ = strconv.Atoi(f[2])
						}
						// The end marker starts with a newline of its own.
						s := strings.TrimSuffix(buf.String(), "\n")
						buf.Reset()
						buf.WriteString(s)
						flush()
						cur = -1
						continue
					}
				}
			}
		}
		if cur >= 0 {
			buf.WriteString(line)
		}
	}
	if cur >= 0 {
		// The shell exited inside this step (set -e, exit): its status is bash's.
		flush()
		steps[cur].ExitCode = exit
	}
}
