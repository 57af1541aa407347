package lint

import (
	"bytes"
	"context"
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
