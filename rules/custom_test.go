package rules

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

func custom(file, id, body string) Module {
	return Module{File: file, Custom: true, Source: []byte(`# METADATA
# title: t
# description: d
# custom:
#   id: ` + id + `
#   severity: note
package acme.rules.` + strings.TrimSuffix(filepath.Base(file), ".rego") + `

import data.swarmlint.lib.result

report contains finding if {
	some service in input.services
` + body + `
	finding := result.finding(rego.metadata.chain(), service, "m")
}
`)}
}

func input(t *testing.T) ast.Value {
	t.Helper()
	v, err := ast.InterfaceToValue(map[string]any{"services": map[string]any{"s_web": map[string]any{"key": "web", "ref": map[string]any{}}}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEvalNamesTheRule: runtime errors and timeouts name the rule they
// happened in; disabled rules are not evaluated at all.
func TestEvalNamesTheRule(t *testing.T) {
	ctx := context.Background()
	eng, err := New(ctx, Options{Timeout: 300 * time.Millisecond, Custom: []Module{
		custom("c/a_fine.rego", "ACME001", "\ttrue"),
		custom("c/b_bad_cidr.rego", "ACME002", "\tnet.cidr_contains(\"nope\", \"10.0.0.1\")"),
		custom("c/c_slow.rego", "ACME003", "\tcount(numbers.range(1, 1e12)) > 0"),
		custom("c/d_after.rego", "ACME004", "\ttrue"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	only := func(ids ...string) func(*Rule) bool {
		return func(r *Rule) bool {
			for _, id := range ids {
				if r.ID == id {
					return true
				}
			}
			return false
		}
	}
	fs, terrs, err := eng.Eval(ctx, input(t), only("ACME001", "ACME002", "ACME004"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Rule.ID != "ACME001" || fs[1].Rule.ID != "ACME004" {
		t.Errorf("findings: %+v", fs)
	}
	if len(terrs) != 1 || terrs[0].Rule != "ACME002" || terrs[0].File != "c/b_bad_cidr.rego" || terrs[0].Line != 13 ||
		!strings.Contains(terrs[0].Error(), "c/b_bad_cidr.rego:13:2: rule ACME002: net.cidr_contains: invalid CIDR address: nope") {
		t.Errorf("tool errors: %+v", terrs)
	}
	// A rule that runs out of its budget is a tool error naming it; the
	// rules after it still run and keep their findings.
	start := time.Now()
	fs, terrs, err = eng.Eval(ctx, input(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	var timedOut []ToolError
	for _, te := range terrs {
		if te.Timeout {
			timedOut = append(timedOut, te)
		}
	}
	if len(timedOut) != 1 || timedOut[0].Rule != "ACME003" || timedOut[0].File != "c/c_slow.rego" ||
		!strings.Contains(timedOut[0].Error(), "rule ACME003: did not finish within the policy timeout") {
		t.Fatalf("want one timeout in ACME003, got %+v", terrs)
	}
	found := map[string]bool{}
	for _, f := range fs {
		found[f.Rule.ID] = true
	}
	if !found["ACME001"] || !found["ACME004"] {
		t.Errorf("the other rules' findings are missing: %v", found)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the timeout took %s", d)
	}
	// A cancelled parent context is not reported as a timeout.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err = eng.Eval(cctx, input(t), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestMetadataErrorsPointAtTheLine: METADATA errors name the offending line.
func TestMetadataErrorsPointAtTheLine(t *testing.T) {
	m := custom("c/x.rego", "SWL123", "\ttrue")
	m.Source = []byte(strings.Replace(string(m.Source), "severity: note", "severity: loud", 1))
	_, err := New(context.Background(), Options{Custom: []Module{m}})
	if err == nil {
		t.Fatal("loaded")
	}
	for _, want := range []string{
		`c/x.rego:5:1: rego_compile_error: custom rule id "SWL123" uses the reserved prefix SWL`,
		`c/x.rego:6:1: rego_compile_error: rule SWL123: custom.severity must be error, warning or note, not "loud"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestCustomRuleNameDefaultsToPackage: custom.name may be left out.
func TestCustomRuleNameDefaultsToPackage(t *testing.T) {
	eng, err := New(context.Background(), Options{Custom: []Module{custom("c/no_host_ports.rego", "ACME001", "\ttrue")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range eng.Catalog() {
		if r.ID == "ACME001" && (r.Name != "no-host-ports" || !r.Custom || r.Category != "custom") {
			t.Errorf("rule: %+v", r)
		}
	}
}

// TestSameFileTwice: a policy file loaded twice is an error, not a silent
// overwrite.
func TestSameFileTwice(t *testing.T) {
	m := custom("c/x.rego", "ACME001", "\ttrue")
	if _, err := New(context.Background(), Options{Custom: []Module{m, m}}); err == nil || !strings.Contains(err.Error(), "c/x.rego: loaded twice") {
		t.Errorf("err = %v", err)
	}
}

func TestReadParams(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.yml", "limits: {max: 3, min: 1}\nnames: [a]\n1: numeric key\n")
	b := write("b.json", `{"limits": {"max": 5}, "names": ["b"]}`)
	p, err := ReadParams(a, b)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ast.InterfaceToValue(p)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), `{"1": "numeric key", "limits": {"max": 5, "min": 1}, "names": ["b"]}`; got != want {
		t.Errorf("params = %s, want %s", got, want)
	}
	if p, err := ReadParams(); err != nil || p != nil {
		t.Errorf("no files: %v %v", p, err)
	}
	empty := write("empty.yml", "")
	if p, err := ReadParams(empty); err != nil || len(p) != 0 {
		t.Errorf("empty file: %v %v", p, err)
	}
	// an anchored scalar used so often that encoding it would take
	// gigabytes; .inf located
	bomb := write("bomb.yml", "x: &a \""+strings.Repeat("a", 1<<20)+"\"\nl: ["+strings.TrimSuffix(strings.Repeat("*a,", 3000), ",")+"]\n")
	if _, err := ReadParams(bomb); err == nil || !strings.Contains(err.Error(), "its aliases expand to more than 16 MiB") {
		t.Errorf("alias bomb: %v", err)
	}
	// a file over the cap is refused before it is read into memory
	big := write("big.json", "{\"x\": \""+strings.Repeat("a", 4<<20)+"\"}")
	if _, err := ReadParams(big); err == nil || !strings.Contains(err.Error(), "big.json: file is larger than 4 MiB") {
		t.Errorf("a 4 MiB --data file: %v", err)
	}
	inf := write("inf.yml", "limits:\n  x: .inf\n")
	if _, err := ReadParams(inf); err == nil || !strings.Contains(err.Error(), "inf.yml:2:6: .inf is not a number") {
		t.Errorf(".inf: %v", err)
	}
}

// TestScaffoldLoads: the scaffold compiles, and its tests pass, for a few
// ids and names.
func TestScaffoldLoads(t *testing.T) {
	for _, o := range []ScaffoldOptions{
		{Name: "no-latest-tag", ID: "CUSTOM001", Severity: "warning"},
		{Name: "x", ID: "AB123", Severity: "error"},
	} {
		files, err := Scaffold(o)
		if err != nil {
			t.Fatal(err)
		}
		var mods []Module
		for name, src := range files {
			if strings.HasSuffix(name, ".rego") {
				mods = append(mods, Module{File: "p/" + name, Source: src, Custom: true})
			}
		}
		if _, err := New(context.Background(), Options{Custom: mods}); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
		rep, err := RunTests(context.Background(), TestOptions{Custom: mods})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Failed() || len(rep.Results) == 0 {
			t.Errorf("%+v: %+v", o, rep.Results)
		}
	}
	for _, o := range []ScaffoldOptions{
		{Name: "Bad_Name", ID: "CUSTOM001", Severity: "warning"},
		{Name: "1st", ID: "CUSTOM001", Severity: "warning"},
		{Name: "ok", ID: "SWL001", Severity: "warning"},
		{Name: "ok", ID: "SWARMLINT001", Severity: "warning"},
		{Name: "ok", ID: "CUSTOM001", Severity: "fatal"},
	} {
		if _, err := Scaffold(o); err == nil {
			t.Errorf("%+v: accepted", o)
		}
	}
}

func TestNextCustomID(t *testing.T) {
	dir := t.TempDir()
	if id, err := NextCustomID(filepath.Join(dir, "missing"), "CUSTOM"); err != nil || id != "CUSTOM001" {
		t.Errorf("missing dir: %s %v", id, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.rego"), []byte("# METADATA\n# custom:\n#   id: CUSTOM007\n#   id: ACME010\npackage a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if id, err := NextCustomID(dir, "CUSTOM"); err != nil || id != "CUSTOM008" {
		t.Errorf("next: %s %v", id, err)
	}
}

// TestClashWithBuiltinNamesUserFile: a custom rule that takes a built-in
// rule's name is reported at its own custom.name line, whichever of the two
// the compiler meets first (packages before and after swarmlint.*); a
// custom file with the path of a built-in file is named as such.
func TestClashWithBuiltinNamesUserFile(t *testing.T) {
	for _, pkg := range []string{"acme.rules.x", "zeta.rules.x"} {
		src := "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: ACME001\n#   name: dnsrr-with-ingress-port\n#   severity: note\npackage " + pkg +
			"\n\nimport data.swarmlint.lib.result\n\nreport contains finding if {\n\tsome service in input.services\n\tfinding := result.finding(rego.metadata.chain(), service, \"m\")\n}\n"
		_, err := New(context.Background(), Options{Custom: []Module{{File: "team/x.rego", Source: []byte(src)}}})
		want := "team/x.rego:6:1: rego_compile_error: rule ACME001: custom.name dnsrr-with-ingress-port is the name of built-in rule SWL101; choose another name"
		if err == nil || err.Error() != want {
			t.Errorf("package %s: err = %v\nwant %s", pkg, err, want)
		}
	}
	m := custom("policies/lib/result.rego", "ACME001", "\ttrue")
	_, err := New(context.Background(), Options{Custom: []Module{m}})
	if err == nil || !strings.HasPrefix(err.Error(), "policies/lib/result.rego: this custom policy file has the path of one of swarmlint's built-in policy files") {
		t.Errorf("err = %v", err)
	}
}

// TestPolicyErrorDetails: OPA's detail lines of an error (a type error's
// have and want) are kept, each on its own line below the error.
func TestPolicyErrorDetails(t *testing.T) {
	_, err := New(context.Background(), Options{Custom: []Module{custom("c/x.rego", "ACME001", "\tx := concat(\",\", 1)\n\tx != \"\"")}})
	if err == nil {
		t.Fatal("a type error loads")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "c/x.rego:13:7: rego_type_error: ") || !strings.Contains(lines[0], "concat: invalid argument(s)") ||
		!strings.HasPrefix(lines[1], "\thave: (string, number") || !strings.HasPrefix(lines[2], "\twant: (") {
		t.Errorf("error lines:\n%s", err)
	}
}

// TestInputRefsCheckedWhateverTheDirectory: a rule reading a field the
// model does not have does not load whatever its path sorts like beside
// the built-ins' policies/...: policy/ (new-rule's default directory) and
// zeta/ sort after them, and OPA's default limit of 10 errors once dropped
// theirs behind the built-ins' own errors against the check's schema.
func TestInputRefsCheckedWhateverTheDirectory(t *testing.T) {
	for _, dir := range []string{"a", "policy", "policies2", "zeta", "/abs/team"} {
		file := dir + "/x.rego"
		_, err := New(context.Background(), Options{Custom: []Module{custom(file, "ACME001", "\tsome s in input.servicez\n\ts != null")}})
		want := file + ":13:12: rego_type_error: input.servicez: the model has no field \"servicez\" here"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v", file, err)
		}
	}
}

// TestErrorInsideLibraryNamesTheUserFile: a custom rule (or test) whose
// call into swarmlint's libraries fails at run time is reported in the
// rule's own file, saying which library the path policies/lib/... is.
func TestErrorInsideLibraryNamesTheUserFile(t *testing.T) {
	ctx := context.Background()
	src := "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: ACME001\n#   severity: note\npackage acme.rules.x\n\n" +
		"import data.swarmlint.lib.result\nimport data.swarmlint.lib.util\n\nreport contains finding if {\n\tsome service in input.services\n" +
		"\tword := util.plural(2, service.key)\n\tfinding := result.finding(rego.metadata.chain(), service, word)\n}\n"
	eng, err := New(ctx, Options{Custom: []Module{{File: "team/x.rego", Source: []byte(src)}}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := ast.InterfaceToValue(map[string]any{"services": map[string]any{"s_web": map[string]any{"key": 7, "ref": map[string]any{}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, terrs, err := eng.Eval(ctx, v, func(r *Rule) bool { return r.ID == "ACME001" })
	if err != nil {
		t.Fatal(err)
	}
	if len(terrs) != 1 || terrs[0].File != "team/x.rego" || !strings.HasPrefix(terrs[0].Error(), "team/x.rego: rule ACME001: concat: ") ||
		!strings.Contains(terrs[0].Error(), "(in swarmlint's library data.swarmlint.lib.util, at policies/lib/util.rego:") {
		t.Errorf("tool errors: %+v", terrs)
	}
	test := "package acme.rules.x_test\n\nimport data.swarmlint.lib.util\n\ntest_plural if {\n\tutil.plural(2, 1) == \"1s\"\n}\n"
	rep, err := RunTests(ctx, TestOptions{Custom: []Module{{File: "team/x.rego", Source: []byte(src), Custom: true}, {File: "team/x_test.rego", Source: []byte(test), Custom: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 || rep.Results[0].Status != TestError ||
		!strings.HasSuffix(rep.Results[0].Err, "(in swarmlint's library data.swarmlint.lib.util, called by this test)") {
		t.Errorf("test results: %+v", rep.Results)
	}
	if got := builtinPackage("policies/ports/dnsrr_with_ingress_port.rego"); got != "built-in rule data.swarmlint.rules.ports.dnsrr_with_ingress_port" {
		t.Errorf("builtinPackage = %q", got)
	}
	if isBuiltinFile("policies/lib/nothing.rego") || isBuiltinFile("team/policies/lib/util.rego") || !isBuiltinFile("policies/lib/util.rego") {
		t.Error("isBuiltinFile")
	}
}

// TestBuiltinRulesLoadAsCustom: every built-in rule, loaded as a custom
// rule of its own package (acme.rules...), passes the custom rules' checks,
// the type check against the model included: the built-ins read the model
// in every way a rule can (keyed maps by constant and computed keys,
// indexes, refs), so a check that refused one of them would refuse good
// custom rules.
func TestBuiltinRulesLoadAsCustom(t *testing.T) {
	srcs, err := BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	pkgRe := regexp.MustCompile(`(?m)^package swarmlint\.rules\.`)
	idRe := regexp.MustCompile(`(?m)^#   id: SWL(\d{3})$`)
	nameRe := regexp.MustCompile(`(?m)^#   name: `)
	var mods []Module
	for _, s := range srcs {
		if IsTestFile(s.File) || !pkgRe.Match(s.Source) {
			continue
		}
		src := pkgRe.ReplaceAll(s.Source, []byte("package acme.rules."))
		src = idRe.ReplaceAll(src, []byte("#   id: ACME$1"))
		src = nameRe.ReplaceAll(src, []byte("#   name: acme-"))
		mods = append(mods, Module{File: "team/" + strings.TrimPrefix(s.File, "policies/"), Source: src})
	}
	if len(mods) < 50 {
		t.Fatalf("%d built-in rules", len(mods))
	}
	if _, err := New(context.Background(), Options{Custom: mods}); err != nil {
		t.Errorf("built-in rules do not load as custom rules:\n%v", err)
	}
}

// TestInputRefsBelowKeyedMaps: a field read below a keyed map reached by a
// string key — computed (input.networks[a.network]) or constant
// (input.services["shop_web"]), also twice in a row — is checked; the
// same reads of real fields load, also inside `not`.
func TestInputRefsBelowKeyedMaps(t *testing.T) {
	for body, bad := range map[string]string{
		"\tsome a in service.networks\n\tinput.networks[a.network].encryption":                         `input.networks[a.network].encryption: the model has no field "encryption"`,
		"\tsome a in service.networks\n\tnet := input.networks[a.network]\n\tnet.encryption":           `net.encryption: the model has no field "encryption"`,
		"\tinput.services[\"shop_web\"].imagez":                                                        `input.services.shop_web.imagez: the model has no field "imagez"`,
		"\tsome a in service.networks\n\tinput.networks[a.network].label_refs[\"x\"].pathz":            `input.networks[a.network].label_refs.x.pathz: the model has no field "pathz"`,
		"\tsome a in service.networks\n\tinput.networks[a.network].encrypted":                          "",
		"\tinput.services[\"shop_web\"].image != \"\"":                                                 "",
		"\tsome a in service.networks\n\tnot input.networks[a.network].encrypted":                      "",
		"\tsome a in service.networks\n\tcount([n | n := input.networks[a.network]; n.encrypted]) > 0": "",
		"\tsome a in service.networks\n\tcount([n | n := input.networks[a.network]; n.encryptd]) > 0":  `n.encryptd: the model has no field "encryptd"`,
	} {
		_, err := New(context.Background(), Options{Custom: []Module{custom("policy/x.rego", "ACME001", body)}})
		switch {
		case bad == "" && err != nil:
			t.Errorf("%s\n  does not load: %v", body, err)
		case bad != "" && (err == nil || !strings.Contains(err.Error(), bad)):
			t.Errorf("%s\n  err = %v, want %s", body, err, bad)
		}
	}
}
