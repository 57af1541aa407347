package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/swarmlint/swarmlint/internal/stackgen"
	"github.com/swarmlint/swarmlint/report"
)

// TestDeterminismAcrossGOMAXPROCS builds the binary and runs it on stacks,
// a script and a generated 500-service stack with GOMAXPROCS 1, 2 and 4,
// twice each: every format must be byte-identical, and so must the exit
// code and standard error. The policies compile concurrently with loading,
// and OPA and Go maps have their own orders, so this is the check that none
// of it leaks into a report.
func TestDeterminismAcrossGOMAXPROCS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "swarmlint")
	build := exec.Command("go", "build", "-o", bin, "./cmd/swarmlint")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	gen := filepath.Join(dir, "generated.yml")
	if err := os.WriteFile(gen, stackgen.Generate(stackgen.Options{Services: 500, Seed: 3}), 0o644); err != nil {
		t.Fatal(err)
	}
	inputs := []string{
		"fixtures/SWL101-dnsrr-with-ingress-port/bad.yml",
		"fixtures/SWL211-subnet-overlap/bad.yml",
		"fixtures/SWL305-ingress-traffic-unencrypted/bad.yml",
		"fixtures/SWL215-default-pools-overlap/bad.sh",
		gen,
	}
	for _, format := range report.FormatNames() {
		var first []byte
		var firstName string
		for _, procs := range []int{1, 2, 4} {
			for run := 0; run < 2; run++ {
				cmd := exec.Command(bin, append([]string{"--format", format, "--no-color"}, inputs...)...)
				cmd.Dir = root
				cmd.Env = append(os.Environ(), fmt.Sprintf("GOMAXPROCS=%d", procs), "NO_COLOR=1")
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				code := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					code = ee.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				got := fmt.Appendf(nil, "exit %d\nstderr:\n%s\nstdout:\n%s", code, stderr.Bytes(), stdout.Bytes())
				name := fmt.Sprintf("GOMAXPROCS=%d run %d", procs, run+1)
				if first == nil {
					if code != ExitFindings || stdout.Len() == 0 {
						t.Fatalf("%s %s: exit %d, %d bytes of output; stderr %s", format, name, code, stdout.Len(), stderr.Bytes())
					}
					first, firstName = got, name
					continue
				}
				if !bytes.Equal(got, first) {
					t.Errorf("%s: output with %s differs from %s", format, name, firstName)
				}
			}
		}
	}
}
