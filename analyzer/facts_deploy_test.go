package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// loadFiles writes the files to a temp dir and loads them as one stack.
func loadFiles(t *testing.T, env map[string]string, files ...[2]string) *Analysis {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f[0])
		if err := os.WriteFile(p, []byte(f[1]), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	a, err := Load(context.Background(), Options{Stacks: []StackInput{{Name: "ledger", Files: paths}}, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

const deployBase = `version: "3.8"
services:
  api:
    image: ghcr.io/acme/ledger-api:1.4.0
    networks: [backend, edge]
networks:
  backend:
    driver: overlay
    attachable: true
    driver_opts:
      encrypted: "true"
      com.docker.network.driver.mtu: "1400"
    ipam:
      config:
        - subnet: 10.80.0.0/24
  edge:
    driver_opts:
      encrypted: ""
`

// TestDeployReplacements: a later file's entry for a network replaces the
// earlier entry whole under docker stack deploy; the fact lists what is lost.
func TestDeployReplacements(t *testing.T) {
	a := loadFiles(t, nil,
		[2]string{"base.yml", deployBase},
		[2]string{"prod.yml", "version: \"3.8\"\nnetworks:\n  backend:\n    labels:\n      env: prod\n    driver_opts:\n      encrypted: \"true\"\n"})
	n := a.Model.Networks["ledger_backend"]
	if n == nil || len(n.Replaced) != 1 {
		t.Fatalf("backend = %+v", n)
	}
	r := n.Replaced[0]
	want := []string{"attachable", "driver_opts.com.docker.network.driver.mtu", "ipam"}
	if !reflect.DeepEqual(r.Dropped, want) || filepath.Base(r.File) != "prod.yml" || len(r.Earlier) != 1 || filepath.Base(r.Earlier[0]) != "base.yml" {
		t.Fatalf("replacement = %+v, want dropped %v", r, want)
	}
	reg, ok := a.Locate(r.Ref, nil)
	if !ok || filepath.Base(reg.File) != "prod.yml" || reg.StartLine != 3 {
		t.Fatalf("located at %+v", reg)
	}
	if e := a.Model.Networks["ledger_edge"]; e == nil || len(e.Replaced) != 0 {
		t.Fatalf("edge is declared once but has replacements: %+v", e)
	}
}

// TestDeployFileVersions: docker stack deploy reads a missing version as
// 3.13 and needs every file at the same version.
func TestDeployFileVersions(t *testing.T) {
	a := loadFiles(t, nil,
		[2]string{"base.yml", deployBase},
		[2]string{"prod.yml", "services:\n  api:\n    deploy:\n      replicas: 2\n"})
	fvs := a.Model.Stacks["ledger"].FileVersions
	if len(fvs) != 2 || fvs[0].Effective != "3.8" || fvs[1].Version != "" || fvs[1].Effective != "3.13" || !fvs[1].Supported {
		t.Fatalf("file versions = %+v", fvs)
	}
	if fvs[1].Ref.File == "" || fvs[1].Ref.Path[0] != "version" {
		t.Fatalf("ref = %+v", fvs[1].Ref)
	}
}

func keyClasses(m *Model) map[string]string {
	out := map[string]string{}
	for _, k := range m.Keys {
		out[k.Key] = k.Class
	}
	return out
}

// TestDeployKeys: the v3 schema decides; keys newer than the file's version
// are flagged with the version they need.
func TestDeployKeys(t *testing.T) {
	a := loadFiles(t, nil, [2]string{"stack.yml", `version: "3.1"
services:
  web:
    image: nginx:1.27
    env_file: web.env
    platform: linux/amd64
    configs: [site]
    ports:
      - target: 80
        published: 8080
        app_protocol: http
    networks:
      front:
        driver_opts:
          com.docker.network.endpoint.ifname: eth5
        link_local_ips: [169.254.1.1]
networks:
  front:
    attachable: true
    external: true
    driver: overlay
configs:
  site:
    file: ./site.conf
`})
	got := keyClasses(a.Model)
	want := map[string]string{
		"services.*.platform":                  "compose-only",
		"services.*.configs":                   "needs-version",
		"services.*.ports.*":                   "needs-version",
		"services.*.ports.*.app_protocol":      "compose-only",
		"services.*.networks.*.driver_opts":    "needs-version",
		"services.*.networks.*.link_local_ips": "compose-only",
		"networks.*.attachable":                "external-ignored",
		"networks.*.driver":                    "external-ignored",
		"configs":                              "needs-version",
	}
	for k, c := range want {
		if got[k] != c {
			t.Errorf("%s: class %q, want %q", k, got[k], c)
		}
	}
	if c, ok := got["services.*.env_file"]; ok {
		t.Errorf("env_file is a v3 key but has class %q", c)
	}
	for _, k := range a.Model.Keys {
		if k.Key == "services.*.configs" && (k.NeedsVersion != "3.3" || k.FileVersion != "3.1") {
			t.Errorf("configs: %+v", k)
		}
	}
}

// TestDeployVariables: operators, docker's field names, and whether the
// value docker/cli casts to a number survives interpolation.
func TestDeployVariables(t *testing.T) {
	a := loadFiles(t, map[string]string{"REPLICAS": "3"}, [2]string{"stack.yml", `version: "3.8"
services:
  web:
    image: nginx:${TAG:+1.27}
    ports:
      - target: 80
        published: ${PORT}
    deploy:
      replicas: ${REPLICAS}
    environment:
      URL: http://api:${API_PORT-8080}
`})
	byName := map[string]Variable{}
	for _, v := range a.Model.Variables {
		byName[v.Name] = v
	}
	cases := []struct {
		name, op, field, cast string
		fails                 bool
	}{
		{"TAG", ":+", "services.web.image", "", false},
		{"PORT", "", "services.web.ports.[].published", "int", true},
		{"REPLICAS", "", "services.web.deploy.replicas", "int", false},
		{"API_PORT", "-", "services.web.environment.URL", "", false},
	}
	for _, c := range cases {
		v, ok := byName[c.name]
		if !ok || v.Operator != c.op || v.Field != c.field || v.Cast != c.cast || v.CastFails != c.fails {
			t.Errorf("%s = %+v, want op %q field %q cast %q fails %v", c.name, v, c.op, c.field, c.cast, c.fails)
		}
	}
}

// TestDeployNameCollisions: names equal ignoring case collide; an unused
// network is never created and collides with nothing.
func TestDeployNameCollisions(t *testing.T) {
	a := loadFiles(t, nil, [2]string{"stack.yml", `version: "3.8"
services:
  Api:
    image: nginx:1.27
    networks: [Front, front, shared-a, shared-b]
  api:
    image: nginx:1.27
networks:
  Front: {}
  front: {}
  FRONT: {}
  shared-a:
    name: shared
  shared-b:
    name: shared
`})
	var got []NameCollision
	got = append(got, a.Model.Indexes.NameCollisions...)
	want := []NameCollision{
		{Kind: "network", A: "ledger_Front", B: "ledger_front", NameA: "ledger_Front", NameB: "ledger_front", SameStack: true},
		{Kind: "network", A: "shared", B: "shared#2", NameA: "shared", NameB: "shared", Exact: true, SameStack: true},
		{Kind: "service", A: "ledger_Api", B: "ledger_api", NameA: "ledger_Api", NameB: "ledger_api", SameStack: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("collisions =\n%+v\nwant\n%+v", got, want)
	}
}

// TestDeployKeysThroughMergeKeys: a key a service gets from a `<<` merge
// key is classified like one written in the service.
func TestDeployKeysThroughMergeKeys(t *testing.T) {
	a := loadFiles(t, nil, [2]string{"stack.yml", `version: "3.8"
x-defaults: &defaults
  restart: always
  profiles: [prod]
  image: nginx:1.27
services:
  web:
    <<: *defaults
`})
	got := map[string]string{}
	for _, k := range a.Model.Keys {
		if len(k.Ref.Path) == 3 && k.Ref.Path[1] == "web" {
			got[k.Key] = k.Class
		}
	}
	if got["services.*.restart"] != "unsupported" || got["services.*.profiles"] != "compose-only" {
		t.Fatalf("keys of web = %v", got)
	}
}

// TestDeployReplacementByExternal: a later file that makes the network
// external uses an existing network, so the earlier creation settings are
// not lost; only a dropped name would change which network is used.
func TestDeployReplacementByExternal(t *testing.T) {
	a := loadFiles(t, nil,
		[2]string{"base.yml", deployBase},
		[2]string{"local.yml", "version: \"3.8\"\nnetworks:\n  backend:\n    external: true\n    name: ledger-backend\n  edge:\n    external: true\n"})
	if n := stackNetwork(a, "ledger", "backend"); n == nil || len(n.Replaced) != 0 {
		t.Fatalf("backend made external = %+v, want no replacement", n)
	}
	named := `version: "3.8"
services:
  api:
    image: ghcr.io/acme/ledger-api:1.4.0
    networks: [backend]
networks:
  backend:
    name: ledger-backend
    attachable: true
`
	a = loadFiles(t, nil, [2]string{"base.yml", named}, [2]string{"local.yml", "version: \"3.8\"\nnetworks:\n  backend:\n    external: true\n"})
	if n := stackNetwork(a, "ledger", "backend"); n == nil || len(n.Replaced) != 1 || !reflect.DeepEqual(n.Replaced[0].Dropped, []string{"name"}) {
		t.Fatalf("backend = %+v, want only the name dropped", n)
	}
}

// stackNetwork finds a stack's network by its key, whatever name it gets.
func stackNetwork(a *Analysis, stack, key string) *Network {
	for _, n := range a.Model.Networks {
		if n.Stack == stack && n.Key == key {
			return n
		}
	}
	return nil
}

// TestDeployReplacementKeepsNamedDriver: a later entry that names a driver
// itself (the same one, or overlay instead of the base's) loses no driver;
// one that names none drops the base's non-default driver.
func TestDeployReplacementKeepsNamedDriver(t *testing.T) {
	base := "version: \"3.8\"\nservices:\n  api:\n    image: a\n    networks: [backend]\nnetworks:\n  backend:\n    driver: weave\n    labels:\n      team: ledger\n"
	for _, tc := range []struct {
		name, later string
		want        []string
	}{
		{"same driver", "version: \"3.8\"\nnetworks:\n  backend:\n    driver: weave\n", []string{"labels"}},
		{"overlay on purpose", "version: \"3.8\"\nnetworks:\n  backend:\n    driver: overlay\n    labels:\n      team: ledger\n", nil},
		{"no driver", "version: \"3.8\"\nnetworks:\n  backend:\n    labels:\n      team: ledger\n", []string{"driver"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := loadFiles(t, nil, [2]string{"base.yml", base}, [2]string{"prod.yml", tc.later})
			n := a.Model.Networks["ledger_backend"]
			var got []string
			for _, r := range n.Replaced {
				got = append(got, r.Dropped...)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("dropped %v, want %v", got, tc.want)
			}
		})
	}
}
