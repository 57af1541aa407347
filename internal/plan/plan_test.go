package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
)

// TestPlanMaskLength: with --default-addr-pool-mask-length 28 every
// auto-allocated network gets a /28 from that pool, ingress first.
func TestPlanMaskLength(t *testing.T) {
	a, err := analyzer.Load(context.Background(), analyzer.Options{
		Stacks:   []analyzer.StackInput{{Name: "wp", Files: []string{"../../examples/wordpress/docker-stack.yml"}}},
		Settings: analyzer.Settings{DefaultAddrPools: []string{"10.60.0.0/16"}, MaskLength: 28},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := Build(a.Model)
	if len(p.Networks) != 2 || !p.Networks[0].Ingress || p.Networks[0].Subnet != "10.60.0.0/28" ||
		p.Networks[1].Subnet != "10.60.0.16/28" || p.Networks[1].Source != "pool" || p.Networks[1].Usable != 13 {
		t.Fatalf("plan = %+v", p.Networks)
	}
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, p, f); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "10.60.0.16/28") || !strings.Contains(buf.String(), "7946") {
			t.Errorf("%s output lacks the allocated subnet or firewall rows:\n%s", f, buf.String())
		}
	}
	for _, o := range p.Firewall {
		if strings.HasPrefix(o.Protocol, "esp") {
			t.Error("ESP listed although no overlay is encrypted")
		}
	}
}

// TestPlanLive: plan --live shows the running swarm with the stack applied:
// the swarm's own pools and subnet size, its networks as "live", and a
// network the stack already has keeping the subnet it was given at its
// first deploy rather than a new one from the pool.
func TestPlanLive(t *testing.T) {
	dir := t.TempDir()
	stack := filepath.Join(dir, "stack.yml")
	os.WriteFile(stack, []byte("services:\n  web:\n    image: nginx\n    networks: [back]\n  api:\n    image: api\n    networks: [extra]\nnetworks:\n  back: {}\n  extra: {}\n"), 0o644)
	ls := &analyzer.LiveSwarm{Engine: "ssh://ops@m1", DefaultAddrPools: []string{"10.20.0.0/16"}, SubnetSize: 26, DataPathPort: 4789,
		Nodes: []analyzer.Node{{ID: "a", Availability: "active"}, {ID: "b", Availability: "active"}, {ID: "c", Availability: "drain"}},
		Networks: json.RawMessage(`[
 {"Name": "ingress", "Id": "i", "Scope": "swarm", "Driver": "overlay", "Ingress": true, "IPAM": {"Config": [{"Subnet": "10.20.0.0/26"}]}},
 {"Name": "shop_back", "Id": "b", "Scope": "swarm", "Driver": "overlay", "IPAM": {"Config": [{"Subnet": "10.20.0.128/26"}]}, "Labels": {"com.docker.stack.namespace": "shop"}},
 {"Name": "ops", "Id": "o", "Scope": "swarm", "Driver": "overlay", "IPAM": {"Config": [{"Subnet": "10.20.0.64/26"}]}}]`)}
	a, err := analyzer.Load(context.Background(), analyzer.Options{Stacks: []analyzer.StackInput{{Name: "shop", Files: []string{stack}}}, Live: ls})
	if err != nil {
		t.Fatal(err)
	}
	p := Build(a.Model)
	rows := map[string]Network{}
	for _, n := range p.Networks {
		rows[n.Name] = n
	}
	if p.Live != "ssh://ops@m1" || p.Nodes != 2 || p.Pools.MaskLength != 26 || p.Pools.Prefixes[0] != "10.20.0.0/16" {
		t.Errorf("plan %+v", p)
	}
	if r := rows["ingress"]; r.Source != "live" || r.Subnet != "10.20.0.0/26" {
		t.Errorf("ingress %+v", r)
	}
	if r := rows["ops"]; r.Source != "live" || r.Subnet != "10.20.0.64/26" {
		t.Errorf("ops %+v", r)
	}
	if r := rows["shop_back"]; r.Source != "inventory" || r.Subnet != "10.20.0.128/26" || r.Stack != "shop" || r.Services != 1 {
		t.Errorf("shop_back %+v, want the stack's network on the subnet it already has", r)
	}
	if r := rows["shop_extra"]; r.Source != "pool" || r.Subnet != "10.20.0.192/26" {
		t.Errorf("shop_extra %+v, want the first /26 the live swarm has free", r)
	}
	var buf bytes.Buffer
	Write(&buf, p, "text")
	if !strings.Contains(buf.String(), "Live swarm at ssh://ops@m1 (2 nodes)") {
		t.Errorf("text plan:\n%s", buf.String())
	}
}

// TestPlanSharedNetwork: a network one stack creates and another uses as
// external is one row, with the demand of both stacks and both named.
func TestPlanSharedNetwork(t *testing.T) {
	dir := "../../fixtures/SWL201-overlay-subnet-exhausted/shared-external.swarm/"
	a, err := analyzer.Load(context.Background(), analyzer.Options{Stacks: []analyzer.StackInput{
		{Name: "db", Files: []string{dir + "1-db.yml"}},
		{Name: "billing", Files: []string{dir + "2-billing.yml"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := Build(a.Model)
	var rows []Network
	for _, n := range p.Networks {
		if n.Name == "shared-db" {
			rows = append(rows, n)
		}
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows for shared-db, want 1: %+v", len(rows), p.Networks)
	}
	r := rows[0]
	if r.Demand != 18 || r.Usable != 13 || r.Services != 2 || strings.Join(r.Stacks, ",") != "billing,db" {
		t.Fatalf("shared-db row = %+v, want demand 18 of 13 from stacks billing and db", r)
	}
	var buf bytes.Buffer
	if err := Write(&buf, p, "text"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "shared-db (billing+db)") {
		t.Errorf("text plan does not name the sharing stacks:\n%s", buf.String())
	}
}

// TestPlanColumnsAligned: a network name longer than the default column
// widens it, so every row's subnet starts in the same column.
func TestPlanColumnsAligned(t *testing.T) {
	p := Plan{Networks: []Network{
		{Name: "ingress", Ingress: true, Subnet: "10.0.0.0/24", Source: "pool", Usable: 253},
		{Name: "a-rather-long-stack-name_and-a-long-network-name", Subnet: "10.30.0.0/28", Source: "explicit", Usable: 13},
	}}
	var buf bytes.Buffer
	if err := Write(&buf, p, "text"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	col := -1
	for _, l := range lines[1:4] {
		i := strings.Index(l, "10.")
		if l == lines[1] {
			i = strings.Index(l, "SUBNET")
		}
		if col == -1 {
			col = i
		}
		if i != col || i < len("  a-rather-long-stack-name_and-a-long-network-name ") {
			t.Errorf("subnet column not aligned (%d, want %d):\n%s", i, col, buf.String())
		}
	}
}
