package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/swarmlint/swarmlint/rules"
)

func newCapabilities(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "capabilities",
		Short: "Print the OPA capabilities of swarmlint's policy sandbox as JSON, for opa check --capabilities",
		Long: `capabilities prints the OPA capabilities file of the sandbox swarmlint runs
policies in: every built-in function a rule may call, the Rego features of the
OPA version swarmlint embeds, and "allow_net": [] (no host may be reached).
Built-ins the sandbox removes (http.send, json.match_schema, time.now_ns, ...)
are not in it, so plain OPA tooling refuses them as swarmlint does:

  swarmlint capabilities > caps.json
  opa check --strict --capabilities caps.json policy/ swarmlint-lib/

docs/custom-rules.md ("Plain OPA tooling") shows the whole workflow.`,
		Example: `  swarmlint capabilities > caps.json
  opa check --strict --capabilities caps.json policy/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := rules.CapabilitiesJSON()
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			_, err = stdout.Write(b)
			return err
		},
	}
}
