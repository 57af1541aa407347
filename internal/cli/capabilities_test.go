package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/swarmlint/swarmlint/internal/opatest"
	"github.com/swarmlint/swarmlint/rules"
)

// TestCapabilities: `swarmlint capabilities` prints a capabilities file
// OPA's loader reads, without the built-ins the sandbox removes, with the
// ordinary ones, and with an explicit empty allow_net (a file without the
// key would allow every host).
func TestCapabilities(t *testing.T) {
	out, stderr, code := run(t, "capabilities")
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	caps, err := ast.LoadCapabilitiesJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("OPA cannot read the output: %v", err)
	}
	have := map[string]bool{}
	for _, b := range caps.Builtins {
		have[b.Name] = true
	}
	for _, name := range rules.ForbiddenBuiltins() {
		if have[name] {
			t.Errorf("removed built-in %s is in the capabilities", name)
		}
	}
	for _, name := range []string{"http.send", "json.match_schema", "time.now_ns", "io.jwt.encode_sign"} {
		if have[name] {
			t.Errorf("%s is in the capabilities", name)
		}
	}
	for _, name := range []string{"sprintf", "count", "net.cidr_contains", "net.cidr_intersects", "object.get", "regex.match", "json.unmarshal"} {
		if !have[name] {
			t.Errorf("ordinary built-in %s is missing", name)
		}
	}
	if caps.AllowNet == nil || len(caps.AllowNet) != 0 {
		t.Errorf("allow_net = %#v, want an empty list (no host)", caps.AllowNet)
	}
	if !strings.Contains(out, `"allow_net": []`) {
		t.Errorf("the output does not say \"allow_net\": []")
	}
	if len(caps.Builtins) != len(rules.Capabilities().Builtins) {
		t.Errorf("%d built-ins, the sandbox has %d", len(caps.Builtins), len(rules.Capabilities().Builtins))
	}
	// The file compiles policies as the sandbox does: http.send is refused.
	for src, ok := range map[string]bool{
		"package p\n\nx := sprintf(\"%d\", [1])\n":                                    true,
		"package p\n\nx := http.send({\"method\": \"get\", \"url\": \"http://x\"})\n": false,
		"package p\n\nx := json.match_schema({}, {})\n":                               false,
	} {
		c := ast.NewCompiler().WithCapabilities(caps)
		c.Compile(map[string]*ast.Module{"p.rego": ast.MustParseModuleWithOpts(src, ast.ParserOptions{RegoVersion: ast.RegoV1})})
		if c.Failed() == ok {
			t.Errorf("compiling %q with the capabilities: errors %v, want ok=%v", src, c.Errors, ok)
		}
	}
	help, _, _ := run(t, "capabilities", "--help")
	for _, want := range []string{"opa check", "--capabilities", "allow_net", "http.send"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help does not mention %s:\n%s", want, help)
		}
	}
}

// TestCapabilitiesWithOPA: the real opa binary reads the file and refuses a
// removed built-in with it.
func TestCapabilitiesWithOPA(t *testing.T) {
	bin := opatest.Binary(t)
	out, _, _ := run(t, "capabilities")
	dir := t.TempDir()
	write(t, dir, "caps.json", out)
	ok := filepath.Join(dir, "ok")
	bad := filepath.Join(dir, "bad")
	for _, d := range []string{ok, bad} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, ok, "p.rego", "package p\n\nx := sprintf(\"%d\", [count([1])])\n")
	write(t, bad, "p.rego", "package p\n\nx := http.send({\"method\": \"get\", \"url\": \"http://example.com\"})\n")
	if msg, pass := opatest.Run(t, bin, dir, "check", "--strict", "--capabilities", "caps.json", "ok"); !pass {
		t.Errorf("opa check refuses an ordinary policy with the capabilities:\n%s", msg)
	}
	msg, pass := opatest.Run(t, bin, dir, "check", "--strict", "--capabilities", "caps.json", "bad")
	if pass || !strings.Contains(msg, "http.send") {
		t.Errorf("opa check accepts http.send with the capabilities (pass=%v):\n%s", pass, msg)
	}
}
