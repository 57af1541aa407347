package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/swarmlint/swarmlint/internal/lazyre"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"github.com/swarmlint/swarmlint/rules"
)

func newLib(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "lib DIR",
		Short: "Write swarmlint's Rego libraries (data.swarmlint.lib.*) into DIR, for opa test and opa eval",
		Long: `lib writes the Rego libraries swarmlint loads beside every policy —
data.swarmlint.lib.result (the finding constructor) and the other
data.swarmlint.lib.* helpers — into DIR, one .rego file each, so that plain
OPA tooling can run a team's rules outside swarmlint:

  swarmlint lib swarmlint-lib
  opa test --ignore fixtures policy/ swarmlint-lib/

Keep DIR outside the directories given to --policy: the data.swarmlint
namespace is swarmlint's own, and --policy refuses packages in it. A file of
DIR that holds other .rego files is refused.
docs/custom-rules.md ("Plain OPA tooling") shows the whole workflow.`,
		Example: `  swarmlint lib swarmlint-lib
  opa test --ignore fixtures policy/ swarmlint-lib/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := writeLib(args[0], stdout); err != nil {
				return &exitError{code: ExitError, err: err}
			}
			return nil
		},
	}
}

// libPackageRe matches the package line of a swarmlint library file.
var libPackageRe = lazyre.New(`(?m)^package swarmlint\.lib\.`)

// writeLib writes the library files into dir, refusing to overwrite a file
// that is not a swarmlint library.
func writeLib(dir string, stdout io.Writer) error {
	files, err := rules.LibraryFiles()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	// DIR must hold nothing but the libraries: rules beside them would be
	// refused by --policy (the libraries' namespace), or overwritten.
	existing, _ := filepath.Glob(filepath.Join(dir, "*.rego"))
	sort.Strings(existing)
	for _, p := range existing {
		old, err := safeio.ReadFile(p, safeio.MaxConfigSize)
		if err != nil {
			return fmt.Errorf("%s: %s", p, safeio.Reason(err))
		}
		if !libPackageRe().Match(old) {
			return fmt.Errorf("%s holds %s, which is not one of swarmlint's libraries: give lib a directory of its own (outside the --policy directories)", dir, filepath.ToSlash(p))
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range names {
		p := filepath.Join(dir, name)
		if old, err := safeio.ReadFile(p, safeio.MaxPolicySize); err == nil && bytes.Equal(old, files[name]) {
			fmt.Fprintf(stdout, "unchanged %s\n", filepath.ToSlash(p))
			continue
		}
		if err := safeio.WriteFile(p, files[name]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", filepath.ToSlash(p))
	}
	return nil
}
