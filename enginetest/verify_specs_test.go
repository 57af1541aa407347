package enginetest_test

// What the engine must do with each fixture for the fixture to confirm
// swarmlint's verdict is written beside the fixture, in its folder's
// engine.json (see loadSpecs): adding a rule needs no Go. Clean fixtures
// need no entry: they must deploy and run (stacks) or have every statement
// succeed (scripts). Only a fixture whose bad outcome is a silent change
// (Docker accepts the file and does something else) needs code that
// inspects what Docker created: its Check is in goChecks below, and its
// engine.json entry says "go_check": true.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/swarmlint/swarmlint/enginetest"
)

// Expectations.
const (
	expectRejected = "rejected" // the deploy or command fails synchronously
	expectStuck    = "stuck"    // accepted, tasks never running
	expectRunning  = "running"  // accepted and running (then Check)
	expectAccepted = "accepted" // not rejected; tasks may wait (then Check)
)

type spec struct {
	Skip      string         // not run at all: why it cannot be reproduced here
	SkipWhole string         // the whole file is not deployed (only its variants): why
	Expect    string         // expectRejected, expectStuck, expectRunning, expectAccepted
	Match     []string       // regexps Docker's message must match (stacks: any; scripts: in order of the want lines)
	Variants  bool           // also deploy one variant per finding line, without the other findings' entries
	NoVariant map[int]string // finding line → why that variant is not deployed (scripts: line → why a failure is expected)
	Check     func(c *checkCtx) ([]string, error)
	NotRepro  string // observed, but not a reproduction: why
	Setup     func(t *testing.T)
	Wait      time.Duration // stuck deadline override
	Exclusive bool          // run alone
	Fresh     bool          // needs a fresh swarm of its own
	Tries     int           // fresh swarms to try (outcomes that depend on creation order)
	Line      map[int]spec  // the expectation for the variant of one finding line, when it differs
	// Unattended runs a script with nothing on its standard input (as in
	// CI or cloud-init) instead of answering every prompt with y.
	Unattended bool
}

// checkCtx is what a Check sees.
type checkCtx struct {
	t       *testing.T
	stack   string
	image   string
	tasks   []enginetest.TaskState
	verdict enginetest.Verdict
	steps   []enginetest.ScriptStep
}

// externalNetworks are created before the stack fixtures, as a user would,
// for fixtures that declare them external: plain attachable overlays.
var externalNetworks = []string{"traefik-public", "ledger_backend"}

// ruleNotes are added to a row's reason.
var ruleNotes = map[string]string{
	"SWL505": "bad-discovery-port.sh, seen in the daemon's log during the suite's development (Engine 20.10.24): the init logs `initialized VXLAN UDP port to 7946`; after `swarm leave` the ingress sandbox's VXLAN device survived, kept UDP 7946 bound, and every later swarm on the machine failed to start its network agent (`error in agentInit: failed to create memberlist: ... port 7946: bind: address already in use`), even after a dockerd restart, until the device was deleted. The harness now deletes such leftovers after each swarm",
	"SWL507": "L7: `swarm join` went past the malformed --advertise-addr and failed only at the join token (the script's $TOKEN; no real manager here), while L6, with the same token, was refused for its --data-path-addr first: the daemon drops a bad advertise address on join instead of refusing it (moby daemon/cluster/swarm.go Join), as the rule's message says",
	"SWL004": "Engine 20.10 has no host-bits check: it came with the daemon's IPAM validation in Engine v25 (moby/moby#45759); not reproducible on 20.10",
}

// goChecks are the Check and Setup functions of the fixtures (and finding
// lines) whose engine.json entry has "go_check": true, keyed like specs.
var goChecks = map[string]spec{
	// ---- SWL0xx ----
	"SWL004/bad.yml": {
		Check: checkSubnetsAsWritten("frontend", "10.50.0.1/24", "backend", "10.51.12.0/16")},

	"SWL009/bad.yml": {Check: checkExternalUnchanged},
	"SWL010/bad.yml": {Check: checkStaticIPDropped},
	"SWL011/bad.yml": {Check: checkAll(
		checkPrinted(`Ignoring unsupported options: domainname, links, mac_address, network_mode, restart`, `container_name: Setting the container name is not supported`),
		checkRestartPolicy("wordpress", `"Condition":"any"`), checkRestartPolicy("mysql", ``))},
	"SWL012/bad.yml": {Check: checkHostIPIgnored},

	"SWL014/multi/":           {Check: checkOverrideDropped},
	"SWL014/override-driver/": {Check: checkDriverKeptLabelsDropped},
	"SWL015/bad.yml":          {Check: checkIPv6NotAllocated},

	"SWL016/bad.yml": {Check: checkNotCreated("logging")},
	"SWL017/bad.yml": {Check: checkExposeIgnored},

	// ---- SWL1xx ----
	"SWL103/bad-host-mode.yml": {
		Check: checkOneOfEachPending([2]string{"node-exporter", "node-metrics"}, [2]string{"edge", "stats"}, [2]string{"agent", "agent-managers"})},

	"SWL103/good.yml":               {Check: checkPendingOnlyFor("placement constraints", "edge-a", "edge-b")},
	"SWL104/bad.yml":                {Check: checkPublishedIngress("db", 3306)},
	"SWL104/bad-queue.yml":          {Check: checkPublishedIngress("rabbitmq", 5672)},
	"SWL110/bad.yml":                {Check: checkPublishedIngress("kafka", 19092)},
	"SWL109/bad.yml":                {Check: checkPublishedIngress("socket-proxy", 2375)},
	"SWL104/shared-external.swarm/": {Check: checkReachedAcrossStacks("shop_web", "postgres", "db_postgres", "shared-db", 5432)},
	"SWL105/bad.yml": {
		Check: checkHostPortPending("traefik", 1)},
	"SWL105/good.yml": {
		Check: checkPendingOnlyFor("host-mode port already in use|max replicas per node", "haproxy", "node-exporter")},
	"SWL106/bad.yml": {Line: map[int]spec{
		10: {Check: checkPortAs("api", 8000, "tcp", "ingress")},
		13: {Check: checkPortAs("api", 9090, "tcp", "ingress")},
		18: {Check: checkPublishedOutOfRange("web", 80800)},
	}},

	// ---- SWL2xx ----
	"SWL201/bad.yml":                {Check: checkNoTaskRunning("jobs")},
	"SWL201/bad-pool.yml":           {Check: checkNoTaskRunning("crawl")},
	"SWL201/shared-external.swarm/": {Check: checkSharedNetwork("shared-db", "10.90.0.0/28", "billing_worker", 3, "db_postgres")},
	"SWL201/shared-fits.swarm/":     {Check: checkSharedNetwork("shared-db", "10.90.0.0/27", "billing_worker", 0, "db_postgres")},

	"SWL202/bad.yml": {Check: checkSubnetVIP("mesh", "api")},

	"SWL203/bad-rolling-update.yml": {Check: checkRollingUpdateShortage},

	"SWL211/bad.yml":                  {Check: checkUnallocated(2)},
	"SWL212/bad.yml":                  {Check: checkUnallocated(2)},
	"SWL212/recreated-ingress.swarm/": {Check: checkIngressThenUnallocated("10.0.1.0/24")},
	"SWL213/bad.yml":                  {Check: checkUnallocated(1)},
	"SWL213/bad-pushed.yml":           {Check: checkUnallocated(1)},

	"SWL214/bad.yml": {Check: checkHostBridgeOverlap},

	// ---- SWL3xx ----
	"SWL301/bad.yml":  {Check: checkMTU(map[string]int{"payments": 1424})},
	"SWL301/good.yml": {Check: checkMTU(map[string]int{"payments": 1450})},
	"SWL302/bad.yml":  {Check: checkMTU(map[string]int{"frontend": 1424, "backend": 1424, "metrics": 1424})},
	"SWL302/good.yml": {Check: checkMTU(map[string]int{"frontend": 1450, "backend": 1424, "payments": 1424})},

	"SWL303/good.yml": {Check: checkMTU(map[string]int{"tunnel": 1370, "lan": 1400, "storage": 8950, "plain": 1450})},
	"SWL304/bad.yml":  {Check: checkMTU(map[string]int{"storage": 8950, "replication": 1472})},
	"SWL304/good.yml": {Check: checkMTU(map[string]int{"storage": 1450, "replication": 1424, "lowered": 1350})},
	"SWL305/bad.yml":  {Check: checkIngressUnencrypted},

	// ---- SWL4xx ----
	"SWL406/bad.sh":            {Setup: waitIngress, Check: checkIngressNotRemoved},
	"SWL406/bad-force.sh":      {Setup: waitIngress, Check: checkIngressNotRemoved},
	"SWL406/bad-answer-yes.sh": {Setup: waitIngress, Check: checkIngressNotRemoved},
	"SWL406/good.sh":           {Check: checkIngressReplaced("my-ingress")},
	"SWL406/good-yes.sh":       {Check: checkIngressReplaced("edge-ingress")},

	// ---- SWL1xx scripts ----

	// ---- SWL2xx scripts ----
	"SWL212/custom-pool.sh": {Check: checkScriptNetworkUnallocated("monitoring")},

	"SWL215/bad.sh":            {Check: checkPools(`["10.0.0.0/8","10.20.0.0/16"] 24`, "10.0.0.0/24")},
	"SWL215/bad-comma-list.sh": {Check: checkPools(`["10.20.0.0/16","10.20.0.0/16"] 24`, "10.20.0.0/24")},
	"SWL216/bad.sh":            {Check: checkPools(`["172.16.0.0/12"] 24`, "172.16.0.0/24")},

	"SWL217/bad.sh": {Check: checkScriptNetworkUnallocated("logging")},

	// ---- SWL5xx ----
	"SWL503/bad.sh":  {Check: checkPools(`null 26`, "10.0.0.0/24")},
	"SWL503/good.sh": {Check: checkPools(`["10.20.0.0/16","10.30.0.0/16"] 26`, "10.20.0.0/26")},

	"SWL505/bad-discovery-port.sh": {Check: checkDataPathPort(7946)},

	"SWL505/bad.yml": {Check: checkDataPathPortYml(1194)},

	// L7: swarm join drops a malformed --advertise-addr; the join goes on and
	// fails at the placeholder token (ruleNotes).

	"SWL405/init-then-customise.swarm/": {Check: checkSubnets(map[string]string{"ingress": "10.11.0.0/24", "web_default": "10.0.1.0/24"})},
}

// ---- checks ----

func svcName(c *checkCtx, s string) string { return c.stack + "_" + s }
func netName(c *checkCtx, n string) string { return c.stack + "_" + n }

func checkSubnetsAsWritten(pairs ...string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		var ev []string
		for i := 0; i+1 < len(pairs); i += 2 {
			n, err := enginetest.NetworkInspect(netName(c, pairs[i]))
			if err != nil {
				return ev, err
			}
			cfg, _ := json.Marshal(n.IPAM.Config)
			ev = append(ev, fmt.Sprintf("network %s keeps subnet %s: IPAM.Config=%s", n.Name, pairs[i+1], cfg))
			if len(n.IPAM.Config) == 0 || n.IPAM.Config[0].Subnet != pairs[i+1] {
				return ev, fmt.Errorf("network %s: IPAM %s, want %s as written", n.Name, cfg, pairs[i+1])
			}
		}
		return []string{strings.Join(ev, "; ")}, nil
	}
}

func checkExternalUnchanged(c *checkCtx) ([]string, error) {
	n, err := enginetest.NetworkInspect("traefik-public")
	if err != nil {
		return nil, err
	}
	cfg, _ := json.Marshal(n.IPAM.Config)
	ev := fmt.Sprintf("the existing traefik-public is used unchanged: Options=%v IPAM=%s Labels=%v", n.Options, cfg, n.Labels)
	if _, enc := n.Options["encrypted"]; enc || strings.Contains(string(cfg), "10.60.0.0/24") || n.Labels["traefik.enable"] != "" {
		return []string{ev}, fmt.Errorf("traefik-public took the file's settings: %s", ev)
	}
	return []string{"the existing network is used as it is (not encrypted, its own subnet " + n.IPAM.Config[0].Subnet + ", no labels); driver, driver_opts, ipam and labels are ignored without a message"}, nil
}

func checkStaticIPDropped(c *checkCtx) ([]string, error) {
	s, err := enginetest.ServiceInspect(svcName(c, "postgres"))
	if err != nil {
		return nil, err
	}
	addr, err := taskAddress(svcName(c, "postgres"), "10.70.0.")
	if err != nil {
		return nil, err
	}
	nets, _ := json.Marshal(s.Spec.TaskTemplate.Networks)
	ev := fmt.Sprintf("postgres's task has %s, not 10.70.0.10; the service spec's networks carry no address: %s", addr, nets)
	if strings.HasPrefix(addr, "10.70.0.10/") || strings.Contains(string(s.Raw), "10.70.0.10") {
		return []string{ev}, fmt.Errorf("the address was applied: %s", ev)
	}
	return []string{fmt.Sprintf("ipv4_address dropped: the task got %s", addr)}, nil
}

// taskAddress returns the address (CIDR) of the service's running task
// that starts with prefix, read inside the container.
func taskAddress(service, prefix string) (string, error) {
	ifs, err := enginetest.ProbeInterfaces(service)
	if err != nil {
		return "", err
	}
	for _, i := range ifs {
		for _, a := range i.Addrs {
			if strings.HasPrefix(a, prefix) {
				return a, nil
			}
		}
	}
	return "", fmt.Errorf("no address %s* in %s: %+v", prefix, service, ifs)
}

func checkPrinted(res ...string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		for _, re := range res {
			if !regexp.MustCompile(re).MatchString(c.verdict.Message) {
				return nil, fmt.Errorf("docker stack deploy did not print %q: %q", re, c.verdict.Message)
			}
		}
		return nil, nil
	}
}

func checkHostIPIgnored(c *checkCtx) ([]string, error) {
	var ev []string
	for svc, port := range map[string]uint32{"postgres": 5432, "redis": 6379} {
		s, err := enginetest.ServiceInspect(svcName(c, svc))
		if err != nil {
			return nil, err
		}
		if len(s.Endpoint.Ports) != 1 || s.Endpoint.Ports[0].PublishedPort != port || s.Endpoint.Ports[0].PublishMode != "ingress" {
			return nil, fmt.Errorf("%s ports %+v", svc, s.Endpoint.Ports)
		}
		if strings.Contains(string(s.Raw), "127.0.0.1") || strings.Contains(string(s.Raw), "10.0.5.20") {
			return nil, fmt.Errorf("%s's spec keeps the host IP", svc)
		}
	}
	ev = append(ev, "published in ingress mode on every address (5432 and 6379 in Endpoint.Ports; no address anywhere in the service specs)")
	if !strings.Contains(c.verdict.Message, "ignoring IP-address") {
		return ev, fmt.Errorf("no `ignoring IP-address` warning: %q", c.verdict.Message)
	}
	return ev, nil
}

func checkOverrideDropped(c *checkCtx) ([]string, error) {
	n, err := enginetest.NetworkInspect(netName(c, "backend"))
	if err != nil {
		return nil, err
	}
	cfg, _ := json.Marshal(n.IPAM.Config)
	opts, _ := json.Marshal(n.Options)
	ev := fmt.Sprintf("network %s: Options=%s IPAM=%s Labels=%v", n.Name, opts, cfg, n.Labels)
	_, enc := n.Options["encrypted"]
	_, mtu := n.Options["com.docker.network.driver.mtu"]
	if enc || mtu || strings.Contains(string(cfg), "10.80.0.0/24") || n.Labels["env"] != "prod" {
		return []string{ev}, fmt.Errorf("the earlier file's settings survived: %s", ev)
	}
	return []string{"the network is created from prod.yml's entry alone: not encrypted, no MTU option, pool subnet " + n.IPAM.Config[0].Subnet + ", label env=prod", ev}, nil
}

// checkDriverKeptLabelsDropped: the later entry names overlay itself, so
// the network is an overlay; the base entry's labels are gone.
func checkDriverKeptLabelsDropped(c *checkCtx) ([]string, error) {
	n, err := enginetest.NetworkInspect(netName(c, "backend"))
	if err != nil {
		return nil, err
	}
	ev := fmt.Sprintf("network %s: Driver=%s Scope=%s Labels=%v", n.Name, n.Driver, n.Scope, n.Labels)
	if n.Driver != "overlay" || n.Labels["com.acme.purpose"] != "" {
		return []string{ev}, fmt.Errorf("want an overlay network without the base file's label: %s", ev)
	}
	return []string{"the network is an overlay (the driver prod.yml names) without the base file's label", ev}, nil
}

// checkSharedNetwork: a network one stack creates and another uses as
// external is one network: the joining stack deploys against the creator's
// network, and every task of either stack that runs has its address in the
// one subnet. When the subnet is short, at least short tasks of the two
// stacks never run. Which ones is the engine's race: usually the joiner's
// last tasks, but the creator's task was seen rejected too ("node is
// missing network attachments, ip addresses may be exhausted") when the
// joiner's tasks took the addresses first, and then more tasks wait.
func checkSharedNetwork(network, subnet, joiner string, short int, creator string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		n, err := enginetest.NetworkInspect(network)
		if err != nil {
			return nil, err
		}
		cfg, _ := json.Marshal(n.IPAM.Config)
		ev := []string{fmt.Sprintf("network %s: IPAM=%s, %d endpoints on this node", n.Name, cfg, len(n.Containers))}
		if len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Subnet != subnet {
			return ev, fmt.Errorf("network %s: IPAM %s, want %s", n.Name, cfg, subnet)
		}
		waiting, running := map[string]int{}, map[string]int{}
		for _, s := range c.tasks {
			switch {
			case s.DesiredState != "Running" && s.DesiredState != "Ready":
			case s.Running():
				running[s.Service]++
			case s.Service == joiner || s.Service == creator:
				waiting[s.Service]++
			default:
				return ev, fmt.Errorf("task %s of %s is %s", s.Name, s.Service, s.State)
			}
		}
		ev = append(ev, taskSummary(c.tasks))
		pfx := netip.MustParsePrefix(subnet)
		var probed []string
		for _, svc := range []string{creator, joiner} {
			if running[svc] == 0 {
				continue
			}
			ifs, err := enginetest.ProbeInterfaces(svc)
			if err != nil {
				return ev, err
			}
			in := false
			for _, i := range ifs {
				for _, a := range i.Addrs {
					if q, err := netip.ParsePrefix(a); err == nil && pfx.Contains(q.Addr()) {
						in = true
					}
				}
			}
			if !in {
				return ev, fmt.Errorf("no address of %s's task in %s: %+v", svc, subnet, ifs)
			}
			probed = append(probed, svc)
		}
		never := waiting[creator] + waiting[joiner]
		switch {
		case short == 0 && (never > 0 || len(probed) != 2):
			return ev, fmt.Errorf("%d tasks never run (%s: %d, %s: %d), want every task running", never, creator, waiting[creator], joiner, waiting[joiner])
		case short > 0 && never < short:
			return ev, fmt.Errorf("%d tasks never run, want at least %d", never, short)
		}
		summary := fmt.Sprintf("one network %s (%s) for both stacks", network, subnet)
		if len(probed) > 0 {
			summary += fmt.Sprintf(": running tasks of %s have addresses in it", strings.Join(probed, " and "))
		}
		if short > 0 {
			summary += fmt.Sprintf("; %d tasks never run (%s: %d, %s: %d; %d running)", never, creator, waiting[creator], joiner, waiting[joiner], running[creator]+running[joiner])
		}
		return append([]string{summary}, ev...), nil
	}
}

// checkReachedAcrossStacks: the consumer of one stack resolves the other
// stack's service by its key over the shared network (stack deploy's alias)
// to that service's virtual IP there, while the service still publishes
// port through the routing mesh.
func checkReachedAcrossStacks(consumer, host, service, network string, port uint32) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		s, err := enginetest.ServiceInspect(service)
		if err != nil {
			return nil, err
		}
		published := false
		for _, p := range s.Endpoint.Ports {
			published = published || p.TargetPort == port && p.PublishMode == "ingress"
		}
		if !published {
			return nil, fmt.Errorf("%s does not publish %d in ingress mode: %+v", service, port, s.Endpoint.Ports)
		}
		n, err := enginetest.NetworkInspect(network)
		if err != nil {
			return nil, err
		}
		vip := ""
		for _, v := range s.Endpoint.VirtualIPs {
			if v.NetworkID == n.ID {
				vip, _, _ = strings.Cut(v.Addr, "/")
			}
		}
		addrs, err := enginetest.ProbeResolve(consumer, host)
		if err != nil {
			return nil, err
		}
		ev := fmt.Sprintf("%s resolves %q to %v; %s's VIP on %s is %s", consumer, host, addrs, service, network, vip)
		if vip == "" || len(addrs) != 1 || addrs[0] != vip {
			return []string{ev}, fmt.Errorf("want %s to resolve %q to %s's VIP on %s: %s", consumer, host, service, network, ev)
		}
		return []string{fmt.Sprintf("%s publishes %d in ingress mode, and %s (another stack) reaches it as %q over %s: %s", service, port, consumer, host, network, ev)}, nil
	}
}

// checkIngressThenUnallocated: the recreated ingress has the subnet after
// the one the init's ingress had, and the stack network pinned to it is
// never allocated.
func checkIngressThenUnallocated(subnet string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		ing, err := enginetest.NetworkInspect("ingress")
		if err != nil {
			return nil, err
		}
		cfg, _ := json.Marshal(ing.IPAM.Config)
		ev := fmt.Sprintf("recreated ingress: Ingress=%v IPAM=%s", ing.Ingress, cfg)
		if !ing.Ingress || len(ing.IPAM.Config) != 1 || ing.IPAM.Config[0].Subnet != subnet {
			return []string{ev}, fmt.Errorf("want the recreated ingress on %s: %s", subnet, ev)
		}
		more, err := checkUnallocated(1)(c)
		if err != nil {
			return append([]string{ev}, more...), err
		}
		return append([]string{"the recreated ingress took " + subnet + " (the init's ingress had 10.0.0.0/24); " + more[0], ev}, more[1:]...), nil
	}
}

// checkSubnets: each network (by its full name) has the subnet given.
func checkSubnets(want map[string]string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		var got, names []string
		for name := range want {
			names = append(names, name)
		}
		sortStrings(names)
		for _, name := range names {
			n, err := enginetest.NetworkInspect(name)
			if err != nil {
				return got, err
			}
			cfg, _ := json.Marshal(n.IPAM.Config)
			got = append(got, fmt.Sprintf("%s %s", name, cfg))
			if len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Subnet != want[name] {
				return got, fmt.Errorf("network %s: IPAM %s, want %s", name, cfg, want[name])
			}
		}
		return []string{"subnets: " + strings.Join(got, ", ")}, nil
	}
}

func checkIPv6NotAllocated(c *checkCtx) ([]string, error) {
	n, err := enginetest.NetworkInspect(netName(c, "edge"))
	if err != nil {
		return nil, err
	}
	cfg, _ := json.Marshal(n.IPAM.Config)
	ifs, ierr := enginetest.ProbeInterfaces(svcName(c, "web"))
	v6 := false
	for _, i := range ifs {
		for _, a := range i.Addrs {
			if strings.HasPrefix(a, "fd00:90:") {
				v6 = true
			}
		}
	}
	ev := fmt.Sprintf("network %s IPAM=%s EnableIPv6=%v; tasks: %s", n.Name, cfg, strings.Contains(string(n.Raw), `"EnableIPv6": true`), taskSummary(c.tasks))
	if v6 {
		return []string{ev}, fmt.Errorf("the task got an fd00:90:: address: %s", ev)
	}
	summary := "no task has an address in fd00:90::/64"
	if ierr != nil {
		summary = "tasks never run (" + stuckSummary(c.verdict, c.tasks) + ")"
	}
	return []string{summary, ev}, nil
}

func checkNotCreated(key string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		name := netName(c, key)
		if _, err := enginetest.NetworkInspect(name); err == nil {
			return nil, fmt.Errorf("network %s exists", name)
		}
		return []string{fmt.Sprintf("network %s does not exist after the deploy", name)}, nil
	}
}

func checkExposeIgnored(c *checkCtx) ([]string, error) {
	s, err := enginetest.ServiceInspect(svcName(c, "rabbitmq"))
	if err != nil {
		return nil, err
	}
	if len(s.Endpoint.Ports) != 0 {
		return nil, fmt.Errorf("rabbitmq publishes %+v", s.Endpoint.Ports)
	}
	ev := "rabbitmq publishes nothing (Endpoint.Ports empty)"
	if m := warningText(c.verdict.Message); m != "" {
		ev += "; Docker printed " + code(m)
	}
	return []string{ev}, nil
}

func checkPendingOnlyFor(reason string, services ...string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		want := map[string]bool{}
		for _, s := range services {
			want[svcName(c, s)] = true
		}
		var pend []string
		for _, s := range c.tasks {
			if s.DesiredState != "Running" || s.Running() {
				continue
			}
			if !want[s.Service] {
				return nil, fmt.Errorf("task %s of %s is %s: %s", s.Name, s.Service, s.State, s.Error)
			}
			pend = append(pend, fmt.Sprintf("%s %s %s", s.Name, s.State, strings.Trim(s.Error, `"`)))
		}
		return []string{"accepted; waiting tasks: " + strings.Join(pend, "; ")}, nil
	}
}

func checkPublishedIngress(svc string, port uint32) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		s, err := enginetest.ServiceInspect(svcName(c, svc))
		if err != nil {
			return nil, err
		}
		for _, p := range s.Endpoint.Ports {
			if p.TargetPort == port && p.PublishMode == "ingress" {
				return []string{fmt.Sprintf("%s publishes %d/%s in ingress mode (port %d on every node) while sharing an overlay network with its consumers", svc, port, p.Protocol, p.PublishedPort)}, nil
			}
		}
		return nil, fmt.Errorf("%s does not publish %d in ingress mode: %+v", svc, port, s.Endpoint.Ports)
	}
}

func checkHostPortPending(svc string, nodes int) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		// The first pending task ends the deploy's wait: let the others settle.
		c.tasks = settleTasks(c.t, c.stack, c.tasks, runDeadline)
		run, pend := 0, 0
		for _, s := range c.tasks {
			if s.Service != svcName(c, svc) || s.DesiredState != "Running" {
				continue
			}
			if s.Running() {
				run++
			} else {
				pend++
			}
		}
		if run != nodes {
			return nil, fmt.Errorf("%d tasks running, want %d (one per node)", run, nodes)
		}
		return []string{fmt.Sprintf("%d task running (one per node), %d pending with `host-mode port already in use on 1 node`", run, pend)}, nil
	}
}

func checkNoTaskRunning(network string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		for _, s := range c.tasks {
			if s.Running() {
				return nil, fmt.Errorf("task %s runs", s.Name)
			}
		}
		n, err := enginetest.NetworkInspect(netName(c, network))
		if err != nil {
			return nil, err
		}
		cfg, _ := json.Marshal(n.IPAM.Config)
		return []string{fmt.Sprintf("network %s %s", n.Name, cfg)}, nil
	}
}

func checkSubnetVIP(network, svc string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		n, err := enginetest.NetworkInspect(netName(c, network))
		if err != nil {
			return nil, err
		}
		s, err := enginetest.ServiceInspect(svcName(c, svc))
		if err != nil {
			return nil, err
		}
		for _, v := range s.Endpoint.VirtualIPs {
			if v.NetworkID == n.ID {
				return []string{fmt.Sprintf("Docker accepts the %s network without a word and gives %s the VIP %s on it", n.IPAM.Config[0].Subnet, svc, v.Addr)}, nil
			}
		}
		return nil, fmt.Errorf("%s has no VIP on %s", svc, n.Name)
	}
}

// checkRollingUpdateShortage updates the service the way a new image would
// and looks for the allocator running out of addresses meanwhile.
func checkRollingUpdateShortage(c *checkCtx) ([]string, error) {
	n, err := enginetest.NetworkInspect(netName(c, "backend"))
	if err != nil {
		return nil, err
	}
	mark := enginetest.MarkDaemonLog()
	if mark < 0 {
		return nil, fmt.Errorf("the daemon log is not readable: the shortage is only logged")
	}
	if out, err := enginetest.Docker("service", "update", "--detach", "--force", svcName(c, "api")); err != nil {
		return nil, fmt.Errorf("service update: %v: %s", err, out)
	}
	var lines []string
	pollFor(40*time.Second, func() bool {
		lines = enginetest.DaemonLog(mark, n.ID)
		for _, l := range lines {
			if strings.Contains(l, "available IP") || strings.Contains(l, "allocat") {
				return true
			}
		}
		return false
	})
	for _, l := range lines {
		if strings.Contains(l, "available IP") || strings.Contains(l, "allocat") {
			return []string{"during `docker service update --force` the allocator logs " + code(l), "dockerd log: " + l}, nil
		}
	}
	return nil, fmt.Errorf("no allocation failure logged during the update (log lines for the network: %q)", lines)
}

func checkUnallocated(atLeast int) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		nets := stackNetworks(c.stack)
		n := 0
		var lost []string
		for _, l := range nets {
			if strings.Contains(l, "unallocated") {
				n++
				lost = append(lost, strings.TrimSuffix(strings.TrimPrefix(l, "network "), ": unallocated (no IPAM config, no driver state)"))
			}
		}
		if n < atLeast {
			return nets, fmt.Errorf("%d networks unallocated, want at least %d: %v", n, atLeast, nets)
		}
		return append([]string{"never allocated: " + strings.Join(lost, ", ")}, nets...), nil
	}
}

// checkHostBridgeOverlap compares the stack's overlay subnets with this
// machine's own docker0 and docker_gwbridge, as they are here.
func checkHostBridgeOverlap(c *checkCtx) ([]string, error) {
	bridges := map[string]netip.Prefix{}
	for _, b := range []string{"bridge", "docker_gwbridge"} {
		n, err := enginetest.NetworkInspect(b)
		if err != nil || len(n.IPAM.Config) == 0 {
			continue
		}
		if p, err := netip.ParsePrefix(n.IPAM.Config[0].Subnet); err == nil {
			bridges[map[string]string{"bridge": "docker0", "docker_gwbridge": "docker_gwbridge"}[b]] = p
		}
	}
	var over, ev []string
	for _, l := range stackNetworks(c.stack) {
		ev = append(ev, l)
		name, subnet, _ := strings.Cut(strings.TrimPrefix(l, "network "), ": ")
		p, err := netip.ParsePrefix(subnet)
		if err != nil {
			continue
		}
		for b, bp := range bridges {
			if p.Overlaps(bp) {
				over = append(over, fmt.Sprintf("%s %s overlaps %s %s", name, p, b, bp))
			}
		}
	}
	for b, bp := range bridges {
		ev = append(ev, fmt.Sprintf("this machine's %s: %s", b, bp))
	}
	sortStrings(over)
	sortStrings(ev)
	if len(over) == 0 {
		return ev, fmt.Errorf("no overlay subnet overlaps this machine's bridges: %v", ev)
	}
	return append([]string{"Docker accepts the deploy; on this node " + strings.Join(over, "; ")}, ev...), nil
}

func checkMTU(want map[string]int) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		var got []string
		for key, mtu := range want {
			n, err := enginetest.NetworkInspect(netName(c, key))
			if err != nil {
				return nil, err
			}
			if len(n.IPAM.Config) == 0 {
				return nil, fmt.Errorf("network %s unallocated", n.Name)
			}
			p := netip.MustParsePrefix(n.IPAM.Config[0].Subnet)
			m, err := mtuIn(c, p, n.Name)
			if err != nil {
				return nil, err
			}
			got = append(got, fmt.Sprintf("%s %d", key, m))
			if m != mtu {
				return got, fmt.Errorf("MTU on %s is %d inside the task, want %d", key, m, mtu)
			}
		}
		sortStrings(got)
		return []string{"MTU inside the task: " + strings.Join(got, ", ")}, nil
	}
}

// mtuIn finds a task of the stack with an interface in p and returns its MTU.
func mtuIn(c *checkCtx, p netip.Prefix, name string) (int, error) {
	seen := map[string]bool{}
	for _, s := range c.tasks {
		if seen[s.Service] || !s.Running() {
			continue
		}
		seen[s.Service] = true
		ifs, err := enginetest.ProbeInterfaces(s.Service)
		if err != nil {
			continue
		}
		for _, i := range ifs {
			for _, a := range i.Addrs {
				if q, err := netip.ParsePrefix(a); err == nil && p.Contains(q.Addr()) {
					return i.MTU, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("no task with an interface on %s (%s)", name, p)
}

func checkIngressUnencrypted(c *checkCtx) ([]string, error) {
	n, err := enginetest.NetworkInspect("ingress")
	if err != nil {
		return nil, err
	}
	if _, ok := n.Options["encrypted"]; ok {
		return nil, fmt.Errorf("ingress is encrypted: %v", n.Options)
	}
	phi, err := enginetest.NetworkInspect(netName(c, "phi"))
	if err != nil {
		return nil, err
	}
	if _, ok := phi.Options["encrypted"]; !ok {
		return nil, fmt.Errorf("phi is not encrypted: %v", phi.Options)
	}
	return []string{fmt.Sprintf("ingress has no encrypted option (Options=%v) while %s has it", n.Options, phi.Name)}, nil
}

func checkScriptNetworkUnallocated(name string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		var n enginetest.Network
		// The allocator answers within a second or two.
		err := pollFor(5*time.Second, func() bool {
			n, _ = enginetest.NetworkInspect(name)
			return len(n.IPAM.Config) > 0
		})
		cfg, _ := json.Marshal(n.IPAM.Config)
		if err == nil {
			return nil, fmt.Errorf("network %s was allocated %s", name, cfg)
		}
		return []string{fmt.Sprintf("`docker network create` succeeds, but network %s is never allocated (IPAM.Config %s after 5 s)", name, cfg)}, nil
	}
}

func checkPools(info, ingress string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		out, err := runDocker("info", "--format", "{{json .Swarm.Cluster.DefaultAddrPool}} {{.Swarm.Cluster.SubnetSize}}")
		got := strings.TrimSpace(out)
		if err != nil {
			return nil, fmt.Errorf("docker info: %v %s", err, out)
		}
		var ing enginetest.Network
		pollFor(5*time.Second, func() bool {
			ing, _ = enginetest.NetworkInspect("ingress")
			return len(ing.IPAM.Config) > 0
		})
		sub := ""
		if len(ing.IPAM.Config) > 0 {
			sub = ing.IPAM.Config[0].Subnet
		}
		ev := fmt.Sprintf("docker info: DefaultAddrPool SubnetSize = %s; ingress %s", got, sub)
		if got != info || sub != ingress {
			return []string{ev}, fmt.Errorf("want pools %s and ingress %s: %s", info, ingress, ev)
		}
		return []string{ev}, nil
	}
}

func checkDataPathPort(port int) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		out, err := runDocker("info", "--format", "{{.Swarm.Cluster.DataPathPort}}")
		if err != nil || strings.TrimSpace(out) != fmt.Sprint(port) {
			return nil, fmt.Errorf("docker info DataPathPort = %q (%v), want %d", strings.TrimSpace(out), err, port)
		}
		return []string{fmt.Sprintf("swarm init accepted without a word: DataPathPort %d", port)}, nil
	}
}

func checkDataPathPortYml(port int) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		ev, err := checkDataPathPort(port)(c)
		if err != nil {
			return ev, err
		}
		return []string{fmt.Sprintf("accepted and running with DataPathPort %d and %d/udp published", port, port)}, nil
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func checkPortAs(svc string, target uint32, proto, mode string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		s, err := enginetest.ServiceInspect(svcName(c, svc))
		if err != nil {
			return nil, err
		}
		for _, p := range s.Endpoint.Ports {
			if p.TargetPort == target {
				if p.Protocol != proto || p.PublishMode != mode {
					return nil, fmt.Errorf("port %d is %s/%s, want %s/%s", target, p.Protocol, p.PublishMode, proto, mode)
				}
				return []string{fmt.Sprintf("accepted without a word; Endpoint.Ports: %d published as %s in %s mode", target, p.Protocol, p.PublishMode)}, nil
			}
		}
		return nil, fmt.Errorf("no port %d in %+v", target, s.Endpoint.Ports)
	}
}

func checkPublishedOutOfRange(svc string, port int) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		s, err := enginetest.ServiceInspect(svcName(c, svc))
		if err != nil {
			return nil, err
		}
		spec, _ := json.Marshal(s.Spec.EndpointSpec)
		ports, _ := json.Marshal(s.Endpoint.Ports)
		return []string{fmt.Sprintf("the service is created with published %d (EndpointSpec %s) but its ports are never allocated (Endpoint.Ports %s)", port, spec, ports)}, nil
	}
}

// checkIngressNotRemoved: the unanswered `docker network rm ingress` exits
// 0 but leaves the ingress network, and the `create --ingress` after it is
// refused.
func checkIngressNotRemoved(c *checkCtx) ([]string, error) {
	var ev []string
	for _, s := range c.steps {
		if !s.Ran {
			continue
		}
		switch {
		case strings.Contains(s.Command, "network rm"):
			ev = append(ev, fmt.Sprintf("`%s` exits %d: %s", oneLine(s.Original), s.ExitCode, code(lastLines(stripPrompt(s.Output)))))
			if s.ExitCode != 0 {
				return ev, fmt.Errorf("the unconfirmed removal exited %d, expected 0", s.ExitCode)
			}
		case strings.Contains(s.Command, "--ingress"):
			ev = append(ev, fmt.Sprintf("`%s` exits %d: %s", oneLine(s.Original), s.ExitCode, code(lastLines(enginetest.DockerMessage(s.Output)))))
			if s.ExitCode == 0 || !regexp.MustCompile(`ingress network \(\w+\) is already present`).MatchString(s.Output) {
				return ev, fmt.Errorf("the create --ingress after the unconfirmed removal was not refused with `ingress network (...) is already present`: exit %d, %q", s.ExitCode, lastLines(enginetest.DockerMessage(s.Output)))
			}
		}
	}
	n, err := enginetest.NetworkInspect("ingress")
	if err != nil || !n.Ingress {
		return ev, fmt.Errorf("the ingress network was removed: %v", err)
	}
	return append([]string{"nothing removed (exit 0), the ingress network " + n.ID[:12] + " is still there and the new ingress network is refused"}, ev...), nil
}

// checkIngressReplaced: the confirmed removal worked without a terminal:
// the ingress network is now name.
func checkIngressReplaced(name string) func(c *checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		n, err := enginetest.NetworkInspect(name)
		if err != nil {
			return nil, err
		}
		if !n.Ingress {
			return nil, fmt.Errorf("%s is not the ingress network", name)
		}
		// The removal completes in the background: the name stays listed for
		// a few seconds.
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(time.Second) {
			if _, err := enginetest.NetworkInspect("ingress"); err != nil {
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("the old ingress network is still there 20 s after the script")
			}
		}
		return []string{fmt.Sprintf("without a terminal, the answered prompt removed the old ingress network; %s (%s) is the ingress network", name, n.IPAM.Config[0].Subnet)}, nil
	}
}

// checkOneOfEachPending: of each pair of services publishing one host-mode
// port, one runs on the node and the other waits with `host-mode port
// already in use`.
func checkOneOfEachPending(pairs ...[2]string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		c.tasks = settleTasks(c.t, c.stack, c.tasks, runDeadline)
		var ev []string
		for _, p := range pairs {
			run, pend := map[string]bool{}, map[string]string{}
			for _, s := range c.tasks {
				if s.DesiredState != "Running" {
					continue
				}
				for _, name := range p {
					if s.Service != svcName(c, name) {
						continue
					}
					if s.Running() {
						run[name] = true
					} else if strings.Contains(s.Error, "host-mode port already in use") {
						pend[name] = strings.Trim(s.Error, `"`)
					}
				}
			}
			if len(run) != 1 || len(pend) != 1 {
				return ev, fmt.Errorf("%s/%s: running %v, pending on the port %v; want one of each", p[0], p[1], run, pend)
			}
			for name, why := range pend {
				for other := range run {
					ev = append(ev, fmt.Sprintf("%s runs, %s waits: %s", other, name, why))
				}
			}
		}
		return []string{strings.Join(ev, "; ")}, nil
	}
}

// waitIngress waits until the swarm's own ingress network is listed under
// the name ingress: Engine 20.10 creates it in the background after swarm
// init, and a leftover of an earlier swarm can hold the name for a while.
func waitIngress(t *testing.T) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		n, err := enginetest.NetworkInspect("ingress")
		if err == nil && n.Ingress {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ingress network named ingress 60 s after swarm init (last: %+v, %v)", n, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// checkAll runs checks in order and joins their evidence.
func checkAll(checks ...func(*checkCtx) ([]string, error)) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		var ev []string
		for _, check := range checks {
			e, err := check(c)
			ev = append(ev, e...)
			if err != nil {
				return ev, err
			}
		}
		return ev, nil
	}
}

// checkRestartPolicy: the service's TaskTemplate.RestartPolicy as
// docker stack deploy set it. want "" means none at all (swarm's default,
// condition any, applies).
func checkRestartPolicy(svc, want string) func(*checkCtx) ([]string, error) {
	return func(c *checkCtx) ([]string, error) {
		s, err := enginetest.ServiceInspect(svcName(c, svc))
		if err != nil {
			return nil, err
		}
		var spec struct {
			Spec struct {
				TaskTemplate struct {
					RestartPolicy json.RawMessage
				}
			}
		}
		if err := json.Unmarshal(s.Raw, &spec); err != nil {
			return nil, err
		}
		var compact bytes.Buffer
		_ = json.Compact(&compact, spec.Spec.TaskTemplate.RestartPolicy)
		got := compact.String()
		if want == "" {
			if got != "" && got != "null" && !strings.Contains(got, `"Condition":"any"`) {
				return nil, fmt.Errorf("%s: RestartPolicy %s, want none (swarm's default)", svc, got)
			}
			return []string{fmt.Sprintf("%s (restart: \"no\") runs with RestartPolicy %s: swarm's default, it restarts", svc, orNone(got))}, nil
		}
		if !strings.Contains(got, want) {
			return nil, fmt.Errorf("%s: RestartPolicy %s, want %s", svc, got, want)
		}
		return []string{fmt.Sprintf("%s (restart: unless-stopped) runs with RestartPolicy %s", svc, got)}, nil
	}
}

func orNone(s string) string {
	if s == "" || s == "null" {
		return "none"
	}
	return s
}
