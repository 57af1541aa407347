package enginetest

import (
	"errors"
	"strings"
	"testing"
)

// These tests need no engine.

func TestRewriteImages(t *testing.T) {
	src := `# top comment
version: "3.8"
x-common: &common
  image: "nginx:1.27" # quoted
  deploy:
    replicas: 2
services:
  web:
    <<: *common
    ports: ["8080:80"]
  db:
    image: postgres:16
    environment:
      image: not-a-service-key-but-replaced-too
  built:
    build: .
networks: {front: {}}
`
	got := string(RewriteImages([]byte(src), "sha256:abc"))
	for _, want := range []string{
		"# top comment",
		`image: "sha256:abc" # quoted`,
		"image: sha256:abc\n",
		"<<: *common",
		"x-common: &common",
		"ports: [\"8080:80\"]",
		"networks: {front: {}}",
		"build: .",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, gone := range []string{"nginx", "postgres", "not-a-service-key"} {
		if strings.Contains(got, gone) {
			t.Errorf("output still has %q:\n%s", gone, got)
		}
	}
}

func TestRewriteImagesKeepsUnparsableInput(t *testing.T) {
	src := []byte("services: [unclosed\n")
	if got := RewriteImages(src, "x"); string(got) != string(src) {
		t.Errorf("got %q", got)
	}
}

func TestPlanScript(t *testing.T) {
	src := `#!/usr/bin/env bash
set -euo pipefail
POOL=10.60.0.0/16
ssh manager1 uptime
docker swarm init --default-addr-pool "$POOL"
echo y | docker network rm ingress
apt-get install -y jq
f() { docker ps; }
if docker network inspect ingress >/dev/null; then docker network rm ingress; fi
`
	steps, program, err := planScript([]byte(src), "s.sh")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		line    int
		skipped bool
	}
	want := []row{{2, false}, {3, false}, {4, true}, {5, false}, {6, false}, {7, true}, {8, true}, {9, false}}
	if len(steps) != len(want) {
		t.Fatalf("steps = %+v", steps)
	}
	for i, w := range want {
		if steps[i].Line != w.line || (steps[i].Skipped != "") != w.skipped {
			t.Errorf("step %d = line %d skipped %q, want line %d skipped %v", i, steps[i].Line, steps[i].Skipped, w.line, w.skipped)
		}
	}
	p := program("M")
	if strings.Contains(p, "ssh") || strings.Contains(p, "apt-get") || !strings.Contains(p, `docker swarm init --default-addr-pool "$POOL"`) {
		t.Errorf("program:\n%s", p)
	}
}

func TestCollectSteps(t *testing.T) {
	steps := []ScriptStep{{Line: 1, ExitCode: -1}, {Line: 2, ExitCode: -1}, {Line: 3, ExitCode: -1}}
	out := "M start 0\nAre you sure? [y/N] \nM end 0 0\nM start 1\nError: boom\n\nM end 1 1\nM start 2\nhalf"
	collectSteps(steps, out, "M", 7)
	if steps[0].Output != "Are you sure? [y/N] " || steps[0].ExitCode != 0 {
		t.Errorf("step 0 = %+v", steps[0])
	}
	if steps[1].Output != "Error: boom" || steps[1].ExitCode != 1 {
		t.Errorf("step 1 = %+v", steps[1])
	}
	if !steps[2].Ran || steps[2].Output != "half" || steps[2].ExitCode != 7 {
		t.Errorf("step 2 = %+v", steps[2])
	}
}

func TestClassify(t *testing.T) {
	out := "Creating network s_default\nCreating service s_a\nfailed to create service s_b: Error response from daemon: rpc error: code = InvalidArgument desc = boom\n"
	v := Classify(out, errors.New("exit status 1"), nil, nil)
	if v.Outcome != OutcomeRejected || v.Message != "failed to create service s_b: Error response from daemon: rpc error: code = InvalidArgument desc = boom" {
		t.Errorf("rejected: %+v", v)
	}
	if Desc(v.Message) != "boom" {
		t.Errorf("Desc = %q", Desc(v.Message))
	}
	warn := "time=\"x\" level=warning msg=\"ignoring IP-address\"\nCreating service s_a\n"
	if v := Classify(warn, nil, []TaskState{{State: "running"}}, nil); v.Outcome != OutcomeRunning || v.Message != `time="x" level=warning msg="ignoring IP-address"` {
		t.Errorf("running: %+v", v)
	}
	if v := Classify("", nil, nil, errors.New("deadline")); v.Outcome != OutcomeFailed || v.Message != NoErrorReported+"deadline" {
		t.Errorf("failed: %+v", v)
	}
	pending := []TaskState{{State: "running"}, {State: "pending", Error: "no suitable node (host-mode port already in use on 1 node)"}}
	if v := Classify("", nil, pending, errors.New("task x pending")); v.Message != pending[1].Error {
		t.Errorf("failed with task error: %+v", v)
	}
	if v := Classify("Creating network x\n", nil, nil, nil); v.Outcome != OutcomeAccepted || v.Message != "" {
		t.Errorf("accepted: %+v", v)
	}
}

func TestParseTasks(t *testing.T) {
	out := `{"CurrentState":"New 8 seconds ago","DesiredState":"Running","Error":"","ID":"q3","Image":"sha256:1","Name":"st_b.1","Node":"","Ports":""}
{"CurrentState":"Failed 2 seconds ago","DesiredState":"Shutdown","Error":"task: non-zero exit (1)","ID":"q4","Image":"sha256:1","Name":"\\_ st_ab.1","Node":"vm","Ports":""}
`
	tasks, err := parseTasks(out, []string{"st_a", "st_ab", "st_b"})
	if err != nil {
		t.Fatal(err)
	}
	if tasks[0].Service != "st_b" || tasks[0].State != "new" || tasks[0].Running() || tasks[0].Failed() {
		t.Errorf("task 0 = %+v", tasks[0])
	}
	if tasks[1].Name != "st_ab.1" || tasks[1].Service != "st_ab" || !tasks[1].Failed() {
		t.Errorf("task 1 = %+v", tasks[1])
	}
}

func TestLogField(t *testing.T) {
	line := `time="t" level=error msg="Failed allocation for network n" error="failed allocating pools: Pool \"x\" overlaps" module=node`
	if got := logField(line, "error"); got != `failed allocating pools: Pool "x" overlaps` {
		t.Errorf("error = %q", got)
	}
	if got := logField(line, "msg"); got != "Failed allocation for network n" {
		t.Errorf("msg = %q", got)
	}
}

func TestPlanScriptKeepsHeredoc(t *testing.T) {
	src := "# make a config\ndocker config create app - <<EOF\nkey: value\nEOF\necho done # trailing\n"
	steps, program, err := planScript([]byte(src), "h.sh")
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || steps[0].Skipped != "" || steps[1].Skipped == "" {
		t.Fatalf("steps = %+v", steps)
	}
	if want := "docker config create app - <<EOF\nkey: value\nEOF"; steps[0].Command != want {
		t.Errorf("command = %q, want %q", steps[0].Command, want)
	}
	if strings.Contains(program("M"), "# make a config") {
		t.Errorf("comments should not be run:\n%s", program("M"))
	}
}

func TestRemoveLines(t *testing.T) {
	src := `services:
  app:
    image: x
    networks: [lan, iot]
    ports:
      - "80:80"
      - "81:81"
networks:
  lan:
    driver: bridge
  iot:
    driver: macvlan
`
	out, err := RemoveLines([]byte(src), []int{7, 11})
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{"networks: [lan]", `"80:80"`, "driver: bridge"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, gone := range []string{"81:81", "iot", "macvlan"} {
		if strings.Contains(got, gone) {
			t.Errorf("output still has %q:\n%s", gone, got)
		}
	}
	// A network left empty by a removal stays, with defaults.
	out, err = RemoveLines([]byte(src), []int{12})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "iot: {}") || !strings.Contains(string(out), "[lan, iot]") {
		t.Errorf("emptied network:\n%s", out)
	}
}

func TestFixtureRewrite(t *testing.T) {
	rw := FixtureRewrite("sha256:p", "127.0.0.1")
	cases := []struct{ in, want, skip string }{
		{"swarm init --advertise-addr 10.0.1.10 --default-addr-pool 10.20.0.0/16", "swarm init --advertise-addr 127.0.0.1 --default-addr-pool 10.20.0.0/16", ""},
		{"swarm init --advertise-addr 0.0.0.0 --listen-addr 0.0.0.0:2377", "swarm init --advertise-addr 0.0.0.0 --listen-addr 0.0.0.0:2377", ""},
		{"swarm init --default-addr-pool-mask-length 26", "swarm init --default-addr-pool-mask-length 26 --advertise-addr 127.0.0.1", ""},
		{`swarm join --token "$TOKEN" --data-path-addr 10.0.2.11:4789 10.0.1.10:2377`, `swarm join --token "$TOKEN" --data-path-addr 10.0.2.11:4789 127.0.0.1:2377`, ""},
		{"swarm join --advertise-addr manager-1.example.com 10.0.1.10:2377", "swarm join --advertise-addr manager-1.example.com 127.0.0.1:2377", ""},
		{"service create --name web --replicas 3 --publish published=80,target=80 nginx:1.27 nginx -g x", "service create --name web --replicas 3 --publish published=80,target=80 --no-resolve-image --detach sha256:p", ""},
		{"network create --subnet 10.11.0.0/16 --opt com.docker.network.bridge.name=docker_gwbridge docker_gwbridge", "", "would change this machine's docker_gwbridge"},
		{"network rm ingress", "network rm ingress", ""},
	}
	for _, c := range cases {
		out, skip := rw(strings.Fields(c.in))
		if skip != c.skip || (skip == "" && strings.Join(out, " ") != c.want) {
			t.Errorf("%s:\n got %q (skip %q)\nwant %q (skip %q)", c.in, strings.Join(out, " "), skip, c.want, c.skip)
		}
	}
}
