package analyzer

import (
	"context"
	"reflect"
	"testing"
)

const settingsStack = `services:
  db:
    image: postgres:16
    labels:
      - com.example.role=primary
    deploy:
      labels:
        tier: db
      placement:
        constraints:
          - node.role == manager
          - node.labels.disk!=hdd
        preferences:
          - spread: node.labels.zone
        max_replicas_per_node: 1
      resources:
        limits: {cpus: "0.5", memory: 512M, pids: 100}
        reservations:
          memory: 256M
          generic_resources:
            - discrete_resource_spec: {kind: GPU, value: 2}
      restart_policy: {condition: on-failure, max_attempts: 3}
      update_config: {parallelism: 2, delay: 10s, order: start-first, failure_action: rollback}
    healthcheck:
      test: ["CMD", "pg_isready"]
      interval: 30s
      retries: 5
    secrets:
      - db_password
      - source: db_cert
        target: /run/cert.pem
        mode: 0400
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
    logging: {driver: json-file, options: {max-size: 10m}}
    restart: "no"
secrets:
  db_password: {external: true}
  db_cert: {external: true}
`

// TestStackSettings: the settings of a stack service are in the model as
// written, with Docker's defaults elsewhere, and their refs locate.
func TestStackSettings(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "stack.yml", settingsStack)
	a, err := Load(context.Background(), Options{Stacks: []StackInput{{Name: "app", Files: []string{file}}}})
	if err != nil {
		t.Fatal(err)
	}
	s := a.Model.Services["app_db"]
	if s == nil {
		t.Fatal("no service app_db")
	}
	d := s.Deploy
	if d.Labels["tier"] != "db" || s.Labels["com.example.role"] != "primary" {
		t.Errorf("labels: deploy %v, container %v", d.Labels, s.Labels)
	}
	if r, ok := a.Locate(d.LabelRefs["tier"], nil); !ok || r.StartLine != 8 {
		t.Errorf("deploy.labels.tier located at %+v", r)
	}
	if r, ok := a.Locate(s.LabelRefs["com.example.role"], nil); !ok || r.StartLine != 5 {
		t.Errorf("list-form container label located at %+v, want line 5", r)
	}
	cs := d.Placement.Constraints
	if len(cs) != 2 || cs[0].Key != "node.role" || cs[0].Operator != "==" || cs[0].Value != "manager" ||
		cs[1].Key != "node.labels.disk" || cs[1].Operator != "!=" || cs[1].Value != "hdd" {
		t.Errorf("constraints = %+v", cs)
	}
	if r, ok := a.Locate(cs[1].Ref, nil); !ok || r.StartLine != 12 {
		t.Errorf("second constraint located at %+v", r)
	}
	if len(d.Placement.Preferences) != 1 || d.Placement.Preferences[0].Spread != "node.labels.zone" || d.Placement.MaxReplicasPerNode != 1 {
		t.Errorf("placement = %+v", d.Placement)
	}
	lim, res := d.Resources.Limits, d.Resources.Reservations
	if !lim.Set || lim.CPUs != 0.5 || lim.MemoryBytes != 512<<20 || lim.Pids != 100 {
		t.Errorf("limits = %+v", lim)
	}
	if !res.Set || res.MemoryBytes != 256<<20 || len(res.GenericResources) != 1 || res.GenericResources[0].Kind != "GPU" || res.GenericResources[0].Value != 2 {
		t.Errorf("reservations = %+v", res)
	}
	if rp := d.RestartPolicy; !rp.Set || rp.Condition != "on-failure" || rp.MaxAttempts != 3 || rp.Delay != "5s" {
		t.Errorf("restart_policy = %+v (restart_policy wins over restart)", rp)
	}
	if u := d.UpdateConfig; !u.Set || u.Parallelism != 2 || u.Delay != "10s" || u.Order != "start-first" || u.FailureAction != "rollback" || u.Monitor != "5s" {
		t.Errorf("update_config = %+v", u)
	}
	if s.UpdateParallelism != 2 || s.UpdateOrder != "start-first" {
		t.Errorf("effective update settings %d %q", s.UpdateParallelism, s.UpdateOrder)
	}
	if rb := d.RollbackConfig; rb.Set || rb.Parallelism != 1 || rb.FailureAction != "pause" || rb.Order != "stop-first" {
		t.Errorf("rollback_config defaults = %+v", rb)
	}
	if h := s.Healthcheck; h == nil || !reflect.DeepEqual(h.Test, []string{"CMD", "pg_isready"}) || h.Interval != "30s" || h.Retries != 5 || h.Timeout != "" {
		t.Errorf("healthcheck = %+v", h)
	}
	if len(s.Secrets) != 2 || s.Secrets[0].Source != "db_password" || s.Secrets[0].Mode != 0o444 ||
		s.Secrets[1].Target != "/run/cert.pem" || s.Secrets[1].Mode != 0o400 {
		t.Errorf("secrets = %+v", s.Secrets)
	}
	if len(s.Mounts) != 1 || s.Mounts[0].Type != "bind" || s.Mounts[0].Source != "/var/run/docker.sock" || !s.Mounts[0].ReadOnly {
		t.Errorf("mounts = %+v", s.Mounts)
	}
	if s.Logging == nil || s.Logging.Driver != "json-file" || s.Logging.Options["max-size"] != "10m" {
		t.Errorf("logging = %+v", s.Logging)
	}
}

// TestRestartMapsToPolicy: without deploy.restart_policy, docker stack
// deploy maps the service's restart key.
func TestRestartMapsToPolicy(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "stack.yml", "services:\n  a:\n    image: x\n    restart: on-failure:4\n  b:\n    image: x\n")
	a, err := Load(context.Background(), Options{Stacks: []StackInput{{Name: "s", Files: []string{file}}}})
	if err != nil {
		t.Fatal(err)
	}
	if rp := a.Model.Services["s_a"].Deploy.RestartPolicy; !rp.Set || rp.Condition != "on-failure" || rp.MaxAttempts != 4 {
		t.Errorf("restart: on-failure:4 gave %+v", rp)
	}
	if rp := a.Model.Services["s_b"].Deploy.RestartPolicy; rp.Set || rp.Condition != "any" {
		t.Errorf("no restart policy gave %+v", rp)
	}
}

// TestScriptSettings: docker service create flags fill the same settings,
// pointing at the flags, also through stack-style sub-paths.
func TestScriptSettings(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "boot.sh", "#!/bin/sh\n"+
		"docker service create --name db --label tier=db --container-label a=b \\\n"+
		"  --constraint node.role==manager --limit-memory 1g --restart-condition none \\\n"+
		"  --secret source=pw,target=/run/pw,mode=0400 --health-cmd 'pg_isready' --health-retries 2 postgres:16\n")
	a := loadScripts(t, Options{Scripts: []string{script}})
	s := a.Model.Services["db"]
	if s == nil {
		t.Fatal("no service db")
	}
	if s.Deploy.Labels["tier"] != "db" || s.Labels["a"] != "b" {
		t.Errorf("labels %v %v", s.Deploy.Labels, s.Labels)
	}
	if c := s.Deploy.Placement.Constraints; len(c) != 1 || c[0].Key != "node.role" || c[0].Value != "manager" {
		t.Errorf("constraints %+v", c)
	}
	if s.Deploy.Resources.Limits.MemoryBytes != 1<<30 || s.Deploy.RestartPolicy.Condition != "none" {
		t.Errorf("limits %+v restart %+v", s.Deploy.Resources.Limits, s.Deploy.RestartPolicy)
	}
	if len(s.Secrets) != 1 || s.Secrets[0].Source != "pw" || s.Secrets[0].Mode != 0o400 {
		t.Errorf("secrets %+v", s.Secrets)
	}
	if h := s.Healthcheck; h == nil || !reflect.DeepEqual(h.Test, []string{"CMD-SHELL", "pg_isready"}) || h.Retries != 2 {
		t.Errorf("healthcheck %+v", h)
	}
	if s.InvalidPorts == nil || s.DuplicatePorts == nil {
		t.Error("a script service has null port arrays")
	}
	r, ok := a.Locate(s.Ref, []any{"deploy", "labels", "tier"})
	if !ok || r.StartLine != 2 || r.StartCol != 33 {
		t.Errorf("sub-path deploy.labels.tier located at %+v, want the --label flag at 2:33", r)
	}
	if r, ok := a.Locate(s.Deploy.LabelRefs["tier"], nil); !ok || r.StartLine != 2 || r.StartCol != 33 {
		t.Errorf("label ref located at %+v", r)
	}
}

// TestInventorySettings: a --cluster service's spec fills the settings,
// and refs index the file's array even when networks come first.
func TestInventorySettings(t *testing.T) {
	dir := t.TempDir()
	inv := writeFile(t, dir, "cluster.json", `[
  {"Name": "bridge", "Id": "b1", "Scope": "local", "Driver": "bridge", "IPAM": {"Config": []}},
  {"ID": "s1", "Spec": {"Name": "db", "Labels": {"tier": "db"},
    "TaskTemplate": {"ContainerSpec": {"Image": "postgres", "Labels": {"a": "b"},
        "Healthcheck": {"Test": ["NONE"]}, "Secrets": [{"File": {"Name": "pw", "Mode": 256}, "SecretName": "db_pw"}]},
      "Placement": {"Constraints": ["node.role==manager"]},
      "Resources": {"Limits": {"NanoCPUs": 500000000}},
      "RestartPolicy": {"Condition": "on-failure", "Delay": 10000000000}},
    "UpdateConfig": {"Parallelism": 3, "Order": "start-first"}}}
]`)
	a, err := Load(context.Background(), Options{Inventory: []string{inv}})
	if err != nil {
		t.Fatal(err)
	}
	s := a.Model.Services["db"]
	if s == nil {
		t.Fatal("no service db")
	}
	if s.Deploy.Labels["tier"] != "db" || s.Labels["a"] != "b" {
		t.Errorf("labels %v %v", s.Deploy.Labels, s.Labels)
	}
	if s.InvalidPorts == nil || s.DuplicatePorts == nil {
		t.Error("a --cluster service has null port arrays")
	}
	if s.Healthcheck == nil || !s.Healthcheck.Disable || len(s.Secrets) != 1 || s.Secrets[0].Source != "db_pw" || s.Secrets[0].Mode != 0o400 {
		t.Errorf("healthcheck %+v secrets %+v", s.Healthcheck, s.Secrets)
	}
	if s.Deploy.Resources.Limits.CPUs != 0.5 || s.Deploy.RestartPolicy.Delay != "10s" || s.UpdateParallelism != 3 || s.Deploy.UpdateConfig.Order != "start-first" {
		t.Errorf("deploy %+v", s.Deploy)
	}
	if r, ok := a.Locate(s.Ref, nil); !ok || r.StartLine != 3 {
		t.Errorf("service located at %+v, want line 3 (the second array item)", r)
	}
	if r, ok := a.Locate(s.Deploy.LabelRefs["tier"], nil); !ok || r.StartLine != 3 {
		t.Errorf("label located at %+v", r)
	}
}
