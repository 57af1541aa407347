package enginetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	Command  string // the statement's source text
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
	image := BuildProbeImage(t)
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	steps, program, err := planScript(src, path)
	if err != nil {
		return steps, err
	}
	marker := "@@swarmlint-step-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	ctx, cancel := context.WithTimeout(context.Background(), ScriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-c", program(marker), filepath.Base(path))
	cmd.Dir = filepath.Dir(path)
	cmd.Env = append(os.Environ(), "SWARMLINT_PROBE_IMAGE="+image)
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
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, nil, err
	}
	var steps []ScriptStep
	printer := syntax.NewPrinter()
	for _, st := range f.Stmts {
		// Printed rather than sliced from src: the printer keeps here-document
		// bodies, which lie outside the statement's source range.
		st.Comments = nil
		var text bytes.Buffer
		if err := printer.Print(&text, st); err != nil {
			return nil, nil, err
		}
		step := ScriptStep{Line: int(st.Pos().Line()), Command: strings.TrimSpace(text.String()), ExitCode: -1}
		if reason := skipReason(st); reason != "" {
			step.Skipped = reason
		}
		steps = append(steps, step)
	}
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
		}
		return b.String()
	}
	return steps, program, nil
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
