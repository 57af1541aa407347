package lint

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/report"
)

// liveSwarm is a swarm as internal/live reads it: the stack infra owns an
// overlay 10.99.0.0/24 and a nearly full /28 and publishes 8080; an earlier
// version of the stack shop runs with its own network and port 8443.
func liveSwarm() *analyzer.LiveSwarm {
	return &analyzer.LiveSwarm{
		Engine:           "unix:///var/run/docker.sock",
		DefaultAddrPools: []string{"10.0.0.0/8"}, SubnetSize: 24, DataPathPort: 4789,
		Nodes:    []analyzer.Node{{ID: "n1", Hostname: "m1", Role: "manager", Availability: "active", State: "ready", Addr: "127.0.0.1", Labels: map[string]string{}}},
		Networks: json.RawMessage(liveNetworks),
		Services: json.RawMessage(liveServices),
	}
}

const liveNetworks = `[
 {"Name": "ingress", "Id": "ing1", "Scope": "swarm", "Driver": "overlay", "Ingress": true, "IPAM": {"Config": [{"Subnet": "10.0.0.0/24"}]}},
 {"Name": "infra_shared", "Id": "net1", "Scope": "swarm", "Driver": "overlay", "IPAM": {"Config": [{"Subnet": "10.99.0.0/24"}]}, "Labels": {"com.docker.stack.namespace": "infra"}},
 {"Name": "infra_small", "Id": "net2", "Scope": "swarm", "Driver": "overlay", "IPAM": {"Config": [{"Subnet": "10.98.0.0/28"}]}, "Labels": {"com.docker.stack.namespace": "infra"}},
 {"Name": "shop_back", "Id": "net3", "Scope": "swarm", "Driver": "overlay", "IPAM": {"Config": [{"Subnet": "10.99.0.0/24"}]}, "Labels": {"com.docker.stack.namespace": "shop"}},
 {"Name": "shop_front", "Id": "net4", "Scope": "swarm", "Driver": "overlay", "IPAM": {"Config": [{"Subnet": "10.0.1.0/24"}]}, "Labels": {"com.docker.stack.namespace": "shop"}}
]`

const liveServices = `[
 {"ID": "s1", "Spec": {"Name": "infra_proxy", "Labels": {"com.docker.stack.namespace": "infra"}, "Mode": {"Replicated": {"Replicas": 1}},
  "TaskTemplate": {"Networks": [{"Target": "net1"}, {"Target": "ing1"}]},
  "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"}]}}},
 {"ID": "s2", "Spec": {"Name": "infra_workers", "Labels": {"com.docker.stack.namespace": "infra"}, "Mode": {"Replicated": {"Replicas": 9}},
  "TaskTemplate": {"Networks": [{"Target": "net2"}]}}},
 {"ID": "s3", "Spec": {"Name": "shop_web", "Labels": {"com.docker.stack.namespace": "shop"}, "Mode": {"Replicated": {"Replicas": 1}},
  "TaskTemplate": {"Networks": [{"Target": "net3"}]},
  "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 443, "PublishedPort": 8443, "PublishMode": "ingress"}]}}}
]`

// TestLive: against the live swarm, the stack's subnet overlaps infra's
// network (SWL211) and its port 8080 clashes with infra's service (SWL103),
// each at the stack file's token and naming the live object; the stack's
// own earlier network, service and port 8443 are its previous version, not
// a clash; the /28 it shares with infra runs out (SWL201) at its entry in
// the stack file (9 live tasks of infra and 3 of shop, a VIP per service,
// the node's load-balancer endpoint: 16 of 13 usable).
func TestLive(t *testing.T) {
	res, a, err := Run(context.Background(), Config{
		Stacks: []analyzer.StackInput{{Name: "shop", Files: []string{"testdata/live/shop.yml"}}},
		Live:   liveSwarm(), Enable: []string{"SWL211", "SWL103", "SWL201"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]report.Finding{}
	for _, f := range res.Findings {
		got[f.RuleID] = f
		t.Logf("%s:%d:%d %s %s", f.File, f.StartLine, f.StartCol, f.RuleID, f.Message)
	}
	want := []struct {
		id        string
		line, col int
		msg       string
	}{
		{"SWL211", 19, 11, `network "shop_back" (10.99.0.0/24) overlaps network "infra_shared" (live, created by stack infra) (10.99.0.0/24)`},
		{"SWL103", 7, 9, `service "infra_proxy" (live, created by stack infra) publishes it in ingress mode`},
		{"SWL201", 21, 3, `network "infra_small" (live, created by stack infra) needs about 16 addresses for 12 tasks, 3 VIPs and 1 load-balancer endpoint, but 10.98.0.0/28 has 13`},
	}
	for _, w := range want {
		f, ok := got[w.id]
		if !ok {
			t.Errorf("no %s", w.id)
			continue
		}
		if f.File != "testdata/live/shop.yml" || f.StartLine != w.line || f.StartCol != w.col || !strings.Contains(f.Message, w.msg) {
			t.Errorf("%s at %s:%d:%d %q, want line %d col %d containing %q", w.id, f.File, f.StartLine, f.StartCol, f.Message, w.line, w.col, w.msg)
		}
	}
	if len(res.Findings) != len(want) {
		t.Errorf("%d findings, want %d", len(res.Findings), len(want))
	}
	m := a.Model
	if n := m.Networks["shop_back"]; n == nil || n.Origin != "stack" || n.Live {
		t.Errorf("shop_back = %+v, want the stack's network replacing the live one", n)
	}
	if n := m.Networks["shop_front"]; n == nil || !n.Live {
		t.Errorf("shop_front is used by no service of the new version and was never created by it; the live one stays: %+v", n)
	}
	if s := m.Services["shop_web"]; s == nil || s.Live {
		t.Errorf("shop_web = %+v, want the stack's service", s)
	}
	if m.Swarm.NodeCount != 1 || m.Swarm.Live == nil || len(m.Swarm.Live.Nodes) != 1 {
		t.Errorf("swarm = %+v", m.Swarm)
	}
	if ing := m.Networks[m.Swarm.Ingress]; ing == nil || !ing.Live || ing.Subnet != "10.0.0.0/24" {
		t.Errorf("ingress = %+v", ing)
	}
}

// TestLiveOnlyProblem: a problem of the live swarm that no linted file
// touches is told as a notification, not dropped and not a finding.
func TestLiveOnlyProblem(t *testing.T) {
	ls := liveSwarm()
	ls.Networks = json.RawMessage(strings.TrimSuffix(liveNetworks, "]") + `,
 {"Name": "ops_a", "Id": "net9", "Scope": "swarm", "Driver": "overlay", "IPAM": {"Config": [{"Subnet": "10.50.0.0/16"}]}},
 {"Name": "ops_b", "Id": "net10", "Scope": "swarm", "Driver": "overlay", "IPAM": {"Config": [{"Subnet": "10.50.1.0/24"}]}}]`)
	res, _, err := Run(context.Background(), Config{Live: ls, Enable: []string{"SWL211"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings %+v", res.Findings)
	}
	found := false
	for _, n := range res.Notifications {
		found = found || strings.Contains(n.Message, `the live swarm already has this problem`) && strings.Contains(n.Message, `"ops_b" (live)`)
	}
	if !found {
		t.Errorf("notifications %+v", res.Notifications)
	}
}
