package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/report/sariftest"
)

// TestOneBadFileNeverCostsTheReport: a good file, a file Docker refuses and
// a template with required variables, linted together into SARIF: the log
// is valid and holds the good file's findings, SWL000 at the broken line and
// SWL019 at each variable; the template's other rules still run (subnet
// overlap, dnsrr with an ingress port); exit 1, not 2.
func TestOneBadFileNeverCostsTheReport(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"good.yml":   "services:\n  cache:\n    image: memcached:1.6\n    deploy: {endpoint_mode: dnsrr}\n    ports:\n      - \"11211:11211\"\n",
		"broken.yml": "services:\n  web:\n    image: nginx:1.27\n    portz:\n      - \"8080:80\"\n",
		"template.yml": "services:\n  traefik:\n    image: traefik:v3.1\n    deploy:\n      labels:\n" +
			"        - traefik.http.routers.api.rule=Host(`traefik.${DOMAIN?Variable not set}`)\n" +
			"        - traefik.http.routers.api.tls.certresolver=${RESOLVER:?set the resolver}\n" +
			"    networks: [public, back]\n" +
			"networks:\n  public:\n    ipam:\n      config:\n        - subnet: 10.10.0.0/16\n" +
			"  back:\n    ipam:\n      config:\n        - subnet: 10.10.5.0/24\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("run", func(t *testing.T) {
		t.Chdir(dir)
		_, errs, code := run(t, "--format", "sarif", "-o", "out.sarif", "good.yml", "broken.yml", "template.yml")
		if code != ExitFindings {
			t.Fatalf("exit %d, want 1; stderr %q", code, errs)
		}
	})
	b, err := os.ReadFile(filepath.Join(dir, "out.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string][]byte{}
	for name, content := range files {
		sources[name] = []byte(content)
	}
	sariftest.Check(t, b, sources)
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatal(err)
	}
	if !log.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("executionSuccessful is false: a refused file is a finding, not a tool error")
	}
	var got []string
	for _, r := range log.Runs[0].Results {
		l := r.Locations[0].PhysicalLocation
		got = append(got, r.RuleID+" "+l.ArtifactLocation.URI+":"+itoa(l.Region.StartLine)+":"+itoa(l.Region.StartColumn))
	}
	sort.Strings(got)
	want := []string{
		"SWL000 broken.yml:4:5",
		"SWL019 template.yml:6:55",
		"SWL019 template.yml:7:53",
		"SWL101 good.yml:6:9",
		"SWL211 template.yml:17:11",
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("missing %s in\n  %s", w, strings.Join(got, "\n  "))
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestPlanNeedsEveryStack: plan cannot show the networks of a stack Docker
// would refuse, so it ends with exit 2 naming the first problem (lint
// reports them all); a file that is no Compose file is skipped as in lint.
func TestPlanNeedsEveryStack(t *testing.T) {
	dir := t.TempDir()
	broken := write(t, dir, "broken.yml", "services:\n  web:\n    image: nginx:1.27\n    portz: [\"8080:80\"]\n")
	wf := write(t, dir, "wf.yml", "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n")
	good := write(t, dir, "good.yml", "services:\n  web:\n    image: nginx:1.27\n")
	if _, errs, code := run(t, "plan", broken); code != ExitError || !strings.Contains(errs, `broken.yml:4:5: unknown key "portz" in service "web"`) {
		t.Errorf("broken: exit %d, stderr %q", code, errs)
	}
	if out, errs, code := run(t, "plan", wf, good); code != ExitOK || !strings.Contains(errs, "wf.yml: skipped: not a Compose file") || !strings.Contains(out, "ingress") {
		t.Errorf("workflow: exit %d, stderr %q", code, errs)
	}
}
