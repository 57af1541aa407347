package cli

import (
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// workerEngine answers like an engine that is a swarm worker.
func workerEngine(t *testing.T) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "worker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Api-Version", "1.41")
		if strings.HasSuffix(r.URL.Path, "/info") {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"Swarm": {"LocalNodeState": "active", "ControlAvailable": false, "NodeID": "w1"}}`))
			return
		}
		w.Write([]byte("OK"))
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "unix://" + sock
}

// TestLiveErrors: an unreachable engine and a worker each end the run with
// exit 2 and a message that says which, and names the engine tried and how
// it was chosen.
func TestLiveErrors(t *testing.T) {
	dir := t.TempDir()
	stack := write(t, dir, "stack.yml", "services:\n  web:\n    image: nginx\n")
	missing := "unix://" + filepath.Join(dir, "missing.sock")
	worker := workerEngine(t)
	cfg := write(t, dir, "swarmlint.yaml", "cluster:\n  docker_host: "+worker+"\n")
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"unreachable, flag", []string{"--docker-host", missing, stack}, nil,
			[]string{"cannot reach the Docker engine", missing, "from --docker-host"}},
		{"unreachable, DOCKER_HOST", []string{"--live", stack}, map[string]string{"DOCKER_HOST": missing},
			[]string{"cannot reach the Docker engine", "from DOCKER_HOST"}},
		{"worker", []string{"--live", "--docker-host", worker, stack}, nil,
			[]string{"swarm worker, not a manager", worker}},
		{"worker from the configuration", []string{"--live", "--config", cfg, stack}, nil,
			[]string{"swarm worker, not a manager", "from cluster.docker_host in "}},
		{"plan", []string{"plan", "--docker-host", missing, stack}, nil,
			[]string{"cannot reach the Docker engine"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", "")
			t.Setenv("DOCKER_CONTEXT", "")
			t.Setenv("DOCKER_CONFIG", t.TempDir())
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			stdout, stderr, code := run(t, c.args...)
			if code != ExitError || stdout != "" {
				t.Fatalf("exit %d, stdout %q; want exit 2 and no report", code, stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
		})
	}
}
