package enginetest_test

// TestLive runs `swarmlint --live` against a throwaway single-node swarm on
// the machine's engine: the engine is read through a recording proxy socket,
// and the run must send only GET and HEAD requests, leave the engine's
// networks, services and node as they were, and cause no engine event.

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swarmlint/swarmlint/enginetest"
	"github.com/swarmlint/swarmlint/internal/cli"
)

// recorder is a unix socket in front of the engine's that records every
// request and forwards it.
type recorder struct {
	mu       sync.Mutex
	requests []string
}

func (r *recorder) start(t *testing.T, engineSock string) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "proxy.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: "docker"})
	proxy.Transport = &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", engineSock)
	}}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.requests = append(r.requests, req.Method+" "+req.URL.Path)
		r.mu.Unlock()
		proxy.ServeHTTP(w, req)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "unix://" + sock
}

// engineState is what must not change: networks, services (with their
// version index, which every update bumps) and the node's version.
func engineState(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{
		{"network", "ls", "--no-trunc", "--format", "{{.ID}} {{.Name}} {{.Driver}} {{.Scope}}"},
		{"service", "ls", "--format", "{{.ID}} {{.Name}} {{.Mode}} {{.Ports}}"},
		{"node", "ls", "--format", "{{.ID}} {{.Status}} {{.Availability}} {{.ManagerStatus}}"},
	} {
		out, err := exec.Command("docker", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		sort.Strings(lines)
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	ids, _ := exec.Command("docker", "service", "ls", "-q").Output()
	for _, id := range strings.Fields(string(ids)) {
		v, err := exec.Command("docker", "service", "inspect", "--format", "{{.Spec.Name}} {{.Version.Index}}", id).Output()
		if err != nil {
			t.Fatalf("docker service inspect %s: %v", id, err)
		}
		b.Write(v)
	}
	v, err := exec.Command("docker", "node", "inspect", "--format", "{{.ID}} {{.Version.Index}}", "self").Output()
	if err != nil {
		t.Fatalf("docker node inspect self: %v", err)
	}
	b.Write(v)
	return b.String()
}

// events returns the engine's events between two times.
func events(t *testing.T, since, until time.Time) []string {
	t.Helper()
	out, err := exec.Command("docker", "events", "--since", strconv.FormatInt(since.Unix(), 10),
		"--until", strconv.FormatInt(until.Unix()+1, 10), "--format", "{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}").CombinedOutput()
	if err != nil {
		t.Fatalf("docker events: %v\n%s", err, out)
	}
	var evs []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			evs = append(evs, l)
		}
	}
	return evs
}

func runSwarmlint(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Main(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestLive(t *testing.T) {
	eng := enginetest.RequireEngine(t)
	const engineSock = "/var/run/docker.sock"
	shop := filepath.Join("testdata", "live", "shop.yml")

	// Before any swarm: the engine is not in swarm mode.
	if eng.SwarmState == "inactive" {
		code, _, stderr := runSwarmlint("--live", "--docker-host", "unix://"+engineSock, shop)
		if code != 2 || !strings.Contains(stderr, "not in swarm mode") || !strings.Contains(stderr, "unix://"+engineSock) {
			t.Errorf("without a swarm: exit %d, stderr %q; want 2 and a message naming the engine and the swarm mode", code, stderr)
		}
	}

	enginetest.InitSwarm(t)
	if out, err := enginetest.DeployStack(t, "infra", filepath.Join("testdata", "live", "infra.yml")); err != nil {
		t.Fatalf("deploying infra: %v\n%s", err, out)
	}
	if tasks, err := enginetest.WaitTasks(t, "infra", time.Now().Add(90*time.Second)); err != nil {
		t.Fatalf("infra tasks: %v (%+v)", err, tasks)
	}
	// Let the swarm settle (the ingress sandbox, load-balancer endpoints)
	// so that its own events do not fall into the run's window.
	time.Sleep(3 * time.Second)

	rec := &recorder{}
	host := rec.start(t, engineSock)
	before := engineState(t)
	start := time.Now()
	code, stdout, stderr := runSwarmlint("--live", "--docker-host", host, "--format", "json", shop)
	end := time.Now()
	after := engineState(t)
	if code != 1 {
		t.Fatalf("swarmlint --live: exit %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	var res struct {
		Findings []struct {
			RuleID  string `json:"rule_id"`
			Message string `json:"message"`
			File    string `json:"file"`
			Line    int    `json:"start_line"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("json output: %v\n%s", err, stdout)
	}
	want := map[string]struct {
		line int
		msg  *regexp.Regexp
	}{
		"SWL103": {6, regexp.MustCompile(`service "infra_proxy" \(live, created by stack infra\) publishes it in ingress mode`)},
		"SWL211": {18, regexp.MustCompile(`network "live_back" \(10\.99\.0\.0/24\) overlaps network "infra_shared" \(live, created by stack infra\)`)},
		"SWL201": {19, regexp.MustCompile(`network "infra_small" \(live, created by stack infra\) needs about 15 addresses for 12 tasks, 2 VIPs and 1 load-balancer endpoint, but 10\.98\.0\.0/28 has 13`)},
	}
	got := map[string]bool{}
	for _, f := range res.Findings {
		t.Logf("%s:%d %s %s", f.File, f.Line, f.RuleID, f.Message)
		w, ok := want[f.RuleID]
		if !ok {
			continue
		}
		got[f.RuleID] = true
		if !strings.HasSuffix(f.File, "testdata/live/shop.yml") || f.Line != w.line || !w.msg.MatchString(f.Message) {
			t.Errorf("%s at %s:%d %q; want line %d matching %s", f.RuleID, f.File, f.Line, f.Message, w.line, w.msg)
		}
	}
	for id := range want {
		if !got[id] {
			t.Errorf("no %s finding", id)
		}
	}

	// Read-only: only GET and HEAD reached the engine, and nothing changed.
	rec.mu.Lock()
	reqs := append([]string{}, rec.requests...)
	rec.mu.Unlock()
	if len(reqs) == 0 {
		t.Error("the recording proxy saw no request: swarmlint did not read the engine through it")
	}
	for _, r := range reqs {
		if !strings.HasPrefix(r, "GET ") && !strings.HasPrefix(r, "HEAD ") {
			t.Errorf("swarmlint sent %s", r)
		}
	}
	t.Logf("requests: %s", strings.Join(reqs, ", "))
	if before != after {
		t.Errorf("the engine changed during the run:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if evs := events(t, start, end); len(evs) > 0 {
		t.Errorf("engine events during the run:\n%s", strings.Join(evs, "\n"))
	}

	// The deployed stack linted again under its own name is its previous
	// version: no overlap with its own network, no clash with its own port.
	code, stdout, stderr = runSwarmlint("--live", "--docker-host", host, "--stack", "infra", "--enable", "SWL211,SWL103,SWL201",
		filepath.Join("testdata", "live", "infra.yml"))
	if code != 0 {
		t.Errorf("infra.yml against its own deployment: exit %d, want 0\n%s\n%s", code, stdout, stderr)
	}

	// plan --live: the real swarm's address plan with the stack applied.
	code, stdout, stderr = runSwarmlint("plan", "--live", "--docker-host", host, shop)
	if code != 0 || !strings.Contains(stdout, "Live swarm at "+host) || !regexp.MustCompile(`infra_small +10\.98\.0\.0/28 +live`).MatchString(stdout) {
		t.Errorf("plan --live: exit %d\n%s\n%s", code, stdout, stderr)
	}
}
