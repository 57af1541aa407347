package analyzer

import (
	"encoding/json"
	"os"
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
	cfg, err := ParseConfig("cfg/.swarmlint.yaml", []byte(good))
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
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want prefix %q", tc.src, err, tc.want)
		}
	}
}

// TestConfigSchemaCoversConfig keeps docs/config.schema.json in step with the
// Config type: every yaml key is a schema property and vice versa.
func TestConfigSchemaCoversConfig(t *testing.T) {
	b, err := os.ReadFile("../docs/config.schema.json")
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
