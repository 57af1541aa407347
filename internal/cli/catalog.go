package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/docs"
	"github.com/swarmlint/swarmlint/rules"
)

func catalogEngine(ctx context.Context, policies []string) (*rules.Engine, error) {
	var custom []rules.Module
	for _, dir := range policies {
		mods, err := rules.LoadDir(dir)
		if err != nil {
			return nil, err
		}
		custom = append(custom, mods...)
	}
	return rules.New(ctx, rules.Options{Custom: custom})
}

func newRules(stdout io.Writer) *cobra.Command {
	var format string
	var policies []string
	c := &cobra.Command{
		Use:   "rules",
		Short: "List every rule: id, severity, name and title",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := catalogEngine(cmd.Context(), policies)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			cat := eng.Catalog()
			switch format {
			case "text":
				for _, r := range cat {
					fmt.Fprintln(stdout, r.Describe())
				}
			case "json":
				b, _ := json.MarshalIndent(cat, "", "  ")
				fmt.Fprintf(stdout, "%s\n", b)
			case "markdown":
				fmt.Fprintln(stdout, "| id | name | severity | title |\n|---|---|---|---|")
				for _, r := range cat {
					fmt.Fprintf(stdout, "| %s | %s | %s | %s |\n", r.ID, r.Name, r.Severity, r.Title)
				}
			default:
				return &exitError{code: ExitError, err: fmt.Errorf("--format %q: want text, json or markdown", format)}
			}
			return nil
		},
	}
	c.Flags().StringVarP(&format, "format", "f", "text", "text, json or markdown")
	c.Flags().StringArrayVar(&policies, "policy", nil, "also list custom rules from `DIR` (repeatable)")
	return c
}

func newExplain(stdout io.Writer) *cobra.Command {
	var policies []string
	c := &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a rule: why it matters, what Docker does, how to fix it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := catalogEngine(cmd.Context(), policies)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			for _, r := range eng.Catalog() {
				if strings.EqualFold(r.ID, args[0]) || r.Name == args[0] {
					fmt.Fprint(stdout, Explain(r))
					return nil
				}
			}
			return &exitError{code: ExitError, err: fmt.Errorf("no rule %q; 'swarmlint rules' lists them", args[0])}
		},
	}
	c.Flags().StringArrayVar(&policies, "policy", nil, "also search custom rules from `DIR` (repeatable)")
	return c
}

// Explain renders a rule for the terminal.
func Explain(r rules.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s)\n%s\n\n", r.ID, r.Name, r.Severity, r.Title)
	b.WriteString(r.Description)
	b.WriteString("\n\nHow to fix: ")
	b.WriteString(r.Remediation)
	b.WriteString("\n")
	if r.Fix != nil {
		if r.Fix.Safe {
			fmt.Fprintf(&b, "Fix (safe; swarmlint fix applies it): %s\n", r.Fix.Description)
		} else {
			fmt.Fprintf(&b, "Fix (unsafe, it changes what the swarm does; swarmlint fix --unsafe applies it): %s\n", r.Fix.Description)
		}
	}
	for _, l := range r.Related {
		fmt.Fprintf(&b, "See: %s", l.URL)
		if l.Description != "" {
			fmt.Fprintf(&b, " (%s)", l.Description)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func newInspect(stdin io.Reader, stdout io.Writer) *cobra.Command {
	lf := &lintFlags{}
	var schema bool
	c := &cobra.Command{
		Use:   "inspect [flags] FILE...",
		Short: "Print the network model (the exact Rego input) as JSON, for writing rules",
		Long: `inspect prints the network model swarmlint builds from the inputs — the
exact input every Rego rule receives — as JSON. It takes the inputs linting
takes (files, scripts, --swarm-init, --cluster, --live, .swarmlint.yaml).

--schema prints the model's JSON Schema instead (docs/input.schema.json of
the swarmlint version at hand), for plain OPA tooling:

  swarmlint inspect --schema > input.schema.json
  opa check --strict --schema input.schema.json policy/ swarmlint-lib/`,
		Example: `  swarmlint inspect docker-stack.yml > input.json
  swarmlint inspect --schema > input.schema.json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if schema {
				if len(args) > 0 {
					return &exitError{code: ExitError, err: errors.New("--schema prints the model's schema and takes no FILE")}
				}
				_, err := stdout.Write(docs.InputSchema)
				return err
			}
			cfg, err := lf.config(cmd.Context(), args, stdin, io.Discard)
			if err != nil {
				return &exitError{code: ExitError, err: inputsError(err)}
			}
			if n := len(cfg.Swarms); n > 1 {
				return &exitError{code: ExitError, err: fmt.Errorf("inspect prints one model, but these inputs are %d swarms: give --same-swarm to model the files as one swarm, or --swarm NAME to pick a configured swarm", n)}
			}
			a, err := analyzer.Load(cmd.Context(), cfg.LoadOptions())
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			skippedNote(a, cmd.ErrOrStderr())
			if err := incompleteLoad(a, false); err != nil {
				return &exitError{code: ExitError, err: err}
			}
			b, err := a.Model.JSON()
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			fmt.Fprintf(stdout, "%s\n", b)
			return nil
		},
	}
	lf.register(c)
	c.Flags().BoolVar(&schema, "schema", false, "print the model's JSON Schema instead of a model (for opa check --schema)")
	return c
}
