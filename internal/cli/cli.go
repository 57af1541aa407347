// Package cli is swarmlint's command line: flags → lint.Run → exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/swarmlint/swarmlint/internal/safeio"
)

// Exit codes.
const (
	ExitOK       = 0 // nothing at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on (or failed tests)
	ExitError    = 2 // usage error, bad input, internal error
)

// Version is set with -ldflags "-X github.com/swarmlint/swarmlint/internal/cli.Version=v1.2.3".
var Version = ""

// version returns the build version: the ldflags value, the module version
// from `go install ...@vX`, or "dev" (with the commit when the build
// recorded one).
func version() string {
	if Version != "" {
		return Version
	}
	bi, _ := debug.ReadBuildInfo()
	return versionOf(bi)
}

// versionOf reads the version from build information: the main module's
// version (set by `go install module@v1.2.3`, or from the repository's tag by
// `go build` in a clone), else "dev" with the VCS revision if any.
func versionOf(bi *debug.BuildInfo) string {
	if bi == nil {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += ", modified"
	}
	return "dev (" + rev + ")"
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

// Main runs the CLI and returns the process exit code. It never panics on
// input: a panic is turned into an internal error with exit code 2.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	// Messages quote input (YAML keys, values, paths): no control
	// character of theirs reaches a terminal or a CI log.
	stderr = printableWriter{stderr}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "swarmlint: internal error: %v\n%s", r, debug.Stack())
			code = ExitError
		}
	}()
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			printError(stderr, ee.err)
		}
		return ee.code
	}
	printError(stderr, err)
	return ExitError
}

// printError prints err one "swarmlint: " line per line, each line
// shortened (safeio.Shorten) so that a long value quoted from input cannot
// flood the terminal.
func printError(w io.Writer, err error) {
	for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		fmt.Fprintf(w, "swarmlint: %s\n", safeio.Shorten(line))
	}
}

// printableWriter replaces control characters other than tab and line feed,
// and bidirectional overrides, in everything written through it.
type printableWriter struct{ w io.Writer }

func (p printableWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, safeio.PrintableLines(string(b))); err != nil {
		return 0, err
	}
	return len(b), nil
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	lf := &lintFlags{}
	root := &cobra.Command{
		Use:   "swarmlint [lint] [flags] FILE...",
		Short: "Lint Docker Swarm stack files, bootstrap scripts and swarm settings for networking mistakes",
		Long: `swarmlint builds one network model of what Docker Swarm will really do with your
stack files, swarm init flags and bootstrap scripts — which subnet every overlay
gets, how many addresses it needs, what is published where, what is encrypted —
and checks it with Rego rules. Findings point at the exact line and column.

Which files are checked against each other:
  - Each FILE is an independent stack: it is checked against the swarm's facts
    (--swarm-init, scripts, --cluster inventory, settings) but not against the
    other FILEs, so a local docker-compose.yml and a production stack that
    both publish port 80 do not clash. --same-swarm checks the FILEs against
    each other as stacks of one swarm (port clashes, subnet overlaps, names,
    pool allocation order).
  - -c/--compose-file groups files into one stack merged in order, like
    'docker stack deploy -c a.yml -c b.yml'.
  - Without FILE arguments swarmlint lints the swarm(s) of .swarmlint.yaml (or
    .swarmlint.yml): its stacks: are one swarm, each swarms: entry is a swarm
    of its own. A FILE that belongs to a configured stack is linted as that
    stack in its swarm; findings in the swarm's other files are then reported
    only when FILE causes them.

FILE may be a directory (searched recursively for Compose and stack files,
skipping .git, vendor, node_modules, git-ignored paths and symbolic links,
which it names on stderr), a glob such as
'stacks/**/*.yml' (expanded by swarmlint when quoted), '-' for standard input
(name it with --stdin-filename), or a shell script (*.sh, *.bash, a shell
shebang), which joins every swarm of the run as a bootstrap script.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage error, unreadable or invalid input, or an internal error.`,
		Example: `  swarmlint                                   # the stacks of .swarmlint.yaml
  swarmlint docker-stack.yml
  swarmlint --same-swarm stacks/*.yml         # stacks deployed to one swarm
  swarmlint -c base.yml -c prod.yml --stack shop
  swarmlint .                                 # every Compose/stack file below .
  swarmlint - --stdin-filename stacks/web.yml < web.yml
  swarmlint --format sarif -o swarmlint.sarif 'deploy/**/*.yml'
  swarmlint explain SWL101
  swarmlint completion bash > /etc/bash_completion.d/swarmlint`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if v, _ := cmd.Flags().GetBool("version"); v {
				fmt.Fprintf(stdout, "swarmlint %s\n", version())
				return nil
			}
			if err := unknownCommand(cmd, args); err != nil {
				return err
			}
			return runLint(cmd.Context(), lf, args, stdin, stdout, stderr)
		},
	}
	lf.register(root)
	root.Flags().BoolP("version", "V", false, "print the swarmlint version and exit")
	root.CompletionOptions.HiddenDefaultCmd = false
	lint := &cobra.Command{
		Use:   "lint [flags] FILE...",
		Short: "Lint stack files (the default command)",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLint(cmd.Context(), lf, args, stdin, stdout, stderr)
		},
	}
	lf.register(lint)
	lint.ValidArgsFunction = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"yml", "yaml", "sh"}, cobra.ShellCompDirectiveFilterFileExt
	}
	root.AddCommand(lint, newVersion(stdout), newRules(stdout), newExplain(stdout), newInspect(stdin, stdout), newPlan(stdin, stdout), newFix(stdin, stdout, stderr))
	root.AddCommand(newTest(stdout, stderr), newNewRule(stdout), newCapabilities(stdout), newLib(stdout))
	root.AddCommand(newLSP(stdin, stdout, stderr))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: ExitError, err: fmt.Errorf("%w%s (see '%s --help')", err, flagSuggestion(c, err), c.CommandPath())}
	})
	return root
}

func newVersion(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the swarmlint version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(stdout, "swarmlint %s\n", version())
			return nil
		},
	}
}

// isTerminal reports whether w is a terminal (for colour).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
