package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/plan"
)

func newPlan(stdin io.Reader, stdout io.Writer) *cobra.Command {
	lf := &lintFlags{}
	c := &cobra.Command{
		Use:   "plan [flags] FILE...",
		Short: "Print the address plan: each network's subnet, usable addresses vs demand, pools left, firewall openings",
		Long: `plan prints the address plan of the swarm the inputs describe: per network
(ingress first) its subnet and where it came from (explicit, pool, inventory,
script), usable addresses against demand with a utilisation bar, what is left
of the default address pools, and the firewall openings the nodes need.

The first line says which swarm the plan is of. Independent file arguments
are one plan each; --same-swarm plans them as one swarm; without file
arguments the plan is of the swarm(s) of .swarmlint.yaml (JSON: an array
when there are several).`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, _ := cmd.Flags().GetString("format")
			if format != "text" && format != "json" && format != "markdown" {
				return &exitError{code: ExitError, err: fmt.Errorf("--format %q: want %s", format, strings.Join(plan.Formats, ", "))}
			}
			cfg, err := lf.config(cmd.Context(), args, stdin, io.Discard)
			if err != nil {
				return &exitError{code: ExitError, err: inputsError(err)}
			}
			var plans []plan.Plan
			for _, sw := range cfg.Swarms {
				a, err := analyzer.Load(cmd.Context(), sw.LoadOptions(cfg))
				if err != nil {
					return &exitError{code: ExitError, err: err}
				}
				skippedNote(a, cmd.ErrOrStderr())
				if err := incompleteLoad(a, true); err != nil {
					return &exitError{code: ExitError, err: err}
				}
				p := plan.Build(a.Model)
				p.Swarm = sw.Mode
				plans = append(plans, p)
			}
			var buf bytes.Buffer
			if err := plan.WriteAll(&buf, plans, format); err != nil {
				return &exitError{code: ExitError, err: err}
			}
			if lf.output != "" {
				return writeOutput(lf.output, buf.Bytes())
			}
			_, err = stdout.Write(buf.Bytes())
			return err
		},
	}
	lf.register(c)
	return c
}

// incompleteLoad is the error for a command that needs every input loaded
// (plan, inspect): a file that cannot be read, and for plan a stack Docker
// would refuse (its networks would be missing from the plan), named at its
// position. lint reports the same as findings instead.
func incompleteLoad(a *analyzer.Analysis, needStacks bool) error {
	if len(a.Errors) > 0 {
		return a.Errors[0]
	}
	if !needStacks || len(a.Model.LoadErrors) == 0 {
		return nil
	}
	le := a.Model.LoadErrors[0]
	where := le.File
	if r, ok := a.Locate(le.Ref, nil); ok {
		where = fmt.Sprintf("%s:%d:%d", r.File, r.StartLine, r.StartCol)
	}
	return fmt.Errorf("%s: %s (stack %q does not load; swarmlint %s lists every problem)", where, le.Message, le.Stack, le.File)
}

// skippedNote tells on stderr about the inputs left out as not Compose files.
func skippedNote(a *analyzer.Analysis, stderr io.Writer) {
	for _, f := range a.Skipped {
		fmt.Fprintf(stderr, "swarmlint: %s: skipped: not a Compose file\n", f)
	}
}
