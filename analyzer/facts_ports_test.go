package analyzer

import (
	"reflect"
	"testing"
)

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
