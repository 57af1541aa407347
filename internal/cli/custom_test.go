package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// customRule is a custom rule file; body lines start at line 12, after
// the METADATA block (lines 1-7), the package (7) and the import (9).
func customRule(id, pkg, body string) string {
	src := fmt.Sprintf(`# METADATA
# title: Test rule %[1]s
# description: A custom rule for tests.
# custom:
#   id: %[1]s
#   severity: warning
package %[2]s

import data.swarmlint.lib.result

report contains finding if {
%[3]s
}
`, id, pkg, body)
	if !strings.Contains(body, "result.") {
		// Strict mode refuses an unused import; keep the line numbers.
		src = strings.Replace(src, "import data.swarmlint.lib.result", "# no import", 1)
	}
	return src
}

// everyService is a rule body that reports every service.
const everyService = "\tsome service in input.services\n\tfinding := result.finding(rego.metadata.chain(), service, sprintf(\"service %q\", [service.key]))"

const webStack = "services:\n  web:\n    image: nginx\n"

// writeAll writes files (path → content, slash-separated) below dir.
func writeAll(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// inTempDir makes a temporary working directory with files, so that paths
// in messages are short and relative.
func inTempDir(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	writeAll(t, dir, files)
	t.Chdir(dir)
}

// TestPolicyRefused: custom policies that break the rules of the game do
// not load; the run ends with exit 2 and a message naming file:line:col.
func TestPolicyRefused(t *testing.T) {
	cases := []struct {
		name, file, src string
		want            string // regexp over stderr
	}{
		{"SWL id", "pol/x.rego", customRule("SWL900", "acme.rules.x", everyService),
			`swarmlint: pol/x\.rego:5:1: rego_compile_error: custom rule id "SWL900" uses the reserved prefix SWL`},
		{"malformed id", "pol/x.rego", customRule("acme-1", "acme.rules.x", everyService),
			`pol/x\.rego:5:1: .*custom rule id "acme-1" must be an upper-case prefix`},
		{"rule package", "pol/x.rego", customRule("ACME001", "swarmlint.rules.ports.x", everyService),
			`pol/x\.rego:7:1: .*package swarmlint\.rules\.ports\.x is inside the built-in namespace data\.swarmlint`},
		{"lib package", "pol/lib.rego", "package swarmlint.lib.result\n\nextra := 1\n",
			`pol/lib\.rego:1:1: .*package swarmlint\.lib\.result is inside the built-in namespace`},
		{"params package", "pol/p.rego", "package swarmlint.params\n\nx := 1\n",
			`pol/p\.rego:1:1: .*package swarmlint\.params is inside the built-in namespace`},
		{"bad severity", "pol/x.rego", strings.Replace(customRule("ACME001", "acme.rules.x", everyService), "severity: warning", "severity: fatal", 1),
			`pol/x\.rego:6:1: .*custom\.severity must be error, warning or note, not "fatal"`},
		{"no title", "pol/x.rego", strings.Replace(customRule("ACME001", "acme.rules.x", everyService), "# title: Test rule ACME001\n", "", 1),
			`pol/x\.rego:1:1: .*rule ACME001 needs a title`},
		{"report without METADATA", "pol/x.rego", "package acme.rules.x\n\nreport contains {\"message\": \"m\"} if { input.services }\n",
			`pol/x\.rego:1:1: .*package acme\.rules\.x has a report rule but no package METADATA with custom\.id`},
		{"report not a set", "pol/x.rego", strings.Replace(customRule("ACME001", "acme.rules.x", "\tinput.services"), "report contains finding if", "report := 1 if", 1),
			`pol/x\.rego:7:1: .*rule ACME001 \(package acme\.rules\.x\) has no .report contains finding`},
		{"syntax error", "pol/x.rego", customRule("ACME001", "acme.rules.x", "\tsome service in input.services\n\tfinding := "),
			`pol/x\.rego:14:1: rego_parse_error: unexpected } token`},
		{"type error", "pol/x.rego", customRule("ACME001", "acme.rules.x", "\tsome service in input.services\n\tfinding := result.finding(rego.metadata.chain(), service, count(1))"),
			`pol/x\.rego:13:\d+: rego_type_error: count: invalid argument`},
		{"field the model does not have", "pol/x.rego", customRule("ACME001", "acme.rules.x", "\tsome service in input.services\n\tservice.servicez\n"+everyService[len("\tsome service in input.services\n"):]),
			`pol/x\.rego:13:2: rego_type_error: service\.servicez: the model has no field "servicez" here`},
		{"input field the model does not have", "pol/x.rego", customRule("ACME001", "acme.rules.x", "\tinput.servicez\n"+everyService),
			`pol/x\.rego:12:2: rego_type_error: input\.servicez: the model has no field "servicez" here \(docs/model\.md lists the input\); it has: commands, `},
		{"field below a keyed map", "pol/x.rego", customRule("ACME001", "acme.rules.x", "\tsome network in input.networks\n\tnetwork.encryption\n\tfinding := result.finding(rego.metadata.chain(), network, \"m\")"),
			`pol/x\.rego:13:2: rego_type_error: network\.encryption: the model has no field "encryption" here`},
		{"field below a nullable object", "pol/x.rego", customRule("ACME001", "acme.rules.x", "\tsome service in input.services\n\tservice.healthcheck.intervall\n"+everyService[len("\tsome service in input.services\n"):]),
			`pol/x\.rego:13:2: rego_type_error: service\.healthcheck\.intervall: the model has no field "intervall" here`},
		{"unknown custom key", "pol/x.rego", strings.Replace(customRule("ACME001", "acme.rules.x", everyService), "#   severity: warning\n", "#   severity: warning\n#   severty: error\n", 1),
			`pol/x\.rego:7:1: .*rule ACME001: unknown METADATA key custom\.severty \(did you mean custom\.severity\?\)`},
		{"unknown top-level key", "pol/x.rego", strings.Replace(customRule("ACME001", "acme.rules.x", everyService), "# custom:\n", "# helpUri: https://example.com/rules\n# custom:\n", 1),
			`pol/x\.rego:4:1: .*rule ACME001: unknown METADATA key helpUri; OPA reads authors, `},
		{"with_severity level", "pol/x.rego", customRule("ACME001", "acme.rules.x", "\tsome service in input.services\n\tf := result.finding(rego.metadata.chain(), service, \"m\")\n\tfinding := result.with_severity(f, \"critical\")"),
			`pol/x\.rego:14:37: rego_type_error: result\.with_severity: level "critical" is not error, warning or note`},
		{"unknown function", "pol/x.rego", customRule("ACME001", "acme.rules.x", "\tsome service in input.services\n\tfinding := result.no_such(service)"),
			`pol/x\.rego:13:\d+: rego_type_error: undefined function data\.swarmlint\.lib\.result\.no_such`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inTempDir(t, map[string]string{c.file: c.src, "stack.yml": webStack})
			_, stderr, code := run(t, "--policy", "pol", "stack.yml")
			if code != ExitError {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitError, stderr)
			}
			if !regexp.MustCompile(c.want).MatchString(stderr) {
				t.Errorf("stderr does not match %q:\n%s", c.want, stderr)
			}
			if strings.Contains(stderr, "panic") {
				t.Errorf("panic:\n%s", stderr)
			}
			// The same policy directory is refused by `swarmlint test` and `rules`.
			for _, args := range [][]string{{"test", "pol"}, {"rules", "--policy", "pol"}} {
				if _, e, code := run(t, args...); code != ExitError || !regexp.MustCompile(c.want).MatchString(e) {
					t.Errorf("%v: exit %d, stderr:\n%s", args, code, e)
				}
			}
		})
	}
}

// TestForbiddenBuiltins: every built-in removed by the sandbox makes the
// policy fail to load, with a message naming the built-in and its position.
func TestForbiddenBuiltins(t *testing.T) {
	calls := map[string]string{
		"http.send":              `http.send({"method": "get", "url": "https://example.com"})`,
		"net.lookup_ip_addr":     `net.lookup_ip_addr("example.com")`,
		"opa.runtime":            `opa.runtime()`,
		"time.now_ns":            `time.now_ns()`,
		"rand.intn":              `rand.intn("seed", 10)`,
		"uuid.rfc4122":           `uuid.rfc4122("seed")`,
		"io.jwt.decode_verify":   `io.jwt.decode_verify("a.b.c", {"secret": "s"})`,
		"io.jwt.encode_sign":     `io.jwt.encode_sign({"alg": "ES256"}, {}, {"kty": "EC"})`,
		"io.jwt.encode_sign_raw": `io.jwt.encode_sign_raw("{}", "{}", "{}")`,
		"crypto.x509.parse_and_verify_certificates":              `crypto.x509.parse_and_verify_certificates("")`,
		"crypto.x509.parse_and_verify_certificates_with_options": `crypto.x509.parse_and_verify_certificates_with_options("", {})`,
		"json.match_schema":  `json.match_schema({}, {"$ref": "file:///etc/passwd"})`,
		"json.verify_schema": `json.verify_schema({"$ref": "file:///etc/passwd"})`,
	}
	if len(calls) != len(rules.ForbiddenBuiltins()) {
		t.Fatalf("test covers %d built-ins, the sandbox forbids %v", len(calls), rules.ForbiddenBuiltins())
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			body := "\tsome service in input.services\n\tx := " + call + "\n\tfinding := result.finding(rego.metadata.chain(), service, sprintf(\"%v\", [x]))"
			inTempDir(t, map[string]string{"pol/net.rego": customRule("ACME001", "acme.rules.net", body), "stack.yml": webStack})
			_, stderr, code := run(t, "--policy", "pol", "stack.yml")
			if code != ExitError {
				t.Errorf("exit %d, want %d", code, ExitError)
			}
			want := fmt.Sprintf("pol/net.rego:13:7: rego_type_error: built-in %s is not allowed in swarmlint policies", name)
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		})
	}
}

// TestPolicyTimeout: a runaway rule is stopped by its own --policy-timeout
// budget and named in the report (SARIF toolExecutionNotifications, with
// the rule as descriptor), while the built-in and other custom findings are
// all still written; the run exits 2.
func TestPolicyTimeout(t *testing.T) {
	dnsrr := "services:\n  web:\n    image: nginx\n    deploy: {endpoint_mode: dnsrr}\n    ports: [\"80:80\"]\n"
	for name, c := range map[string]struct{ cond, timeout string }{
		"numbers.range":   {"\tcount(numbers.range(1, 1e12)) > 0", "2s"},
		"net.cidr_expand": {"\tcount(net.cidr_expand(\"10.0.0.0/6\")) > 0", "300ms"},
		"recursion in Go": {"\tcount([x | some x in numbers.range(1, 1e7); x % 3 == 7]) > 0\n\tcount([x | some x in numbers.range(1, 1e7); x % 3 == 7]) >= 0", "300ms"},
	} {
		t.Run(name, func(t *testing.T) {
			inTempDir(t, map[string]string{
				"pol/fast.rego":  customRule("ACME001", "acme.rules.fast", everyService),
				"pol/slow.rego":  customRule("ACME002", "acme.rules.slow", "\tsome service in input.services\n"+c.cond+"\n\tfinding := result.finding(rego.metadata.chain(), service, \"slow\")"),
				"pol/zlast.rego": customRule("ACME003", "acme.rules.zlast", everyService),
				"stack.yml":      dnsrr,
			})
			out, stderr, code := run(t, "--policy", "pol", "--policy-timeout", c.timeout, "-f", "sarif", "stack.yml")
			if code != ExitError {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitError, stderr)
			}
			want := "rule ACME002: did not finish within the policy timeout of " + c.timeout + " and was stopped (pol/slow.rego)"
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
			var log struct {
				Runs []struct {
					Results []struct {
						RuleID string `json:"ruleId"`
					} `json:"results"`
					Invocations []struct {
						Successful    bool `json:"executionSuccessful"`
						Notifications []struct {
							Message    struct{ Text string } `json:"message"`
							Descriptor struct{ ID string }   `json:"descriptor"`
						} `json:"toolExecutionNotifications"`
					} `json:"invocations"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Invocations) != 1 {
				t.Fatalf("SARIF: %v\n%s", err, out)
			}
			ids := map[string]bool{}
			for _, r := range log.Runs[0].Results {
				ids[r.RuleID] = true
			}
			for _, id := range []string{"SWL101", "ACME001", "ACME003"} {
				if !ids[id] {
					t.Errorf("SARIF lost the %s finding: %v", id, ids)
				}
			}
			inv := log.Runs[0].Invocations[0]
			if inv.Successful || len(inv.Notifications) != 1 || inv.Notifications[0].Descriptor.ID != "ACME002" ||
				!strings.Contains(inv.Notifications[0].Message.Text, want) {
				t.Errorf("invocation = %+v", inv)
			}
		})
	}
}

// TestBuiltinErrorIsToolError: a built-in error inside a rule is a tool
// error naming the rule and the policy position (exit 2), in every format,
// and never silently "no finding".
func TestBuiltinErrorIsToolError(t *testing.T) {
	body := "\tsome service in input.services\n\tnet.cidr_contains(\"not-a-cidr\", \"10.0.0.1\")\n\tfinding := result.finding(rego.metadata.chain(), service, \"m\")"
	inTempDir(t, map[string]string{"pol/cidr.rego": customRule("ACME001", "acme.rules.cidr", body), "stack.yml": webStack})
	want := "pol/cidr.rego:13:2: rule ACME001: net.cidr_contains: invalid CIDR address: not-a-cidr"
	stdout, _, code := run(t, "--policy", "pol", "stack.yml")
	if code != ExitError {
		t.Errorf("text: exit %d, want %d", code, ExitError)
	}
	if !strings.Contains(stdout, want) {
		t.Errorf("text: stdout lacks %q:\n%s", want, stdout)
	}
	for _, format := range report.FormatNames() {
		if format == "text" {
			continue
		}
		_, stderr, code := run(t, "--policy", "pol", "-f", format, "stack.yml")
		if code != ExitError {
			t.Errorf("%s: exit %d, want %d", format, code, ExitError)
		}
		if !strings.Contains(stderr, want) {
			t.Errorf("%s: stderr lacks %q:\n%s", format, want, stderr)
		}
	}
	// Written to a file, the text report still leaves the error on stderr.
	_, stderr, code := run(t, "--policy", "pol", "-o", "out.txt", "stack.yml")
	if code != ExitError || !strings.Contains(stderr, want) {
		t.Errorf("-o: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestReportOfNonFinding: a rule whose report holds something other than a
// finding object is a tool error, not a silently dropped finding.
func TestReportOfNonFinding(t *testing.T) {
	body := "\tsome service in input.services\n\tfinding := service.key"
	inTempDir(t, map[string]string{"pol/x.rego": customRule("ACME001", "acme.rules.x", body), "stack.yml": webStack})
	_, stderr, code := run(t, "--policy", "pol", "-f", "json", "stack.yml")
	if code != ExitError || !strings.Contains(stderr, `rule ACME001: report contains "web", not a finding object`) {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

// TestPrintOnlyWithDebug: print() output reaches stderr only with --debug,
// and never stdout.
func TestPrintOnlyWithDebug(t *testing.T) {
	body := "\tsome service in input.services\n\tprint(\"looking at\", service.key)\n\tfinding := result.finding(rego.metadata.chain(), service, \"m\")"
	inTempDir(t, map[string]string{"pol/x.rego": customRule("ACME001", "acme.rules.x", body), "stack.yml": webStack})
	stdout, stderr, _ := run(t, "--policy", "pol", "-f", "json", "stack.yml")
	if strings.Contains(stdout+stderr, "looking at") {
		t.Errorf("print output without --debug:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	stdout, stderr, _ = run(t, "--policy", "pol", "-f", "json", "--debug", "stack.yml")
	if !strings.Contains(stderr, "pol/x.rego:13: looking at web") {
		t.Errorf("--debug: stderr lacks the print output:\n%s", stderr)
	}
	if strings.Contains(stdout, "looking at") {
		t.Errorf("--debug: print output on stdout")
	}
}

// TestParams: --data (YAML or JSON, merged in order) becomes
// data.swarmlint.params; without it, params is an empty object.
func TestParams(t *testing.T) {
	body := "\tsome service in input.services\n\tservice.image in object.get(data.swarmlint.params, \"banned_images\", [])\n" +
		"\tfinding := result.finding(rego.metadata.chain(), service, sprintf(\"image %s is banned (limit %d)\", [service.image, data.swarmlint.params.limits.max]))"
	inTempDir(t, map[string]string{
		"pol/banned.rego": customRule("ACME001", "acme.rules.banned", body),
		"stack.yml":       webStack,
		"params.yml":      "banned_images: [nginx]\nlimits:\n  max: 3\n  min: 1\n",
		"override.json":   `{"limits": {"max": 5}}`,
		"other.json":      `{"banned_images": ["redis"]}`,
		"list.yml":        "- a\n- b\n",
		"broken.yml":      "a: [\n",
	})
	if out, _, code := run(t, "--policy", "pol", "stack.yml"); code != ExitOK {
		t.Errorf("without --data: exit %d:\n%s", code, out)
	}
	out, _, code := run(t, "--policy", "pol", "--data", "params.yml", "stack.yml")
	if code != ExitFindings || !strings.Contains(out, "image nginx is banned (limit 3)") {
		t.Errorf("--data params.yml: exit %d:\n%s", code, out)
	}
	out, _, code = run(t, "--policy", "pol", "--data", "params.yml", "--data", "override.json", "stack.yml")
	if code != ExitFindings || !strings.Contains(out, "image nginx is banned (limit 5)") {
		t.Errorf("merged --data: exit %d:\n%s", code, out)
	}
	if out, _, code = run(t, "--policy", "pol", "--data", "other.json", "stack.yml"); code != ExitOK {
		t.Errorf("--data other.json: exit %d:\n%s", code, out)
	}
	for file, want := range map[string]string{
		"list.yml":    "--data list.yml: the top level must be an object",
		"broken.yml":  "--data broken.yml: ",
		"missing.yml": "--data missing.yml: no such file",
	} {
		_, stderr, code := run(t, "--policy", "pol", "--data", file, "stack.yml")
		if code != ExitError || !strings.Contains(stderr, want) {
			t.Errorf("--data %s: exit %d, stderr lacks %q:\n%s", file, code, want, stderr)
		}
	}
}

// TestCustomRulesEverywhere: a custom rule appears in every output format,
// in `rules --policy`, in `explain --policy` and in SARIF tool.driver.rules.
func TestCustomRulesEverywhere(t *testing.T) {
	src := strings.Replace(customRule("ACME001", "acme.rules.every_service", everyService),
		"#   severity: warning\n", "#   severity: warning\n#   remediation: Do not deploy services.\n", 1)
	inTempDir(t, map[string]string{"pol/every.rego": src, "stack.yml": webStack})
	for _, format := range report.FormatNames() {
		out, stderr, code := run(t, "--policy", "pol", "-f", format, "stack.yml")
		if code != ExitFindings {
			t.Errorf("%s: exit %d, stderr:\n%s", format, code, stderr)
		}
		if !strings.Contains(out, "ACME001") {
			t.Errorf("%s: output lacks ACME001:\n%s", format, out)
		}
		if format == "sarif" {
			var log struct {
				Runs []struct {
					Tool struct {
						Driver struct {
							Rules []struct {
								ID               string `json:"id"`
								ShortDescription struct {
									Text string `json:"text"`
								} `json:"shortDescription"`
							} `json:"rules"`
						} `json:"driver"`
					} `json:"tool"`
					Results []struct {
						RuleID    string `json:"ruleId"`
						RuleIndex int    `json:"ruleIndex"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(out), &log); err != nil {
				t.Fatal(err)
			}
			run0 := log.Runs[0]
			if len(run0.Results) != 1 || run0.Results[0].RuleID != "ACME001" ||
				run0.Tool.Driver.Rules[run0.Results[0].RuleIndex].ID != "ACME001" ||
				run0.Tool.Driver.Rules[run0.Results[0].RuleIndex].ShortDescription.Text == "" {
				t.Errorf("sarif: the result does not point at a described ACME001 rule:\n%s", out)
			}
		}
	}
	out, _, code := run(t, "rules", "--policy", "pol")
	if code != ExitOK || !regexp.MustCompile(`(?m)^ACME001 warning +every-service: Test rule ACME001$`).MatchString(out) || !strings.Contains(out, "SWL101") {
		t.Errorf("rules --policy: exit %d:\n%s", code, out)
	}
	out, _, code = run(t, "rules", "--policy", "pol", "-f", "json")
	if code != ExitOK || !strings.Contains(out, `"custom": true`) || !strings.Contains(out, `"category": "custom"`) {
		t.Errorf("rules --policy -f json: exit %d:\n%s", code, out)
	}
	out, _, code = run(t, "explain", "--policy", "pol", "ACME001")
	if code != ExitOK || !strings.Contains(out, "A custom rule for tests.") || !strings.Contains(out, "Do not deploy services.") {
		t.Errorf("explain --policy: exit %d:\n%s", code, out)
	}
	if _, _, code := run(t, "explain", "ACME001"); code != ExitError {
		t.Errorf("explain without --policy found a custom rule")
	}
	// --enable and --disable select custom rules like built-ins.
	if _, _, code := run(t, "--policy", "pol", "--disable", "ACME*", "stack.yml"); code != ExitOK {
		t.Errorf("--disable ACME*: exit %d", code)
	}
}

// TestCustomRuleInSARIFRules: the SARIF writer, looked up by name, lists
// every enabled custom rule in tool.driver.rules, also without a finding.
func TestCustomRuleInSARIFRules(t *testing.T) {
	dir := t.TempDir()
	writeAll(t, dir, map[string]string{
		"pol/quiet.rego": customRule("ACME002", "acme.rules.quiet", "\tsome service in input.services\n\tservice.image == \"never\"\n\tfinding := result.finding(rego.metadata.chain(), service, \"m\")"),
		"stack.yml":      webStack,
	})
	custom, err := rules.LoadDir(filepath.Join(dir, "pol"))
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := lint.Run(context.Background(), lint.Config{Custom: custom, Env: map[string]string{},
		Stacks: []analyzer.StackInput{{Files: []string{filepath.Join(dir, "stack.yml")}}}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := report.Lookup("sarif")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := w.Write(&b, res); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`"id": "ACME002",\s+"name": "Quiet"`).Match(b.Bytes()) {
		t.Errorf("tool.driver.rules lacks ACME002:\n%s", b.String())
	}
}

// TestNewRuleRoundTrip: new-rule writes a rule that passes `swarmlint test`
// and fires on its bad fixture, and `swarmlint test` fails (exit 1) once
// the rule is broken.
func TestNewRuleRoundTrip(t *testing.T) {
	inTempDir(t, nil)
	out, stderr, code := run(t, "new-rule", "--dir", "policy", "--id", "ACME001", "--severity", "error", "no-latest-tag")
	if code != ExitOK {
		t.Fatalf("new-rule: exit %d:\n%s", code, stderr)
	}
	for _, f := range []string{"policy/no_latest_tag.rego", "policy/no_latest_tag_test.rego",
		"policy/fixtures/ACME001-no-latest-tag/bad.yml", "policy/fixtures/ACME001-no-latest-tag/good.yml"} {
		if !strings.Contains(out, "created "+f) {
			t.Errorf("new-rule did not report %s:\n%s", f, out)
		}
	}
	out, stderr, code = run(t, "test", "policy")
	if code != ExitOK {
		t.Fatalf("test: exit %d:\n%s%s", code, out, stderr)
	}
	for _, want := range []string{
		"PASS  policy/no_latest_tag_test.rego:8: acme.rules.no_latest_tag_test.test_image_without_tag_is_reported\n",
		"PASS  policy/fixtures/ACME001-no-latest-tag/bad.yml: fixture, 2 wanted findings\n",
		"PASS  policy/fixtures/ACME001-no-latest-tag/good.yml: fixture, 0 wanted findings\n",
		"\n9 passed, 0 failed, 0 skipped\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("test output lacks %q:\n%s", want, out)
		}
	}
	// Results are sorted by file and line.
	if i, j := strings.Index(out, "_test.rego:8:"), strings.Index(out, "_test.rego:12:"); i < 0 || j < i {
		t.Errorf("test output is not sorted:\n%s", out)
	}
	out, _, code = run(t, "--policy", "policy", "policy/fixtures/ACME001-no-latest-tag/bad.yml")
	if code != ExitFindings || strings.Count(out, "error ACME001") != 2 {
		t.Errorf("lint bad.yml: exit %d:\n%s", code, out)
	}
	if out, _, code = run(t, "--policy", "policy", "policy/fixtures/ACME001-no-latest-tag/good.yml"); code != ExitOK {
		t.Errorf("lint good.yml: exit %d:\n%s", code, out)
	}

	// --run selects tests and fixtures; --coverage adds a summary.
	out, _, code = run(t, "test", "--run", "digest|good", "--coverage", "policy")
	if code != ExitOK || strings.Count(out, "PASS") != 2 || !strings.Contains(out, "test_digest_is_fine") ||
		!strings.Contains(out, "good.yml") || !regexp.MustCompile(`\ncoverage \d+\.\d%\n +\d+\.\d% policy/no_latest_tag\.rego`).MatchString(out) {
		t.Errorf("test --run --coverage: exit %d:\n%s", code, out)
	}
	if _, stderr, code = run(t, "test", "--run", "nothing-matches", "policy"); code != ExitError || !strings.Contains(stderr, "no tests found") {
		t.Errorf("test --run with no match: exit %d:\n%s", code, stderr)
	}

	// A second rule gets the next free id, and nothing is overwritten.
	if out, stderr, code = run(t, "new-rule", "--dir", "policy", "no-host-ports"); code != ExitOK || !strings.Contains(out, "fixtures/CUSTOM001-no-host-ports/bad.yml") {
		t.Errorf("second new-rule: exit %d:\n%s%s", code, out, stderr)
	}
	if _, stderr, code = run(t, "new-rule", "--dir", "policy", "no-host-ports"); code != ExitError || !strings.Contains(stderr, "already exists") {
		t.Errorf("new-rule over existing files: exit %d:\n%s", code, stderr)
	}
	if _, stderr, code = run(t, "new-rule", "--dir", "policy", "--id", "ACME001", "other"); code != ExitError || !strings.Contains(stderr, "--id ACME001 is already used") {
		t.Errorf("new-rule with a used id: exit %d:\n%s", code, stderr)
	}
	if _, stderr, code = run(t, "new-rule", "--dir", "policy", "--id", "SWL999", "mine"); code != ExitError || !strings.Contains(stderr, "reserved prefix SWL") {
		t.Errorf("new-rule --id SWL999: exit %d:\n%s", code, stderr)
	}
	if out, stderr, code = run(t, "test", "policy"); code != ExitOK || !strings.Contains(out, "18 passed") {
		t.Errorf("test with two rules: exit %d:\n%s%s", code, out, stderr)
	}

	// Break the rule: the Rego tests and the bad fixture fail, with positions.
	p := "policy/no_latest_tag.rego"
	src, _ := os.ReadFile(p)
	broken := strings.Replace(string(src), `endswith(_last_segment(image), ":latest")`, `endswith(_last_segment(image), ":newest")`, 1)
	if broken == string(src) {
		t.Fatal("could not break the rule")
	}
	writeAll(t, ".", map[string]string{p: broken})
	out, _, code = run(t, "test", "policy")
	if code != ExitFindings {
		t.Errorf("test of a broken rule: exit %d, want %d:\n%s", code, ExitFindings, out)
	}
	for _, want := range []string{
		"FAIL  policy/no_latest_tag_test.rego:12: acme.rules.no_latest_tag_test.test_latest_tag_is_reported\n",
		"FAIL  policy/fixtures/ACME001-no-latest-tag/bad.yml: fixture, 2 wanted findings\n",
		"      policy/fixtures/ACME001-no-latest-tag/bad.yml:10: missing ACME001\n",
		"16 passed, 2 failed, 0 skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("broken rule: output lacks %q:\n%s", want, out)
		}
	}
}

// TestTestCommand covers failures that new-rule cannot produce: a test
// that errors, print output of a failing test, a fixture for an unknown
// rule, and the built-in tests when no DIR is given.
func TestTestCommand(t *testing.T) {
	inTempDir(t, map[string]string{
		"pol/x.rego": customRule("ACME001", "acme.rules.x", everyService),
		"pol/x_test.rego": `package acme.rules.x_test

import data.acme.rules.x

test_fails if {
	print("report is", x.report)
	count(x.report) == 1 with input as {"services": {}}
}

test_errors if {
	net.cidr_contains("bad", "10.0.0.1")
}

todo_test_later if {
	false
}
`,
		"pol/fixtures/ACME009-unknown/bad.yml": webStack,
	})
	out, stderr, code := run(t, "test", "pol")
	if code != ExitFindings {
		t.Errorf("exit %d, want %d:\n%s%s", code, ExitFindings, out, stderr)
	}
	for _, want := range []string{
		"FAIL  pol/x_test.rego:5: acme.rules.x_test.test_fails\n      report is set()\n",
		"ERROR pol/x_test.rego:10: acme.rules.x_test.test_errors\n      pol/x_test.rego:11: eval_builtin_error: net.cidr_contains: invalid CIDR address: bad\n",
		"SKIP  pol/x_test.rego:14: acme.rules.x_test.todo_test_later\n",
		"FAIL  pol/fixtures/ACME009-unknown/bad.yml: fixture, 0 wanted findings\n      lint failed: no rule matches \"ACME009\"",
		"0 passed, 3 failed, 1 skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, stderr, code = run(t, "test")
	if code != ExitOK || !strings.Contains(out, "PASS  policies/ports/dnsrr_with_ingress_port_test.rego:") {
		t.Errorf("test of the built-ins: exit %d:\n%s%s", code, out, stderr)
	}
	if _, stderr, code = run(t, "test", "--run", "(", "pol"); code != ExitError || !strings.Contains(stderr, "--run: ") {
		t.Errorf("bad --run: exit %d:\n%s", code, stderr)
	}
}

// TestInspectStillWorks: inspect prints the model with its schema version.
func TestInspectStillWorks(t *testing.T) {
	inTempDir(t, map[string]string{"stack.yml": webStack})
	out, stderr, code := run(t, "inspect", "stack.yml")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m["schema_version"] != float64(analyzer.SchemaVersion) || m["services"] == nil {
		t.Errorf("unexpected model:\n%s", out)
	}
}

// TestLabelRuleFirstTry: the platform team's rule "services labelled
// tier=db publish nothing" works as written against the documented model,
// for a stack file and a bootstrap script alike, and points at the port and
// at the label.
func TestLabelRuleFirstTry(t *testing.T) {
	body := "\tsome service in input.services\n" +
		"\tservice.deploy.labels.tier == \"db\"\n" +
		"\tsome port in service.ports\n" +
		"\tfinding := result.finding(rego.metadata.chain(), port, sprintf(\"database %s publishes %d\", [service.name, port.published]))"
	label := "\tsome service in input.services\n" +
		"\tservice.deploy.labels.tier == \"db\"\n" +
		"\tfinding := result.finding_at(rego.metadata.chain(), service, [\"deploy\", \"labels\", \"tier\"], \"tier label\")"
	inTempDir(t, map[string]string{
		"pol/db.rego":    customRule("ACME001", "acme.rules.db", body),
		"pol/label.rego": customRule("ACME002", "acme.rules.label", label),
		"stack.yml": "services:\n  db:\n    image: postgres\n    ports: [\"5432:5432\"]\n    deploy:\n      labels: {tier: db}\n" +
			"  web:\n    image: nginx\n    ports: [\"80:80\"]\n",
		"boot.sh": "#!/bin/sh\ndocker service create --name cache --label tier=db -p 6379:6379 redis\n",
	})
	stdout, stderr, code := run(t, "--policy", "pol", "--enable", "ACME*", "stack.yml", "boot.sh")
	if code != ExitFindings {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitFindings, stderr)
	}
	for _, want := range []string{
		"stack.yml:4:13: warning ACME001 database 001_db publishes 5432",
		"stack.yml:6:16: warning ACME002 tier label",
		"boot.sh:2:55: warning ACME001 database cache publishes 6379",
		"boot.sh:2:36: warning ACME002 tier label",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "nginx") || strings.Contains(stdout, " 80") {
		t.Errorf("an unlabelled service was reported:\n%s", stdout)
	}
}

// TestTestFixtureForms: `swarmlint test` checks every fixture form the
// built-ins use — a sub-folder merged as one stack, a bootstrap script, a
// swarm-init.txt — and per-fixture arguments; an unmet want inside a
// multi-file folder fails the run.
func TestTestFixtureForms(t *testing.T) {
	imageRule := "\tsome service in input.services\n" +
		"\tservice.image in object.get(data.swarmlint.params, \"banned\", [\"nginx\"])\n" +
		"\tfinding := result.finding_at(rego.metadata.chain(), service, [\"image\"], sprintf(\"banned image in stack %s\", [service.stack]))"
	files := map[string]string{
		"pol/x.rego": customRule("ACME001", "acme.rules.x", imageRule),
		// a sub-folder: one stack merged in name order; the override's image wins
		"pol/fixtures/ACME001-banned/merged/1-base.yml":     "services:\n  web:\n    image: redis\n",
		"pol/fixtures/ACME001-banned/merged/2-override.yml": "services:\n  web:\n    image: nginx # want: ACME001\n",
		"pol/fixtures/ACME001-banned/boot.sh":               "#!/bin/sh\ndocker service create --name web nginx # want: ACME001\n",
		"pol/fixtures/ACME001-banned/named.yml":             "# fixture: --stack shop\nservices:\n  web:\n    image: nginx # want: ACME001 \"in stack shop$\"\n",
		"pol/fixtures/ACME001-banned/data.yml":              "# fixture: --data banned-redis.json\nservices:\n  web:\n    image: redis # want: ACME001\n  db:\n    image: nginx\n",
		"pol/fixtures/ACME001-banned/banned-redis.json":     `{"banned": ["redis"]}`,
	}
	inTempDir(t, files)
	out, stderr, code := run(t, "test", "pol")
	if code != ExitOK {
		t.Fatalf("exit %d, want %d:\n%s%s", code, ExitOK, out, stderr)
	}
	for _, want := range []string{
		"PASS  pol/fixtures/ACME001-banned/merged: fixture, 1 wanted finding",
		"PASS  pol/fixtures/ACME001-banned/boot.sh: fixture, 1 wanted finding",
		"PASS  pol/fixtures/ACME001-banned/named.yml: fixture, 1 wanted finding",
		"PASS  pol/fixtures/ACME001-banned/data.yml: fixture, 1 wanted finding",
		"4 passed, 0 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// An unmet want inside the multi-file folder fails the run.
	writeAll(t, ".", map[string]string{"pol/fixtures/ACME001-banned/merged/1-base.yml": "services:\n  web:\n    image: redis # want: ACME001\n"})
	out, _, code = run(t, "test", "pol")
	if code != ExitFindings || !strings.Contains(out, "FAIL  pol/fixtures/ACME001-banned/merged: fixture, 2 wanted findings\n      pol/fixtures/ACME001-banned/merged/1-base.yml:3: missing ACME001") {
		t.Errorf("unmet want in a folder: exit %d:\n%s", code, out)
	}
	// An unknown fixture argument is a failure naming the line.
	writeAll(t, ".", map[string]string{"pol/fixtures/ACME001-banned/named.yml": "# fixture: --stak shop\nservices: {}\n"})
	if out, _, _ = run(t, "test", "pol"); !strings.Contains(out, "named.yml:1: # fixture: unknown argument --stak") {
		t.Errorf("unknown fixture argument:\n%s", out)
	}
}

// TestTestChecksFixes: `swarmlint test` applies a custom rule's fix to each
// fixture and compares the result with the fixture's .fixed file, as the
// built-in fixtures are checked: a fix without a .fixed file, a different
// result, a .fixed file no fix produces and one without its fixture fail.
func TestTestChecksFixes(t *testing.T) {
	exposeRule := "\tsome s in input.services\n" +
		"\tcount(s.expose) > 0\n" +
		"\tf := result.finding_at(rego.metadata.chain(), s, [\"expose\"], sprintf(\"service %q exposes ports\", [s.key]))\n" +
		"\tfinding := result.with_fix(f, result.fix(\"remove expose\", true, [result.edit_remove(s, [\"expose\"])]))"
	bad := "services:\n  web:\n    image: nginx:1.27\n    expose: # want: ACME001\n      - \"80\"\n    # kept\n"
	fixed := "services:\n  web:\n    image: nginx:1.27\n    # kept\n"
	good := "services:\n  web:\n    image: nginx:1.27\n"
	inTempDir(t, map[string]string{
		"pol/x.rego":                           customRule("ACME001", "acme.rules.x", exposeRule),
		"pol/fixtures/ACME001-expose/bad.yml":  bad,
		"pol/fixtures/ACME001-expose/good.yml": good,
	})
	out, _, code := run(t, "test", "pol")
	if code != ExitFindings || !strings.Contains(out, "FAIL  pol/fixtures/ACME001-expose/bad.yml: fixture, 1 wanted finding, 1 fixed file\n      fix changed pol/fixtures/ACME001-expose/bad.yml, which has no bad.yml.fixed with the expected result:\n      services:") {
		t.Errorf("a fix without its .fixed file: exit %d:\n%s", code, out)
	}
	writeAll(t, ".", map[string]string{"pol/fixtures/ACME001-expose/bad.yml.fixed": fixed})
	out, stderr, code := run(t, "test", "pol")
	if code != ExitOK || !strings.Contains(out, "PASS  pol/fixtures/ACME001-expose/bad.yml: fixture, 1 wanted finding, 1 fixed file\n") ||
		!strings.Contains(out, "PASS  pol/fixtures/ACME001-expose/good.yml: fixture, 0 wanted findings\n") {
		t.Errorf("the expected fix: exit %d:\n%s%s", code, out, stderr)
	}
	writeAll(t, ".", map[string]string{"pol/fixtures/ACME001-expose/bad.yml.fixed": good})
	out, _, code = run(t, "test", "pol")
	if code != ExitFindings || !strings.Contains(out, "gives another result than bad.yml.fixed (- expected, + got):") || !strings.Contains(out, "+    # kept") {
		t.Errorf("another result: exit %d:\n%s", code, out)
	}
	writeAll(t, ".", map[string]string{
		"pol/fixtures/ACME001-expose/bad.yml.fixed":  fixed,
		"pol/fixtures/ACME001-expose/good.yml.fixed": good,
		"pol/fixtures/ACME001-expose/gone.yml.fixed": good,
	})
	out, _, code = run(t, "test", "pol")
	for _, want := range []string{
		"FAIL  pol/fixtures/ACME001-expose/good.yml: fixture, 0 wanted findings\n      pol/fixtures/ACME001-expose/good.yml.fixed expects a fix, but fix changed nothing\n",
		"FAIL  pol/fixtures/ACME001-expose/gone.yml.fixed: expected result of a fix\n      no fixture file beside it: rename or remove it\n",
		"1 passed, 2 failed",
	} {
		if code != ExitFindings || !strings.Contains(out, want) {
			t.Errorf("exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
}

// TestNoDroppedFindings: a finding about something with no position of its
// own — the ingress network swarm creates, a ref that names nothing — is
// reported at the most relevant place and counts for the exit code.
func TestNoDroppedFindings(t *testing.T) {
	ingress := "\tsome network in input.networks\n\tnetwork.ingress\n\tnot network.encrypted\n" +
		"\tfinding := result.finding(rego.metadata.chain(), network, \"ingress is not encrypted\")"
	badRef := "\tsome service in input.services\n" +
		"\tfinding := result.finding(rego.metadata.chain(), {\"ref\": {\"src\": \"nowhere\", \"path\": [\"x\"]}}, sprintf(\"bad ref for %s\", [service.key]))"
	cases := []struct {
		name  string
		files map[string]string
		args  []string
		want  []string
	}{
		{"swarm init in a script", map[string]string{"boot.sh": "#!/bin/sh\nset -e\ndocker swarm init --advertise-addr 10.0.0.1\n"},
			[]string{"boot.sh"}, []string{"boot.sh:3:1: warning ACME001 ingress is not encrypted"}},
		{"swarm init in .swarmlint.yaml", map[string]string{".swarmlint.yaml": "swarm:\n  init: docker swarm init --data-path-port 4789\n", "stack.yml": webStack},
			[]string{"stack.yml"}, []string{".swarmlint.yaml:2:9: warning ACME001 ingress is not encrypted"}},
		{"a port routed through ingress", map[string]string{"stack.yml": "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n"},
			[]string{"stack.yml"}, []string{"stack.yml:4:13: warning ACME001 ingress is not encrypted", "reported at a port published through the ingress routing mesh"}},
		{"first input file", map[string]string{"stack.yml": webStack},
			[]string{"stack.yml"}, []string{"stack.yml:1:1: warning ACME001 ingress is not encrypted", "reported at the first input file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.files["pol/ingress.rego"] = customRule("ACME001", "acme.rules.ingress", ingress)
			inTempDir(t, c.files)
			out, stderr, code := run(t, append([]string{"--policy", "pol", "--enable", "ACME001"}, c.args...)...)
			if code != ExitFindings {
				t.Errorf("exit %d, want %d:\n%s%s", code, ExitFindings, out, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out+stderr, "dropped") {
				t.Errorf("a finding was dropped:\n%s%s", out, stderr)
			}
		})
	}
	t.Run("bad ref", func(t *testing.T) {
		inTempDir(t, map[string]string{"pol/bad.rego": customRule("ACME002", "acme.rules.bad", badRef), "stack.yml": webStack})
		out, stderr, code := run(t, "--policy", "pol", "--enable", "ACME002", "-f", "sarif", "stack.yml")
		if code != ExitFindings {
			t.Errorf("exit %d, want %d:\n%s", code, ExitFindings, stderr)
		}
		if !strings.Contains(out, `"ruleId": "ACME002"`) || !strings.Contains(out, "ref nowhere/x) has no position of its own in the inputs; reported at the first input file") {
			t.Errorf("SARIF lacks the finding or its note:\n%s", out)
		}
	})
}

// TestComputedSeverity: a level computed at run time that is not error,
// warning or note is a tool error naming the rule (exit 2), and the finding
// is still reported, at the rule's severity.
func TestComputedSeverity(t *testing.T) {
	body := "\tsome service in input.services\n\tf := result.finding(rego.metadata.chain(), service, \"m\")\n\tfinding := result.with_severity(f, concat(\"\", [\"crit\", \"ical\"]))"
	inTempDir(t, map[string]string{"pol/x.rego": customRule("ACME001", "acme.rules.x", body), "stack.yml": webStack})
	out, stderr, code := run(t, "--policy", "pol", "--enable", "ACME001", "-f", "json", "stack.yml")
	if code != ExitError || !strings.Contains(stderr, `rule ACME001: a finding has severity "critical", which is not error, warning or note; it is reported as warning`) {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	var doc struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			Level  string `json:"level"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Findings) != 1 || doc.Findings[0].RuleID != "ACME001" || doc.Findings[0].Level != "warning" {
		t.Errorf("want the finding at the rule's level (%v):\n%s", err, out)
	}
}

// TestSchemaRefsStayInside: a METADATA schema may not follow a $ref out of
// itself (OPA's type checker would read the local file while compiling).
func TestSchemaRefsStayInside(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(secret, []byte(`{"type": "string"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("METADATA schema", func(t *testing.T) {
		src := strings.Replace(customRule("ACME001", "acme.rules.s", everyService), "package acme.rules.s",
			"# METADATA\n# schemas:\n#   - input: {\"$ref\": \"file://"+filepath.ToSlash(secret)+"\"}\npackage acme.rules.s", 1)
		inTempDir(t, map[string]string{"pol/s.rego": src, "stack.yml": webStack})
		if _, stderr, code := run(t, "--policy", "pol", "stack.yml"); code != ExitError || !strings.Contains(stderr, "METADATA schemas: schema reference") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
	})
}
