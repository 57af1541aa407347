package analyzer

import (
	"reflect"
	"testing"
)

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
