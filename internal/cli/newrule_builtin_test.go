package cli

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNewBuiltinRuleNeedsNoGoAndNoDocker scaffolds a built-in rule into a
// copy of the repository with `swarmlint new-rule --builtin`, regenerates the
// docs as a contributor would, and runs the suite's checks there: the rule's
// Rego tests and catalog meta-tests, its fixtures (golden test), the docs
// drift and citation tests, and the engine expectations and report checks
// (which accept the pending rule without an engine run). No Go file is
// edited and no engine is used.
func TestNewBuiltinRuleNeedsNoGoAndNoDocker(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and tests a copy of the repository (about 2 minutes); run without -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command:", err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	copyTree(t, root, dst)
	t.Chdir(filepath.Join(dst, "analyzer")) // new-rule finds the clone's root upwards
	stdout, stderr, code := run(t, "new-rule", "--builtin", "--category", "ports", "example-check")
	if code != 0 {
		t.Fatalf("new-rule --builtin: exit %d\n%s%s", code, stdout, stderr)
	}
	id := regexp.MustCompile(`Rule (SWL1[0-9]{2}) `).FindStringSubmatch(stdout)
	if id == nil {
		t.Fatalf("no rule id in:\n%s", stdout)
	}
	for _, f := range []string{"policies/ports/example_check.rego", "policies/ports/example_check_test.rego",
		"fixtures/" + id[1] + "-example-check/bad.yml", "fixtures/" + id[1] + "-example-check/good.yml",
		"fixtures/" + id[1] + "-example-check/engine.json"} {
		if _, err := os.Stat(filepath.Join(dst, f)); err != nil {
			t.Errorf("not written: %s", f)
		}
	}
	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dst
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goCmd("run", "./internal/docgen/gen")
	if _, err := os.Stat(filepath.Join(dst, "docs/rules", id[1]+".md")); err != nil {
		t.Errorf("docgen wrote no page for %s", id[1])
	}
	out := goCmd("test", "-short", "-count=1", "-v", "-run",
		"TestRegoTests|TestCatalog$|TestPoliciesAreFormatted|TestFixtures|TestEveryRuleHasFixtures|TestDocsUpToDate|TestNoCitation|TestSwarmBehaviourAnchors|TestEngineExpectations|TestVerificationReportCurrent",
		"./rules", "./lint", "./internal/docgen", "./docs", "./enginetest")
	for _, want := range []string{"--- PASS: TestFixtures/" + id[1] + "-example-check/bad.yml", id[1] + ": pending"} {
		if !strings.Contains(out, want) {
			t.Errorf("the suite's output lacks %q:\n%s", want, out)
		}
	}
}

// copyTree copies the repository's files (not .git) from src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.Name() == ".git" { // a directory, or a worktree's link file
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
