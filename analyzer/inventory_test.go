package analyzer

import (
	"context"
	"strings"
	"testing"
)

// TestInventory: the inventory's ingress replaces the implicit one, an
// external stack network resolves to the inventory network, and pool
// allocation skips the inventory's subnets.
func TestInventory(t *testing.T) {
	a, err := Load(context.Background(), Options{
		Stacks:    []StackInput{{Name: "web", Files: []string{"testdata/inventory-stack.yml"}}},
		Inventory: []string{"testdata/inventory-networks.json"},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := a.Model
	ing := m.Networks[m.Swarm.Ingress]
	if ing == nil || ing.Origin != "inventory" || ing.Subnet != "10.0.0.0/24" {
		t.Fatalf("ingress = %+v", ing)
	}
	if n := m.Networks["proxy"]; n == nil || n.Subnet != "10.0.1.0/24" || len(n.Services) != 1 || n.Services[0] != "web_app" {
		t.Fatalf("proxy = %+v", n)
	}
	if _, ok := m.Networks["bridge"]; ok {
		t.Error("a node-local network joined the overlay model")
	}
	back := m.Networks["web_back"]
	if back == nil || back.Subnet != "10.0.2.0/24" || back.SubnetSource != "pool" {
		t.Fatalf("web_back = %+v (want the first free pool subnet after the inventory's)", back)
	}
	r, ok := a.Locate(m.Networks["proxy"].Subnets[0].Ref, nil)
	if !ok || r.StartLine != 44 || !strings.HasSuffix(r.File, "inventory-networks.json") {
		t.Fatalf("inventory subnet located at %+v", r)
	}
}

func TestInventoryNotDockerJSON(t *testing.T) {
	_, err := Load(context.Background(), Options{Inventory: []string{"testdata/inventory-stack.yml"}})
	if err == nil || !strings.Contains(err.Error(), "inventory-stack.yml:1:1: not docker inspect output") {
		t.Fatalf("got %v", err)
	}
}
