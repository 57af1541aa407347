// Command actionlint-check lints GitHub workflow files with actionlint's Go
// API and reads a local action's metadata the way actionlint does, then
// prints one JSON report for internal/cli's integration test:
//
//	go run . -root REPO [-action ./] WORKFLOW...
//
// A workflow given as NAME=FILE is linted as if it were NAME in the
// repository (for a generated workflow kept outside the tree).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
)

// Report is what the test reads.
type Report struct {
	Errors []string `json:"errors"`
	Action *Action  `json:"action,omitempty"`
}

// Action is the local action's metadata as actionlint parsed it.
type Action struct {
	Using   string   `json:"using"`
	Inputs  []string `json:"inputs"`
	Outputs []string `json:"outputs"`
	Steps   int      `json:"steps"`
}

func main() {
	root := flag.String("root", ".", "repository root")
	action := flag.String("action", "", "local action to read, e.g. ./")
	flag.Parse()
	rep, err := check(*root, *action, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "actionlint-check:", err)
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		os.Exit(2)
	}
}

func check(root, action string, workflows []string) (*Report, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	proj, err := actionlint.NewProject(root)
	if err != nil {
		return nil, err
	}
	opts := &actionlint.LinterOptions{WorkingDir: root}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = sc
	}
	l, err := actionlint.NewLinter(io.Discard, opts)
	if err != nil {
		return nil, err
	}
	rep := &Report{Errors: []string{}}
	for _, w := range workflows {
		name, file, ok := strings.Cut(w, "=")
		if !ok {
			file = w
		}
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		errs, err := l.Lint(filepath.Join(root, name), src, proj)
		if err != nil {
			return nil, err
		}
		for _, e := range errs {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s:%d:%d: %s [%s]", name, e.Line, e.Column, e.Message, e.Kind))
		}
	}
	if action != "" {
		meta, _, err := actionlint.NewLocalActionsCache(proj, nil).FindMetadata(action)
		if err != nil {
			rep.Errors = append(rep.Errors, err.Error())
		} else if meta == nil {
			rep.Errors = append(rep.Errors, "no action metadata in "+action)
		} else {
			a := &Action{Using: meta.Runs.Using, Steps: len(meta.Runs.Steps), Inputs: []string{}, Outputs: []string{}}
			for _, in := range meta.Inputs {
				a.Inputs = append(a.Inputs, in.Name)
			}
			for _, out := range meta.Outputs {
				a.Outputs = append(a.Outputs, out.Name)
			}
			sort.Strings(a.Inputs)
			sort.Strings(a.Outputs)
			rep.Action = a
		}
	}
	return rep, nil
}
