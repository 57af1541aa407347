package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func loadText(t *testing.T, text string, env map[string]string) *Model {
	t.Helper()
	file := filepath.Join(t.TempDir(), "stack.yml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Load(context.Background(), Options{Stacks: []StackInput{{Name: "s", Files: []string{file}}}, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	return a.Model
}

// TestEffectiveMTU: the figures of docs/swarm-behaviour.md#overlay-mtu, 1450 and 1424 by default.
func TestEffectiveMTU(t *testing.T) {
	for _, c := range []struct {
		base      int
		encrypted bool
		want      int
	}{{1500, false, 1450}, {1500, true, 1424}, {1400, true, 1324}, {1450, true, 1372}, {9000, false, 8950}} {
		if got := EffectiveMTU(c.base, c.encrypted); got != c.want {
			t.Errorf("EffectiveMTU(%d, %v) = %d, want %d", c.base, c.encrypted, got, c.want)
		}
	}
	m := loadText(t, `
services:
  app:
    image: nginx
    networks: [plain, secret, low, bad, zero]
networks:
  plain: {}
  secret:
    driver_opts: {encrypted: "true"}
  low:
    driver_opts: {com.docker.network.driver.mtu: "1400", encrypted: ""}
  bad:
    driver_opts: {com.docker.network.driver.mtu: " 1400"}
  zero:
    driver_opts: {com.docker.network.driver.mtu: 0}
  external:
    external: true
`, nil)
	for id, want := range map[string]struct {
		set       bool
		effective int
	}{"s_plain": {false, 1450}, "s_secret": {false, 1424}, "s_low": {true, 1324}, "s_bad": {true, 0}, "s_zero": {true, 1450}, "ingress": {false, 1450}} {
		n := m.Networks[id]
		if n == nil || n.MTU == nil {
			t.Errorf("%s: no mtu", id)
			continue
		}
		if n.MTU.Set != want.set || n.MTU.Effective != want.effective {
			t.Errorf("%s: mtu %+v, want set=%v effective=%d", id, *n.MTU, want.set, want.effective)
		}
	}
	if n := m.Networks["external"]; n != nil && n.MTU != nil {
		t.Errorf("external network got an mtu: %+v", *n.MTU)
	}
}

// TestDuplicatePorts: identical items (docs/swarm-behaviour.md#identical-port-entries) and the same published port
// written twice (docs/swarm-behaviour.md#duplicate-published-port), per file, after interpolation.
func TestDuplicatePorts(t *testing.T) {
	m := loadText(t, `
services:
  web:
    image: nginx
    ports:
      - "80"
      - "80"
      - "8080:80"
      - target: 80
        published: ${PORT}
      - "53:53/udp"
      - "53:53/tcp"
      - "9000-9005:9000"
      - target: 81
        published: 9003
        protocol: bogus
`, map[string]string{"PORT": "8080"})
	got := m.Services["s_web"].DuplicatePorts
	want := []DuplicatePort{
		{Index: 1, First: 0, Identical: true, Text: "80", FirstText: "80"},
		{Index: 3, First: 2, Published: 8080, Protocol: "tcp", Text: "target: 80, published: ${PORT}", FirstText: "8080:80"},
		{Index: 7, First: 6, Published: 9003, Protocol: "tcp", Text: "target: 81, published: 9003, protocol: bogus", FirstText: "9000-9005:9000"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d duplicates: %+v", len(got), got)
	}
	for i := range want {
		g := got[i]
		g.Ref = Ref{}
		if !reflect.DeepEqual(g, want[i]) {
			t.Errorf("duplicate %d = %+v, want %+v", i, g, want[i])
		}
	}
	if p := got[0].Ref.Path; len(p) != 4 || p[3] != 1 {
		t.Errorf("ref path %v", p)
	}
}

// TestPublishedRangeIndex: a short-syntax host-port range with one target is
// indexed under every published port, as docker stack deploy expands it.
func TestPublishedRangeIndex(t *testing.T) {
	m := loadText(t, `
services:
  ftp:
    image: delfer/alpine-ftp-server
    ports:
      - "21000-21002:21000"
`, nil)
	for _, k := range []string{"21000/tcp", "21001/tcp", "21002/tcp"} {
		uses := m.Indexes.PublishedPorts[k]
		if len(uses) != 1 || uses[0].Service != "s_ftp" || uses[0].Port != 0 {
			t.Errorf("%s: %+v", k, uses)
		}
	}
}
