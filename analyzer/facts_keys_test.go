package analyzer

import (
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
