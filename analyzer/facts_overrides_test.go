package analyzer

import (
	"path/filepath"
	"reflect"
	"testing"
)

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
