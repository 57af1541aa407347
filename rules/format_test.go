package rules

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/format"

	"github.com/swarmlint/swarmlint/policies"
)

// TestPoliciesAreFormatted fails when a built-in .rego file is not in the
// form `opa fmt` writes, so `opa fmt --list policies/` stays empty without
// the opa binary being installed in CI. Fix with `opa fmt -w policies/`.
func TestPoliciesAreFormatted(t *testing.T) {
	n := 0
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		src, err := fs.ReadFile(policies.FS, p)
		if err != nil {
			return err
		}
		out, err := format.Source(p, src)
		if err != nil {
			t.Errorf("policies/%s: %v", p, err)
			return nil
		}
		n++
		if !bytes.Equal(src, out) {
			t.Errorf("policies/%s is not formatted: run `opa fmt -w policies/`", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no .rego files found")
	}
}
