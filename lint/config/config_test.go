package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	good := `rules:
  disable: [SWL205]
  severity: {SWL213: error}
swarm:
  default_addr_pools: [10.20.0.0/16]
  default_addr_pool_mask_length: 26
cluster:
  nodes: 5
  host_networks: [192.168.0.0/16]
stacks:
  - name: shop
    files: [base.yml, prod.yml]
ignore:
  - rule: SWL104
    path: stacks/*.yml
    reason: the database port is firewalled at the edge
    expires: 2027-01-31
`
	cfg, err := Parse("cfg/.swarmlint.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Cluster.Nodes != 5 || cfg.Swarm.MaskLength != 26 || cfg.Stacks[0].Files[1] != "cfg/prod.yml" {
		t.Fatalf("parsed %+v", cfg)
	}
	ig := cfg.Ignore[0]
	if !ig.Matches("SWL104", "stacks/a.yml") || ig.Matches("SWL104", "other/a.yml") || ig.Matches("SWL101", "stacks/a.yml") {
		t.Error("ignore matching is wrong")
	}
	if !ig.Active(time.Date(2027, 1, 31, 23, 0, 0, 0, time.UTC)) || ig.Active(time.Date(2027, 2, 1, 0, 0, 1, 0, time.UTC)) {
		t.Error("expiry is wrong")
	}
	for _, tc := range []struct{ src, want string }{
		{"cluster:\n  nodes: 3\n  bogus: 1\n", `c.yaml:3:3: invalid configuration: unknown key "bogus" in cluster`},
		{"bogus: 1\n", `c.yaml:1:1: invalid configuration: unknown key "bogus" in the top level`},
		{"ignore:\n  - rule: SWL101\n", "c.yaml:2:5: invalid configuration: ignore entry for SWL101 needs a reason"},
		{"ignore:\n  - rule: SWL101\n    reason: r\n    expires: soon\n", `c.yaml:4:5: invalid configuration: expires "soon": want YYYY-MM-DD`},
		{"rules:\n  severity:\n    SWL101: fatal\n", `c.yaml:3:5: invalid configuration: severity of SWL101 must be error, warning or note, not "fatal"`},
		{"- a\n", "c.yaml:1:1: configuration must be a mapping"},
		{"cluster: {nodes: [1]}\n", "c.yaml:1"},
		// the ranges of docker swarm init
		{"swarm:\n  default_addr_pool_mask_length: 99\n", "c.yaml:2:34: invalid configuration: default_addr_pool_mask_length 99 is out of range"},
		{"swarm:\n  default_addr_pool_mask_length: -5\n", "c.yaml:2:34: invalid configuration: default_addr_pool_mask_length -5 is out of range"},
		{"swarm:\n  default_addr_pool_mask_length: 4\n", "c.yaml:2:34: invalid configuration: default_addr_pool_mask_length 4 is shorter than the pool 10.0.0.0/8"},
		{"swarm:\n  data_path_port: 99999999\n", "c.yaml:2:19: invalid configuration: data_path_port 99999999 is out of range: Docker accepts 1024 to 49151"},
		{"cluster:\n  underlay_mtu: -1\n", "c.yaml:2:17: invalid configuration: underlay_mtu: -1 is not an MTU"},
		{"cluster:\n  underlay_mtu: 0\n", "c.yaml:2:17: invalid configuration: underlay_mtu: 0 is not an MTU"},
		{"cluster:\n  nodes: 0\n", "c.yaml:2:10: invalid configuration: nodes: 0 is not a number of nodes: want 1 to 100000"},
		{"cluster:\n  nodes: 9223372036854775807\n", "c.yaml:2:10: invalid configuration: nodes: 9223372036854775807 is not a number of nodes"},
		{"swarms:\n  - name: a\n    cluster: {nodes: 0}\n    stacks: [{files: [s.yml]}]\n", "c.yaml:3:22: invalid configuration: nodes: 0 is not"},
		// one document, numbers JSON can hold, bounded expansion
		{"rules: {}\n---\ncluster: {nodes: 3}\n", "c.yaml:3:1: invalid configuration: a second YAML document"},
		{"params:\n  x: .inf\n", "c.yaml:2:6: invalid configuration: .inf is not a number a parameter can hold"},
		{"x-a: &a \"" + strings.Repeat("a", 100_000) + "\"\nparams:\n  l: [" + strings.TrimSuffix(strings.Repeat("*a,", 50), ",") + "]\n", "c.yaml:1:1: invalid configuration: its aliases expand to more than 4 MiB"},
		// paths stay in the repository
		{"stacks:\n  - name: s\n    files: [/etc/passwd]\n", `c.yaml:3:13: invalid configuration: stacks: "/etc/passwd" is outside the repository`},
		{"policies: [../../../../../../../../../../tmp]\n", `c.yaml:1:12: invalid configuration: policies: "../../../../../../../../../../tmp" is outside the repository`},
		{"scripts: [/bin/sh]\n", `c.yaml:1:11: invalid configuration: scripts: "/bin/sh" is outside`},
		{"daemon_json: /etc/docker/daemon.json\n", `c.yaml:1:14: invalid configuration: daemon_json: "/etc/docker/daemon.json" is outside`},
		{"cluster:\n  inventory: [/etc/hostname]\n", `c.yaml:2:15: invalid configuration: inventory: "/etc/hostname" is outside`},
	} {
		_, err := Parse("c.yaml", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want prefix %q", tc.src, err, tc.want)
		}
	}
}

// TestParseConfigEmpty: a configuration of only comments (or nothing, or a
// lone ---) is an empty configuration, not an error.
func TestParseConfigEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing yet\n# really\n", "---\n", "--- # c\n...\n"} {
		cfg, err := Parse("c.yaml", []byte(src))
		if err != nil || len(cfg.Stacks) != 0 || cfg.Rules.Enable != nil {
			t.Errorf("%q: %+v, %v", src, cfg, err)
		}
	}
}

// TestConfigSchemaCoversConfig keeps docs/config.schema.json in step with the
// Config type: every yaml key is a schema property and vice versa.
func TestConfigSchemaCoversConfig(t *testing.T) {
	b, err := os.ReadFile("../../docs/config.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	var check func(typ reflect.Type, node map[string]any, where string)
	check = func(typ reflect.Type, node map[string]any, where string) {
		props, _ := node["properties"].(map[string]any)
		seen := map[string]bool{}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			seen[tag] = true
			p, ok := props[tag].(map[string]any)
			if !ok {
				t.Errorf("%s.%s is missing from docs/config.schema.json", where, tag)
				continue
			}
			ft := f.Type
			if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
				items, _ := p["items"].(map[string]any)
				check(ft.Elem(), items, where+"."+tag+"[]")
			} else if ft.Kind() == reflect.Struct {
				check(ft, p, where+"."+tag)
			}
		}
		for k := range props {
			if !seen[k] {
				t.Errorf("docs/config.schema.json has %s.%s, which the Config type lacks", where, k)
			}
		}
	}
	check(reflect.TypeOf(Config{}), schema, "config")
}

// TestConfigSchemaSwarmsConstraints: a swarms: entry's swarm: and cluster:
// keys accept exactly what the top-level ones accept (ranges, patterns):
// only the descriptions may differ.
func TestConfigSchemaSwarmsConstraints(t *testing.T) {
	b, err := os.ReadFile("../../docs/config.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]struct {
			Properties map[string]map[string]any `json:"properties"`
			Items      struct {
				Properties map[string]struct {
					Properties map[string]map[string]any `json:"properties"`
				} `json:"properties"`
			} `json:"items"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	entry := schema.Properties["swarms"].Items.Properties
	for _, group := range []string{"swarm", "cluster"} {
		top, inner := schema.Properties[group].Properties, entry[group].Properties
		if len(top) == 0 || len(inner) == 0 {
			t.Fatalf("%s: no properties at the top level (%d) or in swarms[] (%d)", group, len(top), len(inner))
		}
		for key, want := range top {
			got := inner[key]
			for k, v := range want {
				if k == "description" {
					continue
				}
				if !reflect.DeepEqual(got[k], v) {
					t.Errorf("swarms[].%s.%s: %s is %v, the top-level %s.%s has %v", group, key, k, got[k], group, key, v)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("swarms[].%s.%s has %s, the top-level one does not", group, key, k)
				}
			}
		}
	}
}

// TestFindStopsAtTheRepository: the search goes up to the directory
// holding .git and no further; outside a repository it looks in the
// starting directory alone (issue #19: a parent's ignore: [{rule: SWL*}]
// silenced a checkout without .git).
func TestFindStopsAtTheRepository(t *testing.T) {
	base := t.TempDir()
	write := func(p string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("rules: {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(base, FileName)) // above everything: never found
	write(filepath.Join(base, "repo", ".git", "HEAD"))
	sub := filepath.Join(base, "repo", "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(base, "plain", "sub")
	if err := os.MkdirAll(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(base, "plain", FileName))
	for _, c := range []struct{ dir, want string }{
		{sub, ""},   // repository without configuration: not the one above it
		{plain, ""}, // no repository: the working directory alone
		{filepath.Join(base, "plain"), filepath.Join(base, "plain", FileName)},
	} {
		if got, skipped := Find(c.dir); got != c.want || skipped != "" {
			t.Errorf("Find(%s) = %q, %q; want %q", c.dir, got, skipped, c.want)
		}
	}
	write(filepath.Join(base, "repo", FileName))
	if got, _ := Find(sub); got != filepath.Join(base, "repo", FileName) {
		t.Errorf("Find(%s) = %q, want the repository's configuration", sub, got)
	}
}
