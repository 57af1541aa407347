package live

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/swarmlint/swarmlint/analyzer"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// TestResolve: the precedence of the docker CLI — explicit host, then
// DOCKER_HOST, then DOCKER_CONTEXT, then config.json's currentContext, then
// the default socket — and where TLS comes from.
func TestResolve(t *testing.T) {
	dir := t.TempDir()
	writeContext(t, dir, "prod", `{"Name":"prod","Endpoints":{"docker":{"Host":"ssh://ops@manager1","SkipTLSVerify":false}}}`)
	writeContext(t, dir, "tlsctx", `{"Name":"tlsctx","Endpoints":{"docker":{"Host":"tcp://m:2376","SkipTLSVerify":true}}}`)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"currentContext":"prod"}`), 0o644)
	for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
		os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644)
	}
	cases := []struct {
		name     string
		choice   Choice
		env      map[string]string
		host     string
		from     string
		tls      bool
		tlsCA    bool
		skipTLS  bool
		errorHas string
	}{
		{"flag wins", Choice{Host: "tcp://a:2375", HostFrom: "--docker-host"}, map[string]string{"DOCKER_HOST": "tcp://b:2375", "DOCKER_CONFIG": dir}, "tcp://a:2375", "--docker-host", false, false, false, ""},
		{"DOCKER_HOST over context", Choice{}, map[string]string{"DOCKER_HOST": "tcp://b:2375", "DOCKER_CONTEXT": "prod", "DOCKER_CONFIG": dir}, "tcp://b:2375", "DOCKER_HOST", false, false, false, ""},
		{"DOCKER_CONTEXT over current", Choice{}, map[string]string{"DOCKER_CONTEXT": "tlsctx", "DOCKER_CONFIG": dir}, "tcp://m:2376", `docker context "tlsctx" (DOCKER_CONTEXT)`, true, false, true, ""},
		{"current context", Choice{}, map[string]string{"DOCKER_CONFIG": dir}, "ssh://ops@manager1", `docker context "prod"`, false, false, false, ""},
		{"default context", Choice{}, map[string]string{"DOCKER_CONTEXT": "default", "DOCKER_CONFIG": dir}, DefaultHost, "the default socket", false, false, false, ""},
		{"missing context", Choice{}, map[string]string{"DOCKER_CONTEXT": "nope", "DOCKER_CONFIG": dir}, "", "", false, false, false, `docker context "nope" (from DOCKER_CONTEXT) does not exist`},
		{"TLS verify from env", Choice{}, map[string]string{"DOCKER_HOST": "tcp://b:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": dir}, "tcp://b:2376", "DOCKER_HOST", true, true, false, ""},
		{"TLS without verify", Choice{}, map[string]string{"DOCKER_HOST": "tcp://b:2376", "DOCKER_TLS": "1", "DOCKER_CERT_PATH": dir}, "tcp://b:2376", "DOCKER_HOST", true, false, true, ""},
		{"no TLS on a socket", Choice{}, map[string]string{"DOCKER_HOST": "unix:///x.sock", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": dir}, "unix:///x.sock", "DOCKER_HOST", false, false, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.choice.Getenv = env(c.env)
			ep, err := Resolve(c.choice)
			if c.errorHas != "" {
				if err == nil || !strings.Contains(err.Error(), c.errorHas) {
					t.Fatalf("err = %v, want %q", err, c.errorHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ep.Host != c.host || !strings.HasPrefix(ep.From, c.from) || (ep.TLS != nil) != c.tls {
				t.Fatalf("got %+v (TLS %+v)", ep, ep.TLS)
			}
			if ep.TLS != nil && ((ep.TLS.CA != "") != c.tlsCA || ep.TLS.SkipVerify != c.skipTLS) {
				t.Fatalf("TLS %+v", ep.TLS)
			}
		})
	}
}

func writeContext(t *testing.T, dir, name, meta string) {
	sum := sha256.Sum256([]byte(name))
	d := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]))
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "meta.json"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeEngine serves canned Engine API answers on a unix socket and records
// every request.
type fakeEngine struct {
	mu       sync.Mutex
	requests []string
	api      string
	swarm    string // LocalNodeState
	manager  bool
}

func (f *fakeEngine) start(t *testing.T) string {
	sock := filepath.Join(t.TempDir(), "docker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: f}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "unix://" + sock
}

func (f *fakeEngine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	f.mu.Unlock()
	path := r.URL.Path
	if i := strings.Index(path[1:], "/"); strings.HasPrefix(path, "/v1.") && i > 0 {
		path = path[i+1:]
	}
	w.Header().Set("Api-Version", f.api)
	w.Header().Set("Content-Type", "application/json")
	answer := func(v any) { json.NewEncoder(w).Encode(v) }
	switch path {
	case "/_ping":
		w.Write([]byte("OK"))
	case "/info":
		answer(map[string]any{"Swarm": map[string]any{"LocalNodeState": f.swarm, "ControlAvailable": f.manager}})
	case "/swarm":
		answer(map[string]any{"ID": "c1", "DefaultAddrPool": []string{"10.10.0.0/16"}, "SubnetSize": 26, "DataPathPort": 4789})
	case "/nodes":
		answer([]any{map[string]any{"ID": "n1", "Spec": map[string]any{"Role": "manager", "Availability": "active", "Labels": map[string]string{"zone": "a"}},
			"Description": map[string]any{"Hostname": "m1"}, "Status": map[string]any{"State": "ready", "Addr": "10.1.0.5"}}})
	case "/networks":
		answer([]any{
			map[string]any{"Name": "ingress", "Id": "ing", "Scope": "swarm", "Driver": "overlay", "Ingress": true, "IPAM": map[string]any{"Driver": "default", "Config": []any{map[string]any{"Subnet": "10.0.0.0/24", "Gateway": "10.0.0.1"}}}},
			map[string]any{"Name": "shop_back", "Id": "nb", "Scope": "swarm", "Driver": "overlay", "IPAM": map[string]any{"Driver": "default", "Config": []any{map[string]any{"Subnet": "10.10.0.0/26"}}},
				"Labels": map[string]string{"com.docker.stack.namespace": "shop"}},
			map[string]any{"Name": "bridge", "Id": "br", "Scope": "local", "Driver": "bridge", "IPAM": map[string]any{"Config": []any{map[string]any{"Subnet": "172.17.0.0/16"}}}},
		})
	case "/services":
		answer([]any{map[string]any{"ID": "s1", "Spec": map[string]any{"Name": "shop_web", "Labels": map[string]string{"com.docker.stack.namespace": "shop"},
			"Mode": map[string]any{"Replicated": map[string]any{"Replicas": 2}},
			"TaskTemplate": map[string]any{"ContainerSpec": map[string]any{"Image": "nginx"}, "Networks": []any{map[string]any{"Target": "nb", "Aliases": []string{"web"}}},
				"Placement": map[string]any{"Constraints": []string{"node.role==manager"}}},
			"EndpointSpec": map[string]any{"Mode": "vip", "Ports": []any{map[string]any{"Protocol": "tcp", "TargetPort": 80, "PublishMode": "ingress"}}}},
			"Endpoint": map[string]any{"Ports": []any{map[string]any{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 30001, "PublishMode": "ingress"}}}}})
	case "/tasks":
		att := []any{map[string]any{"Network": map[string]any{"ID": "nb"}, "Addresses": []string{"10.10.0.9/26"}}}
		answer([]any{
			map[string]any{"ID": "t1", "ServiceID": "s1", "Status": map[string]any{"State": "running"}, "NetworksAttachments": att},
			map[string]any{"ID": "t2", "ServiceID": "s1", "Status": map[string]any{"State": "running"}, "NetworksAttachments": att},
			map[string]any{"ID": "t3", "ServiceID": "s1", "Status": map[string]any{"State": "shutdown"}, "NetworksAttachments": att},
			map[string]any{"ID": "t4", "ServiceID": "s1", "Status": map[string]any{"State": "starting"}, "NetworksAttachments": att},
			map[string]any{"ID": "t5", "Status": map[string]any{"State": "running"}, "NetworksAttachments": att},
		})
	default:
		w.WriteHeader(http.StatusNotFound)
		answer(map[string]string{"message": "page not found"})
	}
}

// TestRead reads a fake engine: the swarm spec, nodes, swarm-scoped
// networks, services with their assigned ports, and the tasks holding
// addresses; every request is GET or HEAD.
func TestRead(t *testing.T) {
	f := &fakeEngine{api: "1.41", swarm: "active", manager: true}
	host := f.start(t)
	ls, err := Read(context.Background(), Endpoint{Host: host, From: "test"}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls.DefaultAddrPools) != 1 || ls.DefaultAddrPools[0] != "10.10.0.0/16" || ls.SubnetSize != 26 || ls.DataPathPort != 4789 {
		t.Errorf("swarm spec %+v", ls)
	}
	if len(ls.Nodes) != 1 || ls.Nodes[0].Role != "manager" || ls.Nodes[0].Addr != "10.1.0.5" || ls.Nodes[0].Labels["zone"] != "a" {
		t.Errorf("nodes %+v", ls.Nodes)
	}
	var nets []struct {
		Name, Id string
		Ingress  bool
		IPAM     struct{ Config []struct{ Subnet string } }
	}
	if err := json.Unmarshal(ls.Networks, &nets); err != nil {
		t.Fatal(err)
	}
	if len(nets) != 2 || nets[0].Name != "ingress" || !nets[0].Ingress || nets[1].IPAM.Config[0].Subnet != "10.10.0.0/26" || ls.Attached["nb"] != 1 {
		t.Errorf("networks %s, attached %v", ls.Networks, ls.Attached)
	}
	// The model the analyzer makes of it: the service's assigned port, the
	// tasks holding addresses, the stack that created each object.
	a, err := analyzer.Load(context.Background(), analyzer.Options{Live: ls})
	if err != nil {
		t.Fatal(err)
	}
	s := a.Model.Services["shop_web"]
	if s == nil || !s.Live || s.CreatedByStack != "shop" || s.Replicas != 2 || s.Tasks != 3 || s.Ports[0].Published != 30001 ||
		s.Networks[0].Network != "shop_back" || s.Networks[0].Aliases[0] != "web" {
		t.Errorf("service %+v", s)
	}
	if c := s.Deploy.Placement.Constraints; len(c) != 1 || c[0].Expr != "node.role==manager" || s.Deploy.Labels["com.docker.stack.namespace"] != "shop" {
		t.Errorf("placement %+v, labels %v", s.Deploy.Placement, s.Deploy.Labels)
	}
	if n := a.Model.Networks["shop_back"]; n == nil || !n.Live || n.CreatedByStack != "shop" || n.Attached != 1 || n.Demand.Tasks != 4 {
		t.Errorf("network %+v", n)
	}
	if sw := a.Model.Swarm; sw.MaskLength != 26 || sw.DefaultAddrPools[0].Prefix != "10.10.0.0/16" || sw.NodeCount != 1 || sw.Live.Nodes[0].Labels["zone"] != "a" {
		t.Errorf("swarm %+v", sw)
	}
	for _, r := range f.requests {
		if !strings.HasPrefix(r, "GET ") && !strings.HasPrefix(r, "HEAD ") {
			t.Errorf("request %s is neither GET nor HEAD", r)
		}
		if strings.Contains(r, "/v1.") && !strings.HasPrefix(strings.Fields(r)[1], "/v1.41/") {
			t.Errorf("request %s does not use the negotiated API 1.41", r)
		}
	}
}

// TestErrors: each failure is its own kind, names the engine, and says what
// to do.
func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		f    *fakeEngine
		kind string
		has  string
	}{
		{"not a manager", &fakeEngine{api: "1.41", swarm: "active"}, NotManager, "swarm worker, not a manager"},
		{"not in swarm mode", &fakeEngine{api: "1.41", swarm: "inactive"}, NotSwarm, `not in swarm mode (node state "inactive")`},
		{"API too old", &fakeEngine{api: "1.39", swarm: "active", manager: true}, APITooOld, "API version 1.39 is not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host := c.f.start(t)
			_, err := Read(context.Background(), Endpoint{Host: host, From: "--docker-host"}, 5*time.Second)
			var le *Error
			if !errors.As(err, &le) || le.Kind != c.kind || !strings.Contains(err.Error(), c.has) || !strings.Contains(err.Error(), host) {
				t.Fatalf("err = %v, want kind %s with %q and the host", err, c.kind, c.has)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		host := "unix://" + filepath.Join(t.TempDir(), "none.sock")
		_, err := Read(context.Background(), Endpoint{Host: host, From: "DOCKER_HOST"}, 5*time.Second)
		var le *Error
		if !errors.As(err, &le) || le.Kind != Unreachable || !strings.Contains(err.Error(), host) || !strings.Contains(err.Error(), "from DOCKER_HOST") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "slow.sock")
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() { // accepts and never answers
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				defer c.Close()
			}
		}()
		start := time.Now()
		_, err = Read(context.Background(), Endpoint{Host: "unix://" + sock, From: "test"}, 300*time.Millisecond)
		var le *Error
		if !errors.As(err, &le) || le.Kind != Timeout || time.Since(start) > 3*time.Second {
			t.Fatalf("err = %v after %s", err, time.Since(start))
		}
	})
	t.Run("permission denied", func(t *testing.T) {
		err := classify(context.Background(), Endpoint{Host: "unix:///var/run/docker.sock", From: "the default socket"}, "connecting", time.Second,
			&net.OpError{Op: "dial", Net: "unix", Err: os.NewSyscallError("connect", syscall.EACCES)})
		var le *Error
		if !errors.As(err, &le) || le.Kind != PermissionDenied || !strings.Contains(err.Error(), "docker group") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestClientRefusesWrites: the client --live uses refuses any request that
// is not GET or HEAD before it reaches the engine.
func TestClientRefusesWrites(t *testing.T) {
	f := &fakeEngine{api: "1.41", swarm: "active", manager: true}
	host := f.start(t)
	cli, err := newClient(Endpoint{Host: host})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	_, err = cli.NetworkCreate(context.Background(), "x", client.NetworkCreateOptions{Driver: "overlay"})
	if !errors.Is(err, errNotReadOnly) {
		t.Fatalf("NetworkCreate: %v", err)
	}
	_, err = cli.ServiceRemove(context.Background(), "s1", client.ServiceRemoveOptions{})
	if !errors.Is(err, errNotReadOnly) {
		t.Fatalf("ServiceRemove: %v", err)
	}
	for _, r := range f.requests {
		if !strings.HasPrefix(r, "GET ") && !strings.HasPrefix(r, "HEAD ") {
			t.Errorf("the engine saw %s", r)
		}
	}
}

// TestSSH: an ssh:// engine is reached the way the docker CLI reaches it,
// by running `ssh ... -- host docker system dial-stdio` (here a stand-in
// ssh on PATH that records its arguments and fails).
func TestSSH(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "args")
	script := "#!/bin/sh\necho \"$@\" >> " + log + "\necho 'ssh: connect to host manager1 port 22: Connection refused' >&2\nexit 255\n"
	if err := os.WriteFile(filepath.Join(dir, "ssh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	_, err := Read(context.Background(), Endpoint{Host: "ssh://ops@manager1:2222", From: "--docker-host"}, 5*time.Second)
	var le *Error
	if !errors.As(err, &le) || le.Kind == Timeout || !strings.Contains(err.Error(), "ssh://ops@manager1:2222") {
		t.Fatalf("err = %v", err)
	}
	b, _ := os.ReadFile(log)
	args := string(b)
	for _, want := range []string{"-l ops", "-p 2222", "manager1", "docker system dial-stdio"} {
		if !strings.Contains(args, want) {
			t.Errorf("ssh ran with %q, want %q in it", args, want)
		}
	}
	t.Logf("%v", err)
}
