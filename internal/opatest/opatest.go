// Package opatest finds the opa binary for tests that check swarmlint's
// claims about plain OPA tooling (opa check, opa test, opa eval) with the
// real command, next to the checks they make through OPA's Go API.
package opatest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var opaRequire = regexp.MustCompile(`(?m)^\s*github\.com/open-policy-agent/opa (v\S+)`)

// Install returns the command that installs the opa binary these tests
// expect: the OPA version swarmlint is built with (go.mod).
func Install() string {
	v := "<the version in go.mod>"
	dir, _ := os.Getwd()
	for range 10 {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			if m := opaRequire.FindSubmatch(b); m != nil {
				v = string(m[1])
			}
			break
		}
		dir = filepath.Dir(dir)
	}
	return "go install github.com/open-policy-agent/opa@" + v
}

// Binary returns the path of the opa binary: $OPA, opa on PATH, or
// $(go env GOPATH)/bin/opa. When there is none it skips the test, printing
// why and how to install it.
func Binary(t testing.TB) string {
	t.Helper()
	if p := Find(); p != "" {
		return p
	}
	t.Skipf("the opa binary is not installed (not $OPA, not on PATH, not in GOPATH/bin); install it with: %s", Install())
	return ""
}

// Find returns the path of the opa binary, or "".
func Find() string {
	if p := os.Getenv("OPA"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("opa"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "opa")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// Run runs opa with args in dir and returns its combined output and
// whether it exited 0.
func Run(t testing.TB, bin, dir string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("opa %s: %v", strings.Join(args, " "), err)
		}
		return string(out), false
	}
	return string(out), true
}
