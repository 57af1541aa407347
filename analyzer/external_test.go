package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// writeStacks writes name → content files to a temp dir and returns one
// StackInput per file, named after it, in the order given.
func writeStacks(t *testing.T, files ...[2]string) []StackInput {
	t.Helper()
	dir := t.TempDir()
	var out []StackInput
	for _, f := range files {
		p := filepath.Join(dir, f[0]+".yml")
		if err := os.WriteFile(p, []byte(f[1]), 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, StackInput{Name: f[0], Files: []string{p}})
	}
	return out
}

const dbStack = `version: "3.8"
services:
  postgres:
    image: postgres:16.4
    ports: ["5432:5432"]
    networks: [shared-db]
networks:
  shared-db:
    name: shared-db
    ipam:
      config:
        - subnet: 10.90.0.0/28
`

const billingStack = `version: "3.8"
services:
  worker:
    image: ghcr.io/acme/billing:2
    environment:
      DATABASE_HOST: postgres
    deploy:
      replicas: 12
    networks: [db]
networks:
  db:
    external: true
    name: shared-db
`

// TestExternalNetworkOfAnotherStack: a network one stack creates and
// another uses as external is one network in the model, in either order
// of the stacks: the demand adds up, the services of both are attached to
// it, and a service of the second stack that names the first one's
// service by key is a consumer over the shared network.
func TestExternalNetworkOfAnotherStack(t *testing.T) {
	for _, order := range [][2]int{{0, 1}, {1, 0}} {
		stacks := writeStacks(t, [2]string{"db", dbStack}, [2]string{"billing", billingStack})
		stacks = []StackInput{stacks[order[0]], stacks[order[1]]}
		a, err := Load(context.Background(), Options{Stacks: stacks})
		if err != nil {
			t.Fatal(err)
		}
		m := a.Model
		var shared []*Network
		for _, n := range m.Networks {
			if n.Name == "shared-db" {
				shared = append(shared, n)
			}
		}
		if len(shared) != 1 {
			t.Fatalf("order %v: %d networks named shared-db, want one", order, len(shared))
		}
		n := shared[0]
		if n.ID != "shared-db" || n.Stack != "db" || n.Subnet != "10.90.0.0/28" || len(n.Services) != 2 {
			t.Fatalf("order %v: shared-db = %+v", order, n)
		}
		// 13 tasks, 2 VIPs, 3 load-balancer endpoints (3 nodes by default)
		if n.Demand.Total != 18 || n.Demand.Tasks != 13 || n.Demand.VIPs != 2 {
			t.Fatalf("order %v: demand = %+v, want 18 (13 tasks, 2 VIPs, 3 LB)", order, n.Demand)
		}
		w := m.Services["billing_worker"]
		if w.Networks[0].Network != n.ID {
			t.Fatalf("order %v: billing_worker attached to %q, want %q", order, w.Networks[0].Network, n.ID)
		}
		cs := m.Indexes.Consumers["db_postgres"]
		if len(cs) != 1 || cs[0].Service != "billing_worker" || !cs[0].SharedNetwork {
			t.Fatalf("order %v: consumers of db_postgres = %+v", order, cs)
		}
	}
}

// TestExternalNetworkNotCreated: an external network that no input
// creates stays an external network of unknown subnet; one that another
// stack declares but never uses is not created by that stack (stack deploy
// creates only the networks its services use), so it is not joined either.
func TestExternalNetworkNotCreated(t *testing.T) {
	unused := `version: "3.8"
services:
  postgres:
    image: postgres:16.4
networks:
  shared-db:
    name: shared-db
`
	a, err := Load(context.Background(), Options{Stacks: writeStacks(t, [2]string{"db", unused}, [2]string{"billing", billingStack})})
	if err != nil {
		t.Fatal(err)
	}
	ext := a.Model.Networks[a.Model.Services["billing_worker"].Networks[0].Network]
	if ext == nil || ext.Origin != "external" || ext.SubnetSource != "unknown" || ext.Stack != "billing" {
		t.Fatalf("billing's network = %+v, want its own external network of unknown subnet", ext)
	}
}

// TestExternalNetworkOfScript: a bootstrap script's `docker network
// create` is the network a stack uses as external.
func TestExternalNetworkOfScript(t *testing.T) {
	dir := t.TempDir()
	sh := filepath.Join(dir, "boot.sh")
	if err := os.WriteFile(sh, []byte("#!/bin/sh\ndocker network create --driver overlay --subnet 10.91.0.0/28 shared-db\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Load(context.Background(), Options{Stacks: writeStacks(t, [2]string{"billing", billingStack}), Scripts: []string{sh}})
	if err != nil {
		t.Fatal(err)
	}
	id := a.Model.Services["billing_worker"].Networks[0].Network
	n := a.Model.Networks[id]
	if n == nil || n.Origin != "script" || n.Subnet != "10.91.0.0/28" || n.Demand.Tasks != 12 {
		t.Fatalf("billing's network = %+v, want the script's 10.91.0.0/28 carrying 12 tasks", n)
	}
	if len(a.Model.Networks) != 2 { // ingress and shared-db
		t.Fatalf("networks: %v", sortedKeys(a.Model.Networks))
	}
}
