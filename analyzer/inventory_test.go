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

// TestInventoryRedeploy: a --cluster export that already holds the linted
// stack's own network (labelled com.docker.stack.namespace=shop) is the
// previous version of that network, not a second one: docker stack deploy
// finds the network by name and keeps it, with its subnet.
func TestInventoryRedeploy(t *testing.T) {
	a, err := Load(context.Background(), Options{
		Stacks:    []StackInput{{Name: "shop", Files: []string{"testdata/inventory-redeploy-stack.yml"}}},
		Inventory: []string{"testdata/inventory-redeploy.json"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var backs []*Network
	for _, n := range a.Model.Networks {
		if n.Name == "shop_back" {
			backs = append(backs, n)
		}
	}
	if len(backs) != 1 {
		t.Fatalf("%d networks named shop_back, want 1: %+v", len(backs), backs)
	}
	back := backs[0]
	if back.Origin != "stack" || back.Subnet != "10.0.9.0/24" || back.SubnetSource != "inventory" {
		t.Fatalf("shop_back = origin %q subnet %q (%s), want the stack's network on the inventory's 10.0.9.0/24", back.Origin, back.Subnet, back.SubnetSource)
	}
	if len(back.Services) != 1 || back.Services[0] != "shop_api" {
		t.Fatalf("shop_back services = %v", back.Services)
	}
	// Another stack's name is not this one: a network of stack "shop" stays
	// when stack "web" is linted.
	a, err = Load(context.Background(), Options{
		Stacks:    []StackInput{{Name: "web", Files: []string{"testdata/inventory-redeploy-stack.yml"}}},
		Inventory: []string{"testdata/inventory-redeploy.json"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := a.Model.Networks["shop_back"]; n == nil || n.Origin != "inventory" {
		t.Fatalf("shop_back of another stack = %+v, want the inventory network kept", n)
	}
}
