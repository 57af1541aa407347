package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/report/sariftest"
)

// run invokes the CLI in-process and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBadInput: a file Docker would refuse to load is an SWL000 finding at
// file:line:col (exit 1 at the default --fail-on), YAML that is no Compose
// file is skipped with one line on standard error (exit 0), and only a path
// that cannot be read is a tool error (exit 2, one clear line), never a
// panic.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content string
		want          string // regexp over stdout
	}{
		{"invalid.yml", "services:\n  web:\n    image: nginx\n   bad: [\n", `invalid\.yml:4:4: error SWL000 invalid YAML: `},
		{"type.yml", "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: many\n", `type\.yml:5:7: error SWL000 "replicas" in deploy of service "web" must be a number, got "many"`},
		{"portsstring.yml", "services:\n  web:\n    image: nginx\n    ports: \"80:80\"\n", `portsstring\.yml:4:5: error SWL000 "ports" in service "web" must be an array`},
		{"portz.yml", "services:\n  web:\n    image: nginx\n    portz: [\"80:80\"]\n", `portz\.yml:4:5: error SWL000 unknown key "portz" in service "web" \(did you mean "ports"\?\)`},
		// compose-go names the volume's value, not where it is: the unset
		// variable leaves an empty source.
		{"volume.yml", "services:\n  web:\n    image: nginx\n    volumes:\n      - /srv:/srv\n      - ${SWARMLINT_TEST_UNSET_DIR}:/data:ro\n", `volume\.yml:6:9: error SWL000 volume ":/data:ro" of service "web" is not valid: empty section between colons`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(t, dir, c.name, c.content)
			out, errs, code := run(t, "--enable", "SWL000", p)
			if code != ExitFindings {
				t.Fatalf("exit %d, want 1; stdout %q stderr %q", code, out, errs)
			}
			if !regexp.MustCompile(c.want).MatchString(out) {
				t.Fatalf("stdout %q does not match %q", out, c.want)
			}
			if errs != "" {
				t.Fatalf("stderr %q, want nothing", errs)
			}
		})
	}
	for _, c := range []struct{ name, content string }{
		{"list.yml", "- a\n- b\n"},
		{"scalar.yml", "hello\n"},
		{"empty.yml", ""},
		{"comments.yml", "# nothing here\n"},
		{"nul.yml", "services:\n  web:\x00\n"},
		{"workflow.yml", "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := write(t, dir, c.name, c.content)
			out, errs, code := run(t, p)
			if code != ExitOK || errs != "swarmlint: "+p+": skipped: not a Compose file\n" || out != "no findings\n" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 0, no findings, one skipped line", code, out, errs)
			}
		})
	}
	// A path that cannot be read is a tool error: exit 2, the report (text:
	// on standard output) names it, and the other files are still linted.
	good := write(t, dir, "good.yml", "services:\n  web:\n    image: nginx\n    ports: [\"80:80\", \"80:80\"]\n")
	t.Run("missing", func(t *testing.T) {
		out, _, code := run(t, "--enable", "SWL102", filepath.Join(dir, "nope.yml"), good)
		if code != ExitError || !strings.Contains(out, "nope.yml: tool-error "+filepath.Join(dir, "nope.yml")+": no such file") || !strings.Contains(out, "SWL102") {
			t.Fatalf("exit %d, stdout %q", code, out)
		}
	})
	t.Run("directory", func(t *testing.T) {
		empty := filepath.Join(dir, "empty")
		if err := os.MkdirAll(filepath.Join(empty, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		_, errs, code := run(t, empty)
		if code != ExitError || !strings.Contains(errs, "no Compose or stack file in this directory") {
			t.Fatalf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("missing with -o", func(t *testing.T) {
		sarifPath := filepath.Join(dir, "out.sarif")
		t.Run("run", func(t *testing.T) {
			t.Chdir(dir) // SARIF URIs are relative to the working directory
			_, errs, code := run(t, "--format", "sarif", "-o", "out.sarif", "nope.yml", "good.yml")
			if code != ExitError || !strings.Contains(errs, "nope.yml: no such file") {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
		})
		b, err := os.ReadFile(sarifPath)
		if err != nil {
			t.Fatal(err)
		}
		src, _ := os.ReadFile(good)
		sariftest.Check(t, b, map[string][]byte{"good.yml": src})
		var log struct {
			Runs []struct {
				Invocations []struct {
					ExecutionSuccessful        bool `json:"executionSuccessful"`
					ToolExecutionNotifications []struct {
						Message struct{ Text string } `json:"message"`
					} `json:"toolExecutionNotifications"`
				} `json:"invocations"`
				Results []struct {
					RuleID string `json:"ruleId"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(b, &log); err != nil {
			t.Fatal(err)
		}
		inv := log.Runs[0].Invocations[0]
		if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 1 || !strings.Contains(inv.ToolExecutionNotifications[0].Message.Text, "nope.yml") {
			t.Errorf("invocation %+v: want executionSuccessful false and the missing file named", inv)
		}
		if len(log.Runs[0].Results) == 0 {
			t.Error("the readable file's findings are missing from the SARIF log")
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		if runtime.GOOS == "windows" || os.Geteuid() == 0 {
			t.Skip("root reads files whatever their mode")
		}
		p := write(t, dir, "secret.yml", "services: {}\n")
		os.Chmod(p, 0)
		out, _, code := run(t, p)
		if code != ExitError || !strings.Contains(out, "secret.yml") {
			t.Fatalf("exit %d, stdout %q", code, out)
		}
	})
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{{}, {"--format", "xml", "a.yml"}, {"--fail-on", "sometimes", "a.yml"}, {"--bogus"}} {
			_, errs, code := run(t, args...)
			if code != ExitError || errs == "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, errs)
			}
		}
	})
}

// TestExitCodesAndFormats: findings at or above --fail-on exit 1; every
// format is written; output is byte-identical across runs.
func TestExitCodesAndFormats(t *testing.T) {
	t.Chdir("../..") // SARIF URIs are relative to the repository root
	bad := "fixtures/SWL101-dnsrr-with-ingress-port/bad.yml"
	good := "fixtures/SWL101-dnsrr-with-ingress-port/good.yml"
	if _, _, code := run(t, "--enable", "SWL101", good); code != ExitOK {
		t.Errorf("clean file: exit %d", code)
	}
	if _, _, code := run(t, "--enable", "SWL101", bad); code != ExitFindings {
		t.Errorf("errors: exit %d", code)
	}
	if _, _, code := run(t, "--enable", "SWL101", "--fail-on", "none", bad); code != ExitOK {
		t.Errorf("--fail-on none: exit %d", code)
	}
	for _, f := range []string{"text", "json", "sarif", "github", "junit"} {
		a, _, _ := run(t, "--enable", "SWL101", "--format", f, bad)
		b, _, _ := run(t, "--enable", "SWL101", "--format", f, bad)
		if a == "" || a != b {
			t.Errorf("%s: empty or not deterministic", f)
		}
		if f == "sarif" {
			src, _ := os.ReadFile(bad)
			sariftest.Check(t, []byte(a), map[string][]byte{bad: src})
		}
		if f == "json" {
			var doc struct {
				Findings []struct {
					RuleID    string `json:"rule_id"`
					StartLine int    `json:"start_line"`
					StartCol  int    `json:"start_column"`
					EndCol    int    `json:"end_column"`
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(a), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Findings) != 2 || doc.Findings[0].StartLine != 8 || doc.Findings[0].StartCol != 9 || doc.Findings[0].EndCol != 22 {
				t.Errorf("json findings = %+v", doc.Findings)
			}
		}
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "r.sarif")
	if _, _, code := run(t, "--enable", "SWL101", "--format", "sarif", "-o", out, bad); code != ExitFindings {
		t.Errorf("-o: exit %d", code)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte(`"ruleId": "SWL101"`)) {
		t.Errorf("-o wrote %q, %v", b, err)
	}
}

// TestTextColour: no ANSI escapes when stdout is not a terminal.
func TestTextColour(t *testing.T) {
	out, _, _ := run(t, "--enable", "SWL101", "../../fixtures/SWL101-dnsrr-with-ingress-port/bad.yml")
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour in non-terminal output: %q", out)
	}
	if !strings.Contains(out, "bad.yml:8:9: error SWL101") || !strings.Contains(out, "^~~~") {
		t.Errorf("text output lacks the location or the caret:\n%s", out)
	}
}

func TestVersion(t *testing.T) {
	out, _, code := run(t, "version")
	if code != 0 || !strings.HasPrefix(out, "swarmlint ") {
		t.Errorf("version: %q %d", out, code)
	}
}

// TestConfigSwarmInit: swarm.init in .swarmlint.yaml is parsed like
// --swarm-init and its findings point into the configuration file.
func TestConfigSwarmInit(t *testing.T) {
	dir := t.TempDir()
	stack, _ := os.ReadFile("../../examples/wordpress/docker-stack.yml")
	write(t, dir, "docker-stack.yml", string(stack))
	write(t, dir, ".swarmlint.yaml", "swarm:\n  init: \"docker swarm init --default-addr-pool 10.60.0.0/16 --default-addr-pool-mask-length 30\"\n")
	t.Chdir(dir)
	out, errs, code := run(t, "--enable", "SWL501", "docker-stack.yml")
	if code != ExitFindings || !strings.Contains(out, ".swarmlint.yaml:2:61: error SWL501") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	write(t, dir, ".swarmlint.yaml", "swarm:\n  init: \"docker swarm init --default-addr-pool 10.60.0.0/16 --default-addr-pool-mask-length 28\"\n")
	out, _, code = run(t, "plan", "docker-stack.yml")
	if code != 0 || !strings.Contains(out, "10.60.0.0/28") || !strings.Contains(out, "10.60.0.16/28") {
		t.Fatalf("plan with a /28 pool from the configuration:\n%s", out)
	}
}

// TestPlanSwarmInitFlag is the acceptance check: each
// auto-allocated network gets its /28 from the --swarm-init pool.
func TestPlanSwarmInitFlag(t *testing.T) {
	out, errs, code := run(t, "plan", "--swarm-init", "docker swarm init --default-addr-pool 10.60.0.0/16 --default-addr-pool-mask-length 28",
		"../../examples/wordpress/docker-stack.yml", "../../examples/shop/docker-stack.yml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"ingress (ingress)            10.60.0.0/28", "wordpress_backend            10.60.0.16/28", "shop_jobs                    172.30.8.0/26      explicit"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
}

// TestWordPressAcceptance is the core issue's acceptance check: MySQL
// publishing 3306 on the shared overlay is SWL104 on the "3306:3306" line,
// and WordPress's "80:80" is not reported.
func TestWordPressAcceptance(t *testing.T) {
	t.Chdir("../..")
	out, errs, code := run(t, "--format", "json", "examples/wordpress/docker-stack.yml")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Findings []struct {
			RuleID    string `json:"rule_id"`
			StartLine int    `json:"start_line"`
			StartCol  int    `json:"start_column"`
			EndCol    int    `json:"end_column"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	src, _ := os.ReadFile("examples/wordpress/docker-stack.yml")
	lines := strings.Split(string(src), "\n")
	found := false
	for _, f := range doc.Findings {
		text := lines[f.StartLine-1]
		if strings.Contains(text, `"80:80"`) {
			t.Errorf("WordPress's 80:80 is reported: %+v", f)
		}
		if f.RuleID == "SWL104" {
			found = true
			if got := []rune(text)[f.StartCol-1 : f.EndCol-1]; string(got) != `"3306:3306"` {
				t.Errorf("SWL104 points at %q, want the \"3306:3306\" item", string(got))
			}
		}
	}
	if !found {
		t.Errorf("no SWL104 on the MySQL port: %s", out)
	}
}

// TestBundledExample: the README's example produces findings with exact
// regions in text, JSON and SARIF.
func TestBundledExample(t *testing.T) {
	t.Chdir("../..")
	file := "examples/shop/docker-stack.yml"
	src, _ := os.ReadFile(file)
	text, _, code := run(t, file)
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"shop/docker-stack.yml:33:9: error SWL101", "68:11: error SWL201", "63:11: error SWL211", "56:11: warning SWL202", "60:7: warning SWL301", "42:9: warning SWL104"} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q", want)
		}
	}
	sarifOut, _, _ := run(t, "--format", "sarif", file)
	sariftest.Check(t, []byte(sarifOut), map[string][]byte{file: src})
	for _, want := range []string{`"startLine": 68`, `"startColumn": 11`, `"endColumn": 31`} {
		if !strings.Contains(sarifOut, want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
	jsonOut, _, _ := run(t, "--format", "json", file)
	if !strings.Contains(jsonOut, `"rule_id": "SWL201"`) || !strings.Contains(jsonOut, `"end_column": 31`) {
		t.Errorf("JSON lacks the SWL201 region:\n%s", jsonOut)
	}
}
