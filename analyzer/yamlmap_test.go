package analyzer

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// TestEachEntry: own keys first, then each `<<` key's mappings in order
// (their own `<<` keys followed), a key already given skipped; via names
// the outer `<<` key; mapLookup and entries read the same order.
func TestEachEntry(t *testing.T) {
	src := `
base: &base {image: a, user: root, <<: {init: true, image: nested}}
more: &more {user: nobody, tty: true}
svc:
  <<: [*base, *more]
  image: own
  ports: []
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	svc := lookup(&doc, "svc")
	var got []string
	eachEntry(svc, func(k, v, via *yaml.Node) bool {
		s := k.Value + "=" + deref(v).Value
		if via != nil {
			s += " via line " + string(rune('0'+via.Line))
		}
		got = append(got, s)
		return true
	})
	want := "image=own|ports=|user=root via line 5|init=true via line 5|tty=true via line 5"
	if strings.Join(got, "|") != want {
		t.Errorf("entries:\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	if _, v, via := mapLookup(svc, "init"); v == nil || v.Value != "true" || via == nil || via.Line != 5 {
		t.Errorf("mapLookup(init) = %v via %v", v, via)
	}
	if _, v, via := mapLookup(svc, "image"); v == nil || v.Value != "own" || via != nil {
		t.Errorf("mapLookup(image) = %v via %v", v, via)
	}
	if n := len(entries(svc)); n != 5 {
		t.Errorf("entries: %d, want 5", n)
	}
}
