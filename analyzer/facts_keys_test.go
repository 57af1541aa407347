package analyzer

import (
	"fmt"
	"strings"
	"testing"
)

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

// TestKeyClass: the classification table, one row per section.
func TestKeyClass(t *testing.T) {
	for _, c := range []struct{ path, pattern, class string }{
		{"build", "build", "compose-only"},
		{"x-common", "x-common", ""},
		{"secrets", "secrets", ""},
		{"services.api.extends", "services.*.extends", "forbidden"},
		{"services.api.links", "services.*.links", "unsupported"},
		{"services.api.container_name", "services.*.container_name", "deprecated"},
		{"services.api.env_file", "services.*.env_file", ""},
		{"services.api.profiles", "services.*.profiles", "compose-only"},
		{"services.api.x-meta", "services.*.x-meta", ""},
		{"services.api.depends_on.db.condition", "services.*.depends_on.*.condition", "compose-only"},
		{"services.api.networks.back.ipv4_address", "services.*.networks.*.ipv4_address", "ignored"},
		{"services.api.networks.back.driver_opts", "services.*.networks.*.driver_opts", ""},
		{"services.api.networks.back.priority", "services.*.networks.*.priority", "compose-only"},
		{"services.api.ports.0.host_ip", "services.*.ports.*.host_ip", "compose-only"},
		{"services.api.ports.0.x-note", "services.*.ports.*.x-note", "compose-only"},
		{"services.api.ports.0.target", "services.*.ports.*.target", ""},
		{"networks.back.enable_ipv6", "networks.*.enable_ipv6", "not-deployable"},
		{"networks.back.ipam.options", "networks.*.ipam.options", "not-deployable"},
		{"networks.back.ipam.config.0.gateway", "networks.*.ipam.config.*.gateway", "not-deployable"},
		{"networks.back.ipam.config.0.subnet", "networks.*.ipam.config.*.subnet", ""},
		{"services.api.deploy.mode", "", ""},
	} {
		pattern, class := keyClass(strings.Split(c.path, "."))
		if class != c.class || (class != "" && pattern != c.pattern) {
			t.Errorf("keyClass(%s) = %q %q, want %q %q", c.path, pattern, class, c.pattern, c.class)
		}
	}
	if p, need, ok := sinceVersion(strings.Split("services.api.ports.3", ".")); !ok || p != "services.*.ports.*" || need != 2 {
		t.Errorf("sinceVersion(port item) = %q %d %v", p, need, ok)
	}
}

// TestKeysThroughAliases: a mapping used through an alias counts where it
// is used (YAML resolves the alias before docker/cli validates the file),
// like a `<<` merge: the keys of an aliased network entry and of an aliased
// service are classified under their own paths, once each.
func TestKeysThroughAliases(t *testing.T) {
	a := loadFiles(t, nil, [2]string{"stack.yml", `version: "3.0"
x-net: &net
  driver: overlay
  attachable: true
  enable_ipv6: true
x-svc: &svc
  image: nginx:1.27
  build: .
services:
  a: *svc
  b: {image: nginx:1.27, networks: [n1]}
networks:
  n1: *net
`})
	got := map[string]int{}
	for _, k := range a.Model.Keys {
		got[fmt.Sprint(k.Ref.Path...)+" "+k.Class]++
	}
	for _, want := range []string{"networksn1enable_ipv6 not-deployable", "networksn1attachable needs-version", "servicesabuild unsupported"} {
		if got[want] != 1 {
			t.Errorf("%s: %d times, want once (keys %v)", want, got[want], got)
		}
	}
}
