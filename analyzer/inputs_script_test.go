package analyzer

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedScript is the bootstrap procedure of the project's seed: customise
// docker_gwbridge, create the swarm with its own pools, replace ingress.
const seedScript = `docker network create --subnet 10.11.0.0/16 --opt com.docker.network.bridge.name=docker_gwbridge --opt com.docker.network.bridge.enable_icc=false --opt com.docker.network.bridge.enable_ip_masquerade=true docker_gwbridge
docker swarm init --default-addr-pool 10.20.0.0/16 --default-addr-pool-mask-length 26
docker network rm ingress
docker network create --driver overlay --ingress --subnet=10.11.0.0/16 --gateway=10.11.0.2 --opt com.docker.network.driver.mtu=1200 my-ingress
`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func loadScripts(t *testing.T, opts Options) *Analysis {
	t.Helper()
	a, err := Load(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSeedScriptModel(t *testing.T) {
	dir := t.TempDir()
	sh := writeFile(t, dir, "bootstrap.sh", seedScript)
	a := loadScripts(t, Options{Scripts: []string{sh}})
	m := a.Model
	if len(m.Commands) != 4 {
		t.Fatalf("commands = %d, want 4", len(m.Commands))
	}
	for i, kind := range []string{"network create", "swarm init", "network rm", "network create"} {
		if m.Commands[i].Kind != kind || m.Commands[i].Order != i {
			t.Errorf("command %d = %s/%d, want %s", i, m.Commands[i].Kind, m.Commands[i].Order, kind)
		}
	}
	sw := m.Swarm
	// swarm init: pools and mask applied, so allocation uses them
	if !sw.Init.Present || !sw.Init.Applied || sw.MaskLength != 26 || !sw.PoolsExplicit ||
		len(sw.DefaultAddrPools) != 1 || sw.DefaultAddrPools[0].Prefix != "10.20.0.0/16" {
		t.Errorf("swarm init not applied: %+v", sw)
	}
	if r := sw.DefaultAddrPools[0].Ref; r == nil || r.Line != 2 || r.Col != 39 || r.EndCol != 51 {
		t.Errorf("pool ref = %+v, want line 2 col 39-51", r)
	}
	// docker_gwbridge created before init: its subnet is the nodes' gwbridge
	if sw.Gwbridge != "10.11.0.0/16" || len(sw.GwbridgeCreates) != 1 || sw.GwbridgeCreates[0].InSwarm {
		t.Errorf("gwbridge = %q %+v", sw.Gwbridge, sw.GwbridgeCreates)
	}
	// ingress replaced: the default one is gone, my-ingress is the ingress
	if _, ok := m.Networks["ingress"]; ok {
		t.Error("the removed ingress network is still in the model")
	}
	ing := m.Networks[sw.Ingress]
	if ing == nil || ing.Name != "my-ingress" || !ing.Ingress || ing.Driver != "overlay" ||
		ing.Subnet != "10.11.0.0/16" || ing.SubnetSource != "script" || ing.Origin != "script" {
		t.Fatalf("ingress = %+v", ing)
	}
	if ing.MTU == nil || ing.MTU.Value != 1200 || ing.Command == nil || *ing.Command != 3 {
		t.Errorf("ingress mtu/command = %+v %v", ing.MTU, ing.Command)
	}
	if len(ing.Subnets) != 1 || ing.Subnets[0].Ref.Line != 4 || ing.Subnets[0].Ref.Col != 59 {
		t.Errorf("ingress subnet ref = %+v", ing.Subnets)
	}
	if len(sw.IngressEvents) != 2 || sw.IngressEvents[0].Action != "rm" || len(sw.IngressEvents[0].Publishers) != 0 ||
		sw.IngressEvents[1].Action != "create" || sw.IngressEvents[1].Existing != "" {
		t.Errorf("ingress events = %+v", sw.IngressEvents)
	}
	// the overlap the seed creates is visible to the addressing rules
	if ing.Subnet != sw.Gwbridge {
		t.Errorf("ingress %s and docker_gwbridge %s should be the same range", ing.Subnet, sw.Gwbridge)
	}
	// positions: the region is returned as is
	reg, ok := a.Locate(ing.Ref, nil)
	if !ok || reg.File != sh || reg.StartLine != 4 || reg.StartCol != 1 || reg.EndCol != 143 {
		t.Errorf("locate = %+v %v", reg, ok)
	}
	if _, err := json.Marshal(m); err != nil {
		t.Fatal(err)
	}
}

func TestScriptAllocationOrder(t *testing.T) {
	dir := t.TempDir()
	sh := writeFile(t, dir, "b.sh", `docker swarm init --default-addr-pool 10.20.0.0/16 --default-addr-pool-mask-length 24
docker network rm ingress
docker network create -d overlay --ingress mesh
docker network create -d overlay --attachable tools
`)
	stack := writeFile(t, dir, "web/stack.yml", "services:\n  app:\n    image: nginx:1.27\n")
	a := loadScripts(t, Options{Scripts: []string{sh}, Stacks: []StackInput{{Files: []string{stack}}}})
	m := a.Model
	// The allocator continues after the last subnet it handed out: the init's
	// ingress had 10.20.0.0/24, so the recreated one gets the next subnet
	// and the freed one comes back only after a wrap round the pool.
	want := map[string]string{"mesh": "10.20.1.0/24", "tools": "10.20.2.0/24", "web_default": "10.20.3.0/24"}
	for id, sn := range want {
		n := m.Networks[id]
		if n == nil || n.Subnet != sn || n.SubnetSource != "pool" {
			t.Errorf("%s = %+v, want %s from the pool", id, n, sn)
		}
	}
	if m.Swarm.Ingress != "mesh" {
		t.Errorf("ingress = %q", m.Swarm.Ingress)
	}
}

func TestSecondIngressWithoutRm(t *testing.T) {
	dir := t.TempDir()
	sh := writeFile(t, dir, "b.sh", "docker swarm init\ndocker network create --ingress --attachable mesh\n")
	m := loadScripts(t, Options{Scripts: []string{sh}}).Model
	if m.Swarm.Ingress != "ingress" {
		t.Errorf("ingress = %q, want the default one kept", m.Swarm.Ingress)
	}
	n := m.Networks["mesh"]
	if n == nil || !n.Ingress || !n.Attachable || n.Driver != "bridge" || n.DriverRaw != "" || n.SubnetSource != "unknown" {
		t.Errorf("mesh = %+v", n)
	}
	ev := m.Swarm.IngressEvents
	if len(ev) != 1 || ev[0].Action != "create" || ev[0].Existing != "ingress" {
		t.Errorf("events = %+v", ev)
	}
	if ing := m.Networks["ingress"]; ing == nil || ing.Ref.Line != 1 {
		t.Errorf("the default ingress should point at the swarm init: %+v", ing)
	}
}

func TestIngressPublishers(t *testing.T) {
	dir := t.TempDir()
	stack := writeFile(t, dir, "web/stack.yml", "services:\n  front:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n")
	shop := writeFile(t, dir, "shop/stack.yml", "services:\n  api:\n    image: traefik/whoami\n    ports: [\"8080:80\"]\n")
	sh := writeFile(t, dir, "b.sh", `docker service create --name grafana -p 3000:3000 grafana/grafana
docker service create --name exporter --publish mode=host,published=9100,target=9100 prom/node-exporter
docker service create --name gone -p 81:80 nginx
docker service rm gone
docker stack deploy -c shop/stack.yml shop
docker network rm ingress
`)
	m := loadScripts(t, Options{Scripts: []string{sh}, Stacks: []StackInput{{Files: []string{stack}}, {Files: []string{shop}}}}).Model
	if len(m.Swarm.IngressEvents) != 1 {
		t.Fatalf("events = %+v", m.Swarm.IngressEvents)
	}
	got := map[string]bool{}
	for _, p := range m.Swarm.IngressEvents[0].Publishers {
		got[p.Name] = p.Certain
	}
	want := map[string]bool{"grafana": true, "shop_api": true, "web_front": false}
	if len(got) != len(want) {
		t.Errorf("publishers = %v, want %v", got, want)
	}
	for k, v := range want {
		if c, ok := got[k]; !ok || c != v {
			t.Errorf("publisher %s = %v/%v, want certain=%v", k, c, ok, v)
		}
	}
	if m.Services["gone"] != nil {
		t.Error("a removed script service is still in the model")
	}
	g := m.Services["grafana"]
	if g == nil || g.Origin != "script" || len(g.Ports) != 1 || g.Ports[0].Published != 3000 || g.Ports[0].Mode != "ingress" || g.Ports[0].Ref.Line != 1 {
		t.Errorf("grafana = %+v", g)
	}
	if e := m.Services["exporter"]; e == nil || e.Ports[0].Mode != "host" || e.Ports[0].Published != 9100 {
		t.Errorf("exporter = %+v", e)
	}
	if m.Swarm.Ingress != "" {
		t.Errorf("ingress = %q after rm", m.Swarm.Ingress)
	}
}

func TestGwbridgeAfterJoin(t *testing.T) {
	dir := t.TempDir()
	sh := writeFile(t, dir, "b.sh", `docker swarm join --token x 10.0.1.10:2377
docker network create --subnet 10.11.0.0/16 docker_gwbridge
docker swarm leave --force
docker network create --subnet 10.12.0.0/16 docker_gwbridge
`)
	m := loadScripts(t, Options{Scripts: []string{sh}}).Model
	g := m.Swarm.GwbridgeCreates
	if len(g) != 2 || !g[0].InSwarm || g[0].SwarmCommand != 0 || g[1].InSwarm {
		t.Errorf("gwbridge creates = %+v", g)
	}
	if m.Swarm.Gwbridge != "10.12.0.0/16" {
		t.Errorf("gwbridge = %q: only the create outside the swarm applies", m.Swarm.Gwbridge)
	}
}

func TestServiceOnNetworks(t *testing.T) {
	dir := t.TempDir()
	sh := writeFile(t, dir, "b.sh", `docker network create -d overlay --subnet 10.30.0.0/24 backend
docker service create --name api --network backend --network name=ingress,alias=x --mode global traefik/whoami
`)
	m := loadScripts(t, Options{Scripts: []string{sh}}).Model
	s := m.Services["api"]
	if s == nil || len(s.Networks) != 2 || s.Networks[0].Network != "backend" || s.Networks[1].Network != "ingress" || s.Tasks != 3 {
		t.Fatalf("api = %+v", s)
	}
	if n := m.Networks["backend"]; n.SubnetSource != "script" || len(n.Services) != 1 || !n.Used {
		t.Errorf("backend = %+v", n)
	}
}

func TestScriptSyntaxError(t *testing.T) {
	dir := t.TempDir()
	sh := writeFile(t, dir, "b.sh", "docker swarm init\nif then\n")
	_, err := Load(context.Background(), Options{Scripts: []string{sh}})
	var ie *InputError
	if !errors.As(err, &ie) || ie.File != sh || ie.Line != 2 {
		t.Fatalf("err = %v", err)
	}
	_, err = Load(context.Background(), Options{SwarmInit: "docker swarm init; docker swarm leave"})
	if !errors.As(err, &ie) || ie.File != SwarmInitSource {
		t.Fatalf("err = %v", err)
	}
}

func TestNoScriptInputsGiveEmptyLists(t *testing.T) {
	m := loadScripts(t, Options{}).Model
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"commands":[]`, `"inits":[]`, `"node_addresses":[]`, `"ingress_events":[]`, `"docker_gwbridge_creates":[]`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("model JSON lacks %s", k)
		}
	}
}

// TestIngressRemovedRightAfterInit: right after the script's own swarm
// init no linted stack can be deployed yet, so removing the ingress
// network has no publishers; once the script deploys the stack (or on a
// swarm the script did not create) the stack publishes through it.
func TestIngressRemovedRightAfterInit(t *testing.T) {
	dir := t.TempDir()
	stack := writeFile(t, dir, "web/stack.yml", "services:\n  app:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n")
	for _, tc := range []struct {
		name, script string
		publishers   int
	}{
		{"after init", "docker swarm init\necho y | docker network rm ingress\n", 0},
		{"existing swarm", "echo y | docker network rm ingress\n", 1},
		{"deployed first", "docker swarm init\ndocker stack deploy -c web/stack.yml web\necho y | docker network rm ingress\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sh := writeFile(t, dir, "boot.sh", tc.script)
			a := loadScripts(t, Options{Scripts: []string{sh}, Stacks: []StackInput{{Name: "web", Files: []string{stack}}}})
			ev := a.Model.Swarm.IngressEvents
			if len(ev) != 1 || ev[0].Action != "rm" || len(ev[0].Publishers) != tc.publishers {
				t.Fatalf("ingress events = %+v, want one rm with %d publishers", ev, tc.publishers)
			}
		})
	}
}

// TestFreedSubnetAfterWrap: a subnet freed by removing a network comes back
// only when the allocator has reached the end of the pools and wraps round.
func TestFreedSubnetAfterWrap(t *testing.T) {
	dir := t.TempDir()
	sh := writeFile(t, dir, "b.sh", `docker swarm init --default-addr-pool 10.20.0.0/23 --default-addr-pool-mask-length 24
echo y | docker network rm ingress
docker network create -d overlay --ingress mesh
`)
	stack := writeFile(t, dir, "web/stack.yml", "services:\n  app:\n    image: nginx:1.27\n")
	m := loadScripts(t, Options{Scripts: []string{sh}, Stacks: []StackInput{{Files: []string{stack}}}}).Model
	if n := m.Networks["mesh"]; n == nil || n.Subnet != "10.20.1.0/24" {
		t.Fatalf("mesh = %+v, want 10.20.1.0/24 (after the init's ingress)", n)
	}
	if n := m.Networks["web_default"]; n == nil || n.Subnet != "10.20.0.0/24" || n.PoolExhausted {
		t.Fatalf("web_default = %+v, want the freed 10.20.0.0/24 after the wrap", n)
	}
	if m.Swarm.PoolShortfall != 0 || m.Swarm.PoolSubnetsLeft != 0 {
		t.Fatalf("shortfall %d, left %d", m.Swarm.PoolShortfall, m.Swarm.PoolSubnetsLeft)
	}
}
