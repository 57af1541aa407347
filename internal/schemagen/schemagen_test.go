package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/lint/linttest"
	"github.com/swarmlint/swarmlint/rules"
)

const root = "../.."

// TestDocsUpToDate is the drift test: docs/input.schema.json and the
// generated part of docs/model.md must match the Go model types.
func TestDocsUpToDate(t *testing.T) {
	files, err := Generate(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{SchemaFile, ModelDoc} {
		old, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(old, files[name]) {
			t.Errorf("%s does not match the Go model types (analyzer.Model); run: go run ./internal/schemagen", name)
		}
	}
}

// TestEveryFieldDocumented: the model is a public contract, so every field
// has a description, from its Go doc comment or fielddocs.go.
func TestEveryFieldDocumented(t *testing.T) {
	s, err := buildSchema(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range s.Undocumented() {
		t.Errorf("analyzer field %s has no description: add a doc comment to it in the Go source", f)
	}
	fields := s.Fields()
	for key := range fallbackDocs {
		if !slices.Contains(fields, key) {
			t.Errorf("fielddocs.go describes %s, which is not in the model any more; delete the entry", key)
		}
	}
}

// TestSchemaIsValid compiles the schema against its meta-schema.
func TestSchemaIsValid(t *testing.T) {
	compileSchema(t)
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, SchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("%s does not compile: %v", SchemaFile, err)
	}
	return sch
}

// TestFixtureModelsMatchSchema builds the model of every fixture exactly as
// the golden test lints it — every fixture form: a stack file, a multi-file
// folder, a <name>.swarm folder, a bootstrap script, a daemon*.json, each
// with its folder's swarm-init.txt — and validates its JSON, as `swarmlint
// inspect` prints it and Rego receives it, against docs/input.schema.json.
func TestFixtureModelsMatchSchema(t *testing.T) {
	sch := compileSchema(t)
	ctx := context.Background()
	eng := engine(t)
	dirs, err := os.ReadDir(filepath.Join(root, "fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		rule, _ := linttest.RuleID(d.Name())
		fixtures, err := linttest.Fixtures(filepath.Join(root, "fixtures", d.Name()), rule)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fixtures {
			kinds[f.Kind]++
			t.Run(d.Name()+"/"+f.Name, func(t *testing.T) {
				cfg, _, _, err := f.Config()
				if err != nil {
					t.Fatal(err)
				}
				validateModel(t, ctx, sch, eng, cfg)
			})
		}
	}
	for _, k := range []string{linttest.KindStack, linttest.KindMulti, linttest.KindScript, linttest.KindDaemon, linttest.KindSwarm} {
		if kinds[k] == 0 {
			t.Errorf("no fixture of kind %s was validated", k)
		}
	}
}

// TestCorpusModelsMatchSchema validates the model of every real-world stack
// file of the shared corpus (kept outside the repository, next to it).
func TestCorpusModelsMatchSchema(t *testing.T) {
	dir := corpusDir()
	if dir == "" {
		t.Skip("../shared/corpus (real-world stack files, kept outside the repository) not found next to the repository")
	}
	sch := compileSchema(t)
	ctx := context.Background()
	eng := engine(t)
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			return err
		}
		n++
		rel, _ := filepath.Rel(dir, p)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			validateModel(t, ctx, sch, eng, lint.Config{Stacks: []analyzer.StackInput{{Name: "corpus", Files: []string{p}}}, Env: map[string]string{}})
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no stack file in %s", dir)
	}
}

// clusterNetworks and clusterServices are `docker network inspect` and
// `docker service inspect` output: a swarm with a stack "infra" whose
// services carry every setting a service spec can (labels, placement,
// resources, update and rollback config, healthcheck, configs, secrets,
// mounts, ports, aliases), a service with nothing but its name, and a
// network without a subnet.
const clusterNetworks = `[
 {"Name": "ingress", "Id": "ing1", "Scope": "swarm", "Driver": "overlay", "Ingress": true,
  "IPAM": {"Driver": "default", "Config": [{"Subnet": "10.0.0.0/24", "Gateway": "10.0.0.1"}]}},
 {"Name": "infra_back", "Id": "net1", "Scope": "swarm", "Driver": "overlay", "Attachable": true,
  "IPAM": {"Driver": "default", "Config": [{"Subnet": "10.99.0.0/24"}]},
  "Options": {"encrypted": "", "com.docker.network.driver.overlay.vxlanid_list": "4097"},
  "Labels": {"com.docker.stack.namespace": "infra", "team": "ops"}},
 {"Name": "bare", "Id": "net2", "Scope": "swarm", "Driver": "overlay", "IPAM": {"Driver": "default", "Config": []}},
 {"Name": "bridge", "Id": "b1", "Scope": "local", "Driver": "bridge", "IPAM": {"Config": [{"Subnet": "172.17.0.0/16"}]}}
]`

const clusterServices = `[
 {"ID": "s1", "Spec": {"Name": "infra_db", "Labels": {"com.docker.stack.namespace": "infra", "tier": "db"},
  "Mode": {"Replicated": {"Replicas": 2}},
  "TaskTemplate": {
   "ContainerSpec": {"Image": "postgres:16", "Labels": {"a": "b"}, "Hostname": "db",
    "Healthcheck": {"Test": ["CMD", "pg_isready"], "Interval": 5000000000, "Retries": 3},
    "Secrets": [{"File": {"Name": "pw", "UID": "0", "GID": "0", "Mode": 256}, "SecretID": "x1", "SecretName": "db_pw"}],
    "Configs": [{"File": {"Name": "/etc/pg.conf", "Mode": 292}, "ConfigID": "c1", "ConfigName": "pg_conf"}],
    "Mounts": [{"Type": "volume", "Source": "data", "Target": "/var/lib/postgresql/data"}]},
   "Placement": {"Constraints": ["node.role==manager", "node.labels.disk != hdd"], "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}], "MaxReplicas": 1},
   "Resources": {"Limits": {"NanoCPUs": 500000000, "MemoryBytes": 536870912}, "Reservations": {"MemoryBytes": 268435456}},
   "RestartPolicy": {"Condition": "on-failure", "Delay": 10000000000, "MaxAttempts": 3},
   "LogDriver": {"Name": "json-file", "Options": {"max-size": "10m"}},
   "Networks": [{"Target": "net1", "Aliases": ["database"]}, {"Target": "ing1"}]},
  "UpdateConfig": {"Parallelism": 1, "Order": "start-first", "FailureAction": "rollback"},
  "RollbackConfig": {"Parallelism": 2},
  "EndpointSpec": {"Mode": "vip", "Ports": [{"Protocol": "tcp", "TargetPort": 5432, "PublishedPort": 15432, "PublishMode": "ingress"},
   {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 53, "PublishMode": "host"}]}},
  "Endpoint": {"VirtualIPs": [{"NetworkID": "net1", "Addr": "10.99.0.2/24"}]}},
 {"ID": "s2", "Spec": {"Name": "lonely"}},
 {"ID": "s3", "Spec": {"Name": "infra_agent", "Labels": {"com.docker.stack.namespace": "infra"}, "Mode": {"Global": {}},
  "TaskTemplate": {"ContainerSpec": {"Image": "agent"}, "Networks": [{"Target": "net2"}]},
  "EndpointSpec": {"Mode": "dnsrr"}}}
]`

// TestInventoryModelsMatchSchema validates the model of --cluster inventory
// (services and networks from docker inspect) and of --live (the same
// objects, read over the Engine API), alone and beside a stack and a script.
func TestInventoryModelsMatchSchema(t *testing.T) {
	sch := compileSchema(t)
	ctx := context.Background()
	eng := engine(t)
	dir := t.TempDir()
	inv := filepath.Join(dir, "cluster.json")
	var objs []json.RawMessage
	for _, doc := range []string{clusterNetworks, clusterServices} {
		var part []json.RawMessage
		if err := json.Unmarshal([]byte(doc), &part); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, part...)
	}
	b, err := json.Marshal(objs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inv, b, 0o644); err != nil {
		t.Fatal(err)
	}
	stack := filepath.Join(dir, "shop.yml")
	if err := os.WriteFile(stack, []byte("services:\n  web:\n    image: nginx:1.25\n    ports: [\"8080:80\"]\n    networks: [back]\nnetworks:\n  back:\n    external: true\n    name: infra_back\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "init.sh")
	if err := os.WriteFile(script, []byte("docker swarm init --default-addr-pool 10.20.0.0/16\ndocker service create --name tool --label tier=db -p 9000:9000 alpine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	live := func() *analyzer.LiveSwarm {
		return &analyzer.LiveSwarm{Engine: "unix:///var/run/docker.sock", DefaultAddrPools: []string{"10.0.0.0/8"}, SubnetSize: 24, DataPathPort: 4789,
			Nodes:    []analyzer.Node{{ID: "n1", Hostname: "m1", Role: "manager", Availability: "active", State: "ready", Addr: "127.0.0.1", Labels: map[string]string{}}},
			Networks: json.RawMessage(clusterNetworks), Services: json.RawMessage(clusterServices),
			Tasks: map[string]int{"s1": 2}, Attached: map[string]int{"net1": 1}}
	}
	for name, cfg := range map[string]lint.Config{
		"cluster":              {Inventory: []string{inv}},
		"cluster+stack+script": {Inventory: []string{inv}, Stacks: []analyzer.StackInput{{Name: "shop", Files: []string{stack}}}, Scripts: []string{script}},
		"cluster testdata":     {Inventory: []string{filepath.Join(root, "analyzer", "testdata", "inventory-networks.json"), filepath.Join(root, "analyzer", "testdata", "inventory-redeploy.json")}},
		"live":                 {Live: live()},
		"live+stack":           {Live: live(), Stacks: []analyzer.StackInput{{Name: "shop", Files: []string{stack}}}},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.Env = map[string]string{}
			m := validateModel(t, ctx, sch, eng, cfg)
			if len(m.Networks) == 0 {
				t.Fatal("no networks in the model")
			}
		})
	}
}

// validateModel lints cfg, validates its model's JSON against the schema
// and returns the model.
func validateModel(t *testing.T, ctx context.Context, sch *jsonschema.Schema, eng *rules.Engine, cfg lint.Config) *analyzer.Model {
	t.Helper()
	_, a, err := lint.RunWith(ctx, eng, cfg)
	if err != nil {
		t.Fatalf("lint failed: %v", err)
	}
	b, err := a.Model.JSON()
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("the model does not match %s:\n%v", SchemaFile, err)
	}
	return a.Model
}

func engine(t *testing.T) *rules.Engine {
	t.Helper()
	eng, err := rules.New(context.Background(), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// corpusDir finds ../shared/corpus next to the repository, or returns "".
func corpusDir() string {
	dir, _ := filepath.Abs(root)
	for range 4 {
		c := filepath.Join(dir, "..", "shared", "corpus")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

// TestSchemaRejectsDrift makes sure the validation has teeth: a valid
// model with an unknown field, a null array or a wrong type is refused.
func TestSchemaRejectsDrift(t *testing.T) {
	sch := compileSchema(t)
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "fixtures", "SWL101-dnsrr-with-ingress-port", "bad.yml")
	_, a, err := lint.RunWith(ctx, eng, lint.Config{Stacks: []analyzer.StackInput{{Files: []string{file}}}, Env: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(a.Model)
	if err != nil {
		t.Fatal(err)
	}
	validate := func(doc string) error {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		return sch.Validate(inst)
	}
	if err := validate(string(b)); err != nil {
		t.Fatalf("the base model is invalid: %v", err)
	}
	for name, edit := range map[string]func(m map[string]any){
		"unknown field": func(m map[string]any) { m["surprise"] = 1 },
		"wrong version": func(m map[string]any) { m["schema_version"] = 99 },
		"null object":   func(m map[string]any) { m["services"] = nil },
		"string as int": func(m map[string]any) { m["swarm"].(map[string]any)["node_count"] = "3" },
		"missing field": func(m map[string]any) { delete(m, "networks") },
	} {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		bad, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if validate(string(bad)) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
