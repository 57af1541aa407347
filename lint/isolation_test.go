package lint

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// TestBrokenStackIsolated: a stack merged from two -c files whose merge
// Docker refuses is one SWL000 finding; the run's other stack is linted as
// usual, and no other rule reports on the broken one. A file that cannot be
// read is a tool notification (Successful false) while the rest is still
// linted, and every format writes the result.
func TestBrokenStackIsolated(t *testing.T) {
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	put := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The base publishes 8080 from a dnsrr service (SWL101) — but the
	// override breaks the stack, so that cannot be decided and stays silent.
	base := put("base.yml", "services:\n  api:\n    image: ghcr.io/acme/api:3\n    deploy: {endpoint_mode: dnsrr}\n    ports: [\"8080:80\"]\n")
	over := put("prod.yml", "services:\n  api:\n    deploy:\n      replicas: three\n")
	other := put("other.yml", "services:\n  cache:\n    image: memcached:1.6\n    deploy: {endpoint_mode: dnsrr}\n    ports: [\"11211:11211\"]\n")
	cfg := Config{Env: map[string]string{}, Stacks: []analyzer.StackInput{
		{Name: "shop", Files: []string{base, over}},
		{Name: "cache", Files: []string{other}},
		{Name: "gone", Files: []string{filepath.Join(dir, "missing.yml")}},
	}}
	res, _, err := RunWith(ctx, eng, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.RuleID+" "+filepath.Base(f.File))
	}
	if len(got) != 2 || !contains(got, "SWL101 other.yml") || !contains(got, "SWL000 prod.yml") {
		t.Errorf("findings %v, want SWL000 in prod.yml and SWL101 in other.yml only", got)
	}
	if res.Successful || len(res.Notifications) != 1 || !strings.Contains(res.Notifications[0].Message, "missing.yml") {
		t.Errorf("successful %v, notifications %+v: want the missing file as the one tool error", res.Successful, res.Notifications)
	}
	for _, name := range report.FormatNames() {
		w, _ := report.Lookup(name)
		var buf bytes.Buffer
		if err := w.Write(&buf, res); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if !strings.Contains(buf.String(), "missing.yml") || !strings.Contains(buf.String(), "SWL000") {
			t.Errorf("%s output lacks the tool error or the SWL000 finding:\n%s", name, buf.String())
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestRequiredVariablesUnknown: a template whose required variables have no
// value is linted with those values unknown. The variables are SWL019 notes
// at their own tokens; rules that would need them stay silent (no SWL003 for
// the subnet, no SWL106 for the port or endpoint mode written as variables);
// the others run (the two literal subnets overlap: SWL211). A stack that
// cannot load even so (an extra host the loader must parse) is not linted
// beyond its variables, with a warning that says so.
func TestRequiredVariablesUnknown(t *testing.T) {
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "tmpl.yml")
	src := "services:\n  web:\n    image: traefik:${TAG?}\n    ports:\n      - \"${PORT?}:80\"\n" +
		"    deploy:\n      endpoint_mode: ${EM?}\n      labels:\n        - traefik.http.routers.web.rule=Host(`${DOMAIN?Variable not set}`)\n" +
		"    healthcheck:\n      interval: ${IV:?}\n    networks: [a, b, c]\n" +
		"networks:\n  a:\n    ipam:\n      config:\n        - subnet: ${SUBNET?}\n" +
		"  b:\n    ipam:\n      config:\n        - subnet: 10.20.0.0/16\n" +
		"  c:\n    ipam:\n      config:\n        - subnet: 10.20.5.0/24\n"
	if err := os.WriteFile(tmpl, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, a, err := RunWith(ctx, eng, Config{Env: map[string]string{}, Stacks: []analyzer.StackInput{{Name: "edge", Files: []string{tmpl}}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Level != "note" || f.RuleID == "SWL019" {
			got = append(got, fmt.Sprintf("%s %d:%d", f.RuleID, f.StartLine, f.StartCol))
		}
	}
	want := "SWL019 3:20,SWL019 5:10,SWL019 7:22,SWL019 9:47,SWL019 11:17,SWL019 17:19,SWL202 21:11,SWL211 25:11"
	if strings.Join(got, ",") != want {
		t.Errorf("findings (notes other than SWL019 left out)\n  %s\nwant\n  %s", strings.Join(got, ","), want)
	}
	if n := a.Model.Networks["edge_a"]; n == nil || len(n.Subnets) != 0 || n.SubnetSource != "unknown" {
		t.Errorf("network a: %+v, want no subnet and subnet_source unknown", n)
	}
	if len(res.Notifications) != 0 {
		t.Errorf("notifications %+v", res.Notifications)
	}

	hosts := filepath.Join(dir, "hosts.yml")
	if err := os.WriteFile(hosts, []byte("services:\n  web:\n    image: nginx\n    extra_hosts:\n      - ${HOST?}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _, err = RunWith(ctx, eng, Config{Env: map[string]string{}, Stacks: []analyzer.StackInput{{Name: "h", Files: []string{hosts}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].RuleID != "SWL019" || !res.Successful ||
		len(res.Notifications) != 1 || !strings.Contains(res.Notifications[0].Message, "not linted beyond its required variables") {
		t.Errorf("findings %+v, notifications %+v: want SWL019 and a warning that the stack was not linted further", res.Findings, res.Notifications)
	}
}
