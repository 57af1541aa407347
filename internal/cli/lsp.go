package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/swarmlint/swarmlint/internal/lsp"
	"github.com/swarmlint/swarmlint/lint"
)

// lspUnsupported are lint flags that make no sense for a language server:
// output, exit status, suppression bookkeeping, standard input, and the
// live swarm (read over the network on every keystroke).
var lspUnsupported = []string{"format", "output", "compose-file", "stack", "fail-on", "no-color", "category",
	"show-suppressed", "baseline", "write-baseline", "changed", "stdin-filename", "live", "docker-host", "live-timeout"}

func newLSP(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	lf := &lintFlags{}
	c := &cobra.Command{
		Use:   "lsp [flags]",
		Short: "Run the language server (LSP over standard input and output) for editors",
		Long: `swarmlint lsp is a Language Server: an editor starts it and talks the Language
Server Protocol with it over standard input and output. It is not meant to be
run by hand; see "In your editor" in the README for Neovim, Helix and VS Code.

What the editor gets:
  - Diagnostics for open stack files (and shell scripts) as you type, from the
    unsaved text, about 150 ms after the last change: the rule id as the code,
    a link to the rule's page, the exact range of the offending token.
  - The workspace's .swarmlint.yaml decides which files are checked together,
    exactly as for 'swarmlint FILE': a file of a configured stack is linted
    with the other stacks of its swarm, and a change in it re-lints them;
    their findings are shown in files that are not open too. Any other file
    is an independent stack, or, with --same-swarm, the open files of no
    configured stack are one swarm (as 'swarmlint --same-swarm FILE...' with
    the open files). The configuration is read again when it is saved, and
    files changed outside the editor (a git checkout) are linted again when
    the editor reports it (the server asks to be told, where it can).
  - Code actions: a rule's fix where it has one (unsafe fixes say so in
    their title), and "ignore on this line", which inserts
    '# swarmlint:ignore ID <reason>' with the reason selected for typing.
  - Hover over a rule id in a '# swarmlint:ignore' comment shows the rule's
    page (the text of 'swarmlint explain').

The workspace folder the editor names becomes the working directory. The
policies are compiled once per session (again only when the configuration's
policies or parameters change). Flags that set swarm facts and rules (for
example --policy, --node-count, --config) apply to every lint of the session.

Exit status: 0 after the editor's shutdown and exit, 1 when the editor went
away without shutdown (as the protocol specifies), 2 on a usage error.`,
		Example: `  swarmlint lsp                      # what the editor runs
  swarmlint lsp --policy policies    # with custom rules`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, name := range lspUnsupported {
				if cmd.Flags().Changed(name) {
					return &exitError{code: ExitError, err: fmt.Errorf("--%s does not apply to the language server (see 'swarmlint lsp --help')", name)}
				}
			}
			srv := lsp.New(lsp.Options{Resolve: lf.lspResolver(stderr), Version: version(), Log: stderr, Together: lf.sameSwarm})
			if err := srv.Serve(cmd.Context(), stdioStream{stdin, stdout}); err != nil {
				// the protocol's exit code for an exit without shutdown
				return &exitError{code: 1, err: err}
			}
			return nil
		},
	}
	lf.register(c)
	for _, name := range lspUnsupported {
		_ = c.Flags().MarkHidden(name)
	}
	c.Flags().Bool("stdio", true, "talk over standard input and output (the only transport; accepted because editors pass it)")
	return c
}

// lspResolver resolves the files of a lint in the language server exactly
// as the command line resolves its arguments (config), with the editor's
// buffers in place of the files on disk.
func (lf *lintFlags) lspResolver(stderr io.Writer) lsp.Resolver {
	return func(ctx context.Context, files []string, overlay map[string][]byte) (lint.Config, error) {
		run := *lf
		run.buffers = overlay
		if run.buffers == nil {
			run.buffers = map[string][]byte{}
		}
		cfg, err := run.config(ctx, files, nil, stderr)
		if errors.Is(err, errNoInputs) {
			return cfg, lsp.ErrNoInputs
		}
		return cfg, err
	}
}

// stdioStream is the server's connection: standard input and output.
// Closing it leaves them open; the process ends after the session.
type stdioStream struct {
	io.Reader
	io.Writer
}

func (stdioStream) Close() error { return nil }
