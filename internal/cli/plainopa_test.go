package cli

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/swarmlint/swarmlint/internal/opatest"
)

// plainOPACommands reads the commands of the "Plain OPA tooling" section of
// docs/custom-rules.md: the lines of its first sh block.
func plainOPACommands(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "custom-rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\n## Plain OPA tooling\n.*?```sh\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal(`docs/custom-rules.md has no "## Plain OPA tooling" section with a sh block`)
	}
	var cmds []string
	for _, line := range strings.Split(string(m[1]), "\n") {
		if i := strings.Index(line, " # "); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			cmds = append(cmds, line)
		}
	}
	return cmds
}

// shellWords splits a documented command line like a shell does for the
// forms the docs use: words, 'single-quoted' words and "> FILE".
func shellWords(line string) (args []string, out string) {
	for _, w := range regexp.MustCompile(`'[^']*'|\S+`).FindAllString(line, -1) {
		args = append(args, strings.Trim(w, "'"))
	}
	if n := len(args); n >= 2 && args[n-2] == ">" {
		return args[:n-2], args[n-1]
	}
	return args, ""
}

// plainOPAProject is a team's repository as the docs assume it: the
// scaffolded rule ACME001 in policy/, the parameters file of the docs'
// Parameters section, and what the swarmlint lines of the docs' block
// write (the libraries, caps.json, input.json). It returns the directory
// and the opa command lines of the block.
func plainOPAProject(t *testing.T) (string, [][]string) {
	lines := plainOPACommands(t)
	dir := t.TempDir()
	t.Chdir(dir)
	if _, stderr, code := run(t, "new-rule", "--dir", "policy", "--id", "ACME001", "no-latest-tag"); code != 0 {
		t.Fatalf("new-rule: exit %d: %s", code, stderr)
	}
	write(t, dir, "params.yml", "no_latest_tag:\n  allowed_images: [nginx]\n")
	var opa [][]string
	for _, line := range lines {
		args, out := shellWords(line)
		switch args[0] {
		case "swarmlint":
			stdout, stderr, code := run(t, args[1:]...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", line, code, stderr)
			}
			if out != "" {
				write(t, dir, out, stdout)
			}
		case "opa":
			if out != "" {
				t.Fatalf("%s: the test does not redirect opa's output", line)
			}
			opa = append(opa, args[1:])
		default:
			t.Fatalf("%s: neither swarmlint nor opa", line)
		}
	}
	if len(opa) < 4 {
		t.Fatalf("the docs' block has %d opa commands, want check, test and two evals", len(opa))
	}
	return dir, opa
}

// typoRule reads a field the model does not have.
const typoRule = `package acme.rules.typo

report contains service.key if {
	some service in input.servicez
}
`

// flagValue returns the value after flag in args ("" when absent).
func flagValue(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// findingIDs decodes opa eval's pretty output of a report (or the value
// of a Go evaluation) into the findings' id and message.
func findingIDs(t *testing.T, v any) []string {
	t.Helper()
	var fs []struct{ ID, Message string }
	b, _ := json.Marshal(v)
	if err := json.Unmarshal(b, &fs); err != nil {
		t.Fatalf("not a list of findings: %s", b)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.ID+" "+f.Message)
	}
	return out
}

// wantEvals are the findings of the docs' two opa eval lines on the bad
// fixture: both services without params, only example/api with nginx
// allowed.
var wantEvals = [][]string{
	{`ACME001 service "api" uses image "example/api:latest" without a pinned tag; every node may pull a different image`,
		`ACME001 service "web" uses image "nginx" without a pinned tag; every node may pull a different image`},
	{`ACME001 service "api" uses image "example/api:latest" without a pinned tag; every node may pull a different image`},
}

// TestPlainOPAWorkflow runs the docs' "Plain OPA tooling" block through
// OPA's Go packages, as opa does: the scaffolded rule and swarmlint's
// libraries are strict-clean with the sandbox's capabilities, the
// scaffold's Rego tests pass under OPA's own tester (no swarmlint, no
// data.swarmlint.params), and opa eval of the report on `swarmlint inspect`
// output finds what the bad fixture wants, with and without parameters.
func TestPlainOPAWorkflow(t *testing.T) {
	dir, cmds := plainOPAProject(t)
	ctx := context.Background()
	ignoreFixtures := func(_ string, info fs.FileInfo, _ int) bool { return info.Name() == "fixtures" }
	var check []string
	for _, args := range cmds {
		if args[0] == "check" {
			check = args
		}
	}
	if check == nil || flagValue(check, "--capabilities") == "" || flagValue(check, "--schema") == "" {
		t.Fatalf("the docs' block has no opa check --capabilities FILE --schema FILE: %q", check)
	}
	caps, err := ast.LoadCapabilitiesFile(flagValue(check, "--capabilities"))
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := loader.Schemas(flagValue(check, "--schema"))
	if err != nil {
		t.Fatal(err)
	}
	mods, store, err := tester.Load([]string{"policy", "swarmlint-lib"}, ignoreFixtures)
	if err != nil {
		t.Fatalf("loading like opa test --ignore fixtures: %v", err)
	}
	// opa check --strict --capabilities FILE --schema FILE, as cmd/check.go
	// compiles.
	opaCheck := func(mods map[string]*ast.Module) ast.Errors {
		c := ast.NewCompiler().WithCapabilities(caps).WithSchemas(schemas).WithStrict(true).WithEnablePrintStatements(true).WithUseTypeCheckAnnotations(true)
		c.Compile(mods)
		return c.Errors
	}
	if errs := opaCheck(mods); len(errs) > 0 {
		t.Fatalf("opa %s: %v", strings.Join(check, " "), errs)
	}
	typo := ast.MustParseModuleWithOpts(typoRule, ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
	withTypo := map[string]*ast.Module{"policy/typo.rego": typo}
	for k, m := range mods {
		withTypo[k] = m
	}
	if errs := opaCheck(withTypo); len(errs) == 0 || !strings.Contains(errs.Error(), "input.servicez") {
		t.Errorf("opa %s accepts input.servicez: %v", strings.Join(check, " "), errs)
	}
	ch, err := tester.NewRunner().SetStore(store).SetModules(mods).RunTests(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ch {
		n++
		if !r.Pass() {
			t.Errorf("opa test: %s", r)
		}
	}
	if n < 5 {
		t.Errorf("opa test ran %d tests", n)
	}
	var input any
	b, err := os.ReadFile(filepath.Join(dir, "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := util.UnmarshalJSON(b, &input); err != nil {
		t.Fatal(err)
	}
	evals := 0
	for _, args := range cmds {
		if args[0] != "eval" {
			continue
		}
		var paths []string
		for i, a := range args {
			if a == "-d" {
				paths = append(paths, args[i+1])
			}
		}
		rs, err := rego.New(rego.Query(args[len(args)-1]), rego.Load(paths, ignoreFixtures), rego.Input(input)).Eval(ctx)
		if err != nil || len(rs) != 1 {
			t.Fatalf("opa %s: %v (%d results)", strings.Join(args, " "), err, len(rs))
		}
		if evals < len(wantEvals) {
			if got := findingIDs(t, rs[0].Expressions[0].Value); strings.Join(got, "\n") != strings.Join(wantEvals[evals], "\n") {
				t.Errorf("opa %s:\n%s\nwant\n%s", strings.Join(args, " "), strings.Join(got, "\n"), strings.Join(wantEvals[evals], "\n"))
			}
		}
		evals++
	}
	if evals != len(wantEvals) {
		t.Errorf("%d opa eval lines, want %d", evals, len(wantEvals))
	}
}

// TestPlainOPAWorkflowWithOPA runs the docs' block with the opa binary
// itself, every command as written.
func TestPlainOPAWorkflowWithOPA(t *testing.T) {
	bin := opatest.Binary(t)
	dir, cmds := plainOPAProject(t)
	evals := 0
	for _, args := range cmds {
		out, ok := opatest.Run(t, bin, dir, args...)
		if !ok {
			t.Errorf("opa %s:\n%s", strings.Join(args, " "), out)
			continue
		}
		switch args[0] {
		case "fmt":
			if out != "" {
				t.Errorf("opa %s: the scaffold is not in opa fmt form:\n%s", strings.Join(args, " "), out)
			}
		case "test":
			if !strings.Contains(out, "PASS: 7/7") {
				t.Errorf("opa test:\n%s", out)
			}
		case "eval":
			var v any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("opa eval --format pretty printed no JSON: %v\n%s", err, out)
			}
			if evals < len(wantEvals) {
				if got := findingIDs(t, v); strings.Join(got, "\n") != strings.Join(wantEvals[evals], "\n") {
					t.Errorf("opa %s:\n%s", strings.Join(args, " "), out)
				}
			}
			evals++
		}
	}
	if evals != len(wantEvals) {
		t.Errorf("%d opa eval lines, want %d", evals, len(wantEvals))
	}
	write(t, filepath.Join(dir, "policy"), "typo.rego", typoRule)
	for _, args := range cmds {
		if args[0] == "check" {
			if out, ok := opatest.Run(t, bin, dir, args...); ok || !strings.Contains(out, "input.servicez") {
				t.Errorf("opa %s accepts input.servicez (ok=%v):\n%s", strings.Join(args, " "), ok, out)
			}
		}
	}
}

// TestLib: `swarmlint lib DIR` writes exactly the non-test files of
// policies/lib, again without change, and refuses a directory that holds
// other .rego files (a team's rules) without writing anything.
func TestLib(t *testing.T) {
	dir := t.TempDir()
	out, stderr, code := run(t, "lib", filepath.Join(dir, "lib"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	src, err := filepath.Glob(filepath.Join("..", "..", "policies", "lib", "*.rego"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range src {
		if strings.HasSuffix(p, "_test.rego") {
			continue
		}
		n++
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(dir, "lib", filepath.Base(p)))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s not written as it is (%v)", filepath.Base(p), err)
		}
	}
	written, _ := filepath.Glob(filepath.Join(dir, "lib", "*"))
	if n == 0 || len(written) != n || strings.Count(out, "wrote ") != n {
		t.Errorf("%d library files, %d written:\n%s", n, len(written), out)
	}
	if out, _, code := run(t, "lib", filepath.Join(dir, "lib")); code != 0 || strings.Count(out, "unchanged ") != n {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
	write(t, dir, "mine.rego", "package acme.rules.mine\n")
	_, stderr, code = run(t, "lib", dir)
	if code != ExitError || !strings.Contains(stderr, "mine.rego, which is not one of swarmlint's libraries") {
		t.Errorf("a directory with a team's rule: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "result.rego")); err == nil {
		t.Error("lib wrote beside a team's rule")
	}
}

// TestInspectSchema: `swarmlint inspect --schema` prints
// docs/input.schema.json as it is, and takes no FILE.
func TestInspectSchema(t *testing.T) {
	out, stderr, code := run(t, "inspect", "--schema")
	want, err := os.ReadFile(filepath.Join("..", "..", "docs", "input.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || stderr != "" || out != string(want) {
		t.Errorf("exit %d, stderr %q, output equal to docs/input.schema.json: %v", code, stderr, out == string(want))
	}
	if _, stderr, code := run(t, "inspect", "--schema", "stack.yml"); code != ExitError || !strings.Contains(stderr, "--schema prints the model's schema and takes no FILE") {
		t.Errorf("--schema with a FILE: exit %d, %s", code, stderr)
	}
}
