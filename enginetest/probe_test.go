package enginetest_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swarmlint/swarmlint/enginetest"
)

var notesPath = flag.String("enginetest.notes", "", "write the observations as Markdown to this file")

func TestMain(m *testing.M) {
	flag.Parse()
	code := enginetest.Main(m)
	if *notesPath != "" && len(observations) > 0 {
		if err := writeNotes(*notesPath); err != nil {
			fmt.Fprintln(os.Stderr, "writing notes:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// Waits. Running tasks of the probe start in 1–3 s here; a stuck task is
// declared stuck after stuckWait.
const (
	runWait   = 45 * time.Second
	stuckWait = 8 * time.Second
)

// observation is one experiment's result, as written to the notes.
type observation struct {
	Behaviour  string // anchor in docs/swarm-behaviour.md
	Experiment string
	Command    string
	Verdict    enginetest.Verdict
	Evidence   []string // inspect output, task states, daemon log lines
	Expected   string   // what docs/swarm-behaviour.md says
	Agreement  string   // "agrees" or "differs: why"
}

var (
	obsMu        sync.Mutex
	observations []observation
	engineInfo   enginetest.Engine
	swarmInfo    = map[string]enginetest.Swarm{}
)

func record(t *testing.T, o observation) {
	t.Helper()
	obsMu.Lock()
	observations = append(observations, o)
	obsMu.Unlock()
	t.Logf("%s %s\n  command: %s\n  outcome: %s\n  message: %q\n  evidence: %q\n  expected: %s\n  %s",
		o.Behaviour, o.Experiment, o.Command, o.Verdict.Outcome, o.Verdict.Message, o.Evidence, o.Expected, o.Agreement)
}

func testdata(name string) string { return filepath.Join("testdata", name) }

func deployCmd(stack string, files ...string) string {
	var b strings.Builder
	b.WriteString("docker stack deploy --detach=true --resolve-image never")
	for _, f := range files {
		b.WriteString(" -c " + testdata(f))
	}
	return b.String() + " " + stack
}

// deploy runs one stack experiment and returns the verdict.
func deploy(t *testing.T, stack string, wait time.Duration, files ...string) (enginetest.Verdict, []enginetest.TaskState) {
	t.Helper()
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = testdata(f)
	}
	return enginetest.DeployAndClassify(t, stack, wait, paths...)
}

// want fails the test unless v has the outcome and its message matches re.
func want(t *testing.T, v enginetest.Verdict, outcome, re string) {
	t.Helper()
	if v.Outcome != outcome {
		t.Errorf("outcome = %s, want %s (message %q)", v.Outcome, outcome, v.Message)
	}
	if re != "" && !regexp.MustCompile(re).MatchString(v.Message) {
		t.Errorf("message %q does not match %q", v.Message, re)
	}
}

func taskSummary(tasks []enginetest.TaskState) string {
	var parts []string
	for _, s := range tasks {
		if s.DesiredState != "Running" {
			continue
		}
		p := s.Name + "=" + s.State
		if s.Error != "" {
			p += " (" + s.Error + ")"
		}
		parts = append(parts, p)
	}
	sort.Strings(parts)
	return "tasks: " + strings.Join(parts, ", ")
}

func ipamSummary(t *testing.T, name string) (enginetest.Network, string) {
	t.Helper()
	n, err := enginetest.NetworkInspect(name)
	if err != nil {
		t.Fatalf("network inspect %s: %v", name, err)
	}
	cfg, _ := json.Marshal(n.IPAM.Config)
	return n, fmt.Sprintf("network inspect %s: Driver=%q IPAM.Config=%s", name, n.Driver, cfg)
}

// TestOnDefaultSwarm runs the stack, port and ingress experiments on one
// swarm initialised without pool flags (ingress 10.0.0.0/24).
func TestOnDefaultSwarm(t *testing.T) {
	engineInfo = enginetest.RequireEngine(t)
	t.Logf("engine: server %s (API %s), client %s", engineInfo.ServerVersion, engineInfo.APIVersion, engineInfo.ClientVersion)
	sw := enginetest.InitSwarm(t)
	obsMu.Lock()
	swarmInfo["default"] = sw
	obsMu.Unlock()
	t.Logf("swarm initialised with --advertise-addr %s (dummy interface: %q)", sw.AdvertiseAddr, sw.Dummy)
	ing, _ := ipamSummary(t, "ingress")
	if len(ing.IPAM.Config) != 1 || ing.IPAM.Config[0].Subnet != "10.0.0.0/24" {
		t.Fatalf("ingress IPAM = %+v, want 10.0.0.0/24", ing.IPAM.Config)
	}

	t.Run("dnsrr-with-ingress-port/dnsrr-ingress-port", func(t *testing.T) {
		v, _ := deploy(t, "gt030", runWait, "gt030-dnsrr-ingress-port.yml")
		want(t, v, enginetest.OutcomeRejected, `^failed to create service gt030_cache: Error response from daemon: rpc error: code = (InvalidArgument|3) desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode$`)
		record(t, observation{Behaviour: "dnsrr-with-ingress-port", Experiment: "dnsrr + short-syntax port",
			Command: deployCmd("gt030", "gt030-dnsrr-ingress-port.yml"), Verdict: v,
			Expected: "error: `EndpointSpec: port published with ingress mode can't be used with dnsrr mode`", Agreement: "agrees"})
	})

	t.Run("dnsrr-with-ingress-port/dnsrr-host-port", func(t *testing.T) {
		v, tasks := deploy(t, "gt030h", runWait, "gt030-dnsrr-host-port.yml")
		want(t, v, enginetest.OutcomeRunning, `^$`)
		record(t, observation{Behaviour: "dnsrr-with-ingress-port", Experiment: "dnsrr + host-mode port (allowed side)",
			Command: deployCmd("gt030h", "gt030-dnsrr-host-port.yml"), Verdict: v, Evidence: []string{taskSummary(tasks)},
			Expected: "host-mode ports are allowed with dnsrr", Agreement: "agrees"})
	})

	t.Run("duplicate-published-port/duplicate-published-port", func(t *testing.T) {
		v, _ := deploy(t, "gt031", runWait, "gt031-duplicate-published-port.yml")
		want(t, v, enginetest.OutcomeRejected, `^failed to create service gt031_web: Error response from daemon: rpc error: code = (InvalidArgument|3) desc = EndpointSpec: duplicate published ports provided$`)
		record(t, observation{Behaviour: "duplicate-published-port", Experiment: "18080 ingress + 18080 host in one service",
			Command: deployCmd("gt031", "gt031-duplicate-published-port.yml"), Verdict: v,
			Expected: "error regardless of publish mode: `EndpointSpec: duplicate published ports provided`", Agreement: "agrees"})
	})

	t.Run("duplicate-published-port/same-port-other-protocol", func(t *testing.T) {
		v, tasks := deploy(t, "gt031p", runWait, "gt031-same-port-other-protocol.yml")
		want(t, v, enginetest.OutcomeRunning, `^$`)
		record(t, observation{Behaviour: "duplicate-published-port", Experiment: "18053/tcp + 18053/udp (allowed side)",
			Command: deployCmd("gt031p", "gt031-same-port-other-protocol.yml"), Verdict: v, Evidence: []string{taskSummary(tasks)},
			Expected: "duplicates are (published, protocol) pairs", Agreement: "agrees"})
	})

	t.Run("published-port-conflict/two-services-same-ingress-port", func(t *testing.T) {
		v, _ := deploy(t, "gt033", runWait, "gt033-two-services-same-port.yml")
		// Services, like networks, are created in Go map order: either one
		// may be the one refused.
		m := regexp.MustCompile(`^failed to create service gt033_([ab]): Error response from daemon: rpc error: code = (InvalidArgument|3) desc = port '18081' is already in use by service 'gt033_([ab])' \([a-z0-9]{25}\) as an ingress port$`).FindStringSubmatch(v.Message)
		if v.Outcome != enginetest.OutcomeRejected || m == nil || m[1] == m[3] {
			t.Fatalf("verdict %s", v)
		}
		if _, err := enginetest.ServiceInspect("gt033_" + m[3]); err != nil {
			t.Errorf("gt033_%s should exist (created before the conflict): %v", m[3], err)
		}
		record(t, observation{Behaviour: "published-port-conflict", Experiment: "services a and b both publish 18081 (ingress)",
			Command: deployCmd("gt033", "gt033-two-services-same-port.yml"), Verdict: v,
			Evidence:  []string{"created: gt033_" + m[3] + "; refused: gt033_" + m[1]},
			Expected:  "error: `port '%d' is already in use by service '%s' (%s) as an ingress port`",
			Agreement: "agrees; the first service created stays (half-deployed stack), and which of the two is refused changes from run to run (map order)"})
	})

	t.Run("published-port-conflict/host-vs-host-same-port", func(t *testing.T) {
		v, tasks := deploy(t, "gt033h", stuckWait, "gt033-host-vs-host.yml")
		want(t, v, enginetest.OutcomeFailed, `host-mode port already in use on 1 node`)
		record(t, observation{Behaviour: "published-port-conflict", Experiment: "services a and b both publish 18083 in host mode, one node",
			Command: deployCmd("gt033h", "gt033-host-vs-host.yml"), Verdict: v, Evidence: []string{taskSummary(tasks)},
			Expected:  "host vs host is not a controlapi conflict; left to the scheduler (swarm-behaviour.md#host-port-per-node: `host-mode port already in use on 1 node`)",
			Agreement: "agrees: deploy accepted, the second task stays Pending with the scheduler message"})
	})

	t.Run("subnet-host-bits/subnet-host-bits", func(t *testing.T) {
		v, tasks := deploy(t, "gt004", runWait, "gt004-subnet-host-bits.yml")
		obs := observation{Behaviour: "subnet-host-bits", Experiment: "subnet 10.77.1.1/24",
			Command: deployCmd("gt004", "gt004-subnet-host-bits.yml"), Verdict: v,
			Expected: "error: `invalid network config:\\n%w` wrapping `invalid subnet %s: it should be %s`"}
		switch v.Outcome {
		case enginetest.OutcomeRejected:
			want(t, v, enginetest.OutcomeRejected, `invalid subnet 10\.77\.1\.1/24: it should be 10\.77\.1\.0/24`)
			obs.Agreement = "agrees"
		default:
			want(t, v, enginetest.OutcomeRunning, `^$`)
			n, ev := ipamSummary(t, "gt004_back")
			obs.Evidence = []string{taskSummary(tasks), ev}
			if len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Subnet != "10.77.1.1/24" {
				t.Errorf("IPAM config = %+v, want the subnet kept as written", n.IPAM.Config)
			}
			obs.Agreement = "differs (version): this engine has no host-bits check; the network is created with the subnet as written, gateway = the written address, and tasks run. The check came with moby/moby#45759 (Engine v25)"
		}
		record(t, obs)
	})

	t.Run("driver-not-swarm-scoped/bridge-driver", func(t *testing.T) {
		v, _ := deploy(t, "gt005", runWait, "gt005-bridge-driver.yml")
		want(t, v, enginetest.OutcomeRejected, `^failed to create service gt005_app: Error response from daemon: The network gt005_local cannot be used with services\. Only networks scoped to the swarm can be used, such as those created with the overlay driver\.$`)
		n, ev := ipamSummary(t, "gt005_local")
		if n.Scope != "local" || n.Driver != "bridge" {
			t.Errorf("gt005_local scope/driver = %s/%s, want local/bridge", n.Scope, n.Driver)
		}
		record(t, observation{Behaviour: "driver-not-swarm-scoped", Experiment: "stack network with driver: bridge",
			Command: deployCmd("gt005", "gt005-bridge-driver.yml"), Verdict: v,
			Evidence:  []string{ev + fmt.Sprintf(" Scope=%q (node-local network left on the manager)", n.Scope)},
			Expected:  "error: `The network %s cannot be used with services. Only networks scoped to the swarm can be used, such as those created with the overlay driver.`",
			Agreement: "agrees (no rpc prefix: the daemon rejects it before SwarmKit); the local bridge network is created first and stays"})
	})

	t.Run("undefined-network/undefined-network", func(t *testing.T) {
		v, _ := deploy(t, "gt008", runWait, "gt008-undefined-network.yml")
		want(t, v, enginetest.OutcomeRejected, `^service app: undefined network "missing"$`)
		var ev []string
		for _, n := range []string{"gt008_front", "gt008_missing"} {
			_, s := ipamSummary(t, n)
			ev = append(ev, s)
		}
		record(t, observation{Behaviour: "undefined-network", Experiment: "service uses undeclared network `missing`",
			Command: deployCmd("gt008", "gt008-undefined-network.yml"), Verdict: v, Evidence: ev,
			Expected:  "error: `undefined network %q`, wrapped `service %s: …`; `<stack>_<name>` created before the failure (code-derived)",
			Agreement: "agrees, including the side effect: gt008_missing and gt008_front exist after the failed deploy"})
	})

	for _, tc := range []struct{ name, re, note string }{
		{"host", `^failed to create network host: Error response from daemon: network with name host already exists$`, "agrees (the `already exists` check fires first, as docs/swarm-behaviour.md predicts)"},
		{"bridge", `^failed to create network bridge: Error response from daemon: network with name bridge already exists$`, "agrees (`already exists` fires first)"},
		{"none", `^failed to create network none: Error response from daemon: operation is not permitted on predefined none network$`, "agrees on the text; the CLI prints it without the trailing space the daemon's format has"},
		{"default", `^failed to create network default: Error response from daemon: operation is not permitted on predefined default network$`, "agrees on the text; no trailing space as printed"},
		{"ingress", `^failed to create network ingress: Error response from daemon: network with name ingress already exists$`, "agrees with SWL008 (ingress is an existing swarm network)"},
		{"docker_gwbridge", `^failed to create network docker_gwbridge: Error response from daemon: network with name docker_gwbridge already exists$`, "agrees with SWL008 (docker_gwbridge exists once the node is in a swarm)"},
	} {
		t.Run("predefined-network-name/name-"+tc.name, func(t *testing.T) {
			stack := "gt011" + strings.ReplaceAll(tc.name, "_", "")
			file := "gt011-name-" + tc.name + ".yml"
			v, _ := deploy(t, stack, runWait, file)
			want(t, v, enginetest.OutcomeRejected, tc.re)
			record(t, observation{Behaviour: "predefined-network-name", Experiment: "network `name: " + tc.name + "`",
				Command: deployCmd(stack, file), Verdict: v,
				Expected:  "error: `operation is not permitted on predefined %s network ` or `network with name … already exists`",
				Agreement: tc.note})
		})
	}

	t.Run("predefined-network-name/key-host", func(t *testing.T) {
		v, tasks := deploy(t, "gt011k", runWait, "gt011-key-host.yml")
		want(t, v, enginetest.OutcomeRunning, `^$`)
		_, ev := ipamSummary(t, "gt011k_host")
		record(t, observation{Behaviour: "predefined-network-name", Experiment: "network key `host` without `name:` (allowed side)",
			Command: deployCmd("gt011k", "gt011-key-host.yml"), Verdict: v, Evidence: []string{taskSummary(tasks), ev},
			Expected: "only the resulting name matters", Agreement: "agrees: the network is `gt011k_host`, an ordinary overlay"})
	})

	t.Run("host-ip-ignored/host-ip-ignored", func(t *testing.T) {
		v, tasks := deploy(t, "gt017", runWait, "gt017-host-ip.yml")
		want(t, v, enginetest.OutcomeRunning, `^time="[^"]+" level=warning msg="ignoring IP-address \(127\.0\.0\.1:15432:80/tcp\) service will listen on '0\.0\.0\.0'"$`)
		s, err := enginetest.ServiceInspect("gt017_db")
		if err != nil {
			t.Fatal(err)
		}
		ports, _ := json.Marshal(s.Endpoint.Ports)
		if len(s.Endpoint.Ports) != 1 || s.Endpoint.Ports[0].PublishedPort != 15432 || s.Endpoint.Ports[0].PublishMode != "ingress" {
			t.Errorf("Endpoint.Ports = %s, want one ingress port 15432", ports)
		}
		if strings.Contains(string(s.Raw), "127.0.0.1") {
			t.Errorf("service inspect mentions 127.0.0.1: %s", s.Raw)
		}
		record(t, observation{Behaviour: "host-ip-ignored", Experiment: "`127.0.0.1:15432:80`",
			Command: deployCmd("gt017", "gt017-host-ip.yml"), Verdict: v,
			Evidence:  []string{taskSummary(tasks), "service inspect gt017_db: Endpoint.Ports=" + string(ports) + "; no address anywhere in the spec"},
			Expected:  "warning: `ignoring IP-address (%s:%s) service will listen on '0.0.0.0'`",
			Agreement: "agrees (printed by the CLI as a logrus line on stderr; the API has no host-IP field)"})
	})

	t.Run("subnet-overlap/overlapping-subnets", func(t *testing.T) {
		mark := enginetest.MarkDaemonLog()
		v, tasks := deploy(t, "gt060", stuckWait, "gt060-overlapping-subnets.yml")
		want(t, v, enginetest.OutcomeFailed, `gt060_[ab]\.1 new`)
		// docker stack deploy creates the networks in Go map order, so either
		// network may be allocated first; the other one loses.
		one, ev1 := ipamSummary(t, "gt060_one")
		two, ev2 := ipamSummary(t, "gt060_two")
		allocated := map[string]bool{"gt060_a": len(one.IPAM.Config) > 0, "gt060_b": len(two.IPAM.Config) > 0}
		if allocated["gt060_a"] == allocated["gt060_b"] {
			t.Fatalf("want exactly one network allocated: %s; %s", ev1, ev2)
		}
		loser := "gt060_two (10.80.1.0/24)"
		if !allocated["gt060_a"] {
			loser = "gt060_one (10.80.0.0/16)"
		}
		if allocated["gt060_a"] {
			tasks = settle(t, "gt060", tasks, "gt060_a")
		} else {
			tasks = settle(t, "gt060", tasks, "gt060_b")
		}
		for _, s := range tasks {
			if s.DesiredState == "Running" && s.Running() != allocated[s.Service] {
				t.Errorf("task %s is %s although its network allocated=%v", s.Name, s.State, allocated[s.Service])
			}
		}
		ev := []string{taskSummary(tasks), ev1, ev2, "network that lost this run: " + loser}
		ev = append(ev, logEvidence(mark, "Failed allocation for network")...)
		record(t, observation{Behaviour: "subnet-overlap", Experiment: "networks one 10.80.0.0/16 and two 10.80.1.0/24",
			Command: deployCmd("gt060", "gt060-overlapping-subnets.yml"), Verdict: v, Evidence: ev,
			Expected: "error-async: create succeeds; allocator logs `failed allocating pools and gateway IP for network %s: invalid pool request: Pool overlaps with other one on this address space`; tasks never start",
			Agreement: "agrees; `docker service ps` shows the task in New with an empty ERROR column, the only client-side sign is the network inspect (Driver \"\", IPAM.Config null); the log text has no `invalid pool request:` prefix on 20.10. " +
				"Which of the two networks fails changes from run to run (the CLI creates networks in map order), so the linter must report the pair, not pick a loser"})
	})

	t.Run("subnet-overlaps-ingress/subnet-overlaps-ingress", func(t *testing.T) {
		mark := enginetest.MarkDaemonLog()
		v, tasks := deploy(t, "gt061", stuckWait, "gt061-subnet-overlaps-ingress.yml")
		want(t, v, enginetest.OutcomeFailed, `gt061_app\.1 new`)
		n, ev := ipamSummary(t, "gt061_wide")
		if n.Driver != "" || len(n.IPAM.Config) != 0 {
			t.Errorf("gt061_wide should be unallocated: %s", ev)
		}
		evs := append([]string{taskSummary(tasks), ev}, logEvidence(mark, "Failed allocation for network")...)
		record(t, observation{Behaviour: "subnet-overlaps-ingress", Experiment: "subnet 10.0.0.0/16 while ingress is 10.0.0.0/24",
			Command: deployCmd("gt061", "gt061-subnet-overlaps-ingress.yml"), Verdict: v, Evidence: evs,
			Expected:  "error-async: same `Pool overlaps…` error; ingress is 10.0.0.0/24 on swarms created after swarmkit 9ccb20b",
			Agreement: "agrees: ingress here is 10.0.0.0/24; the network stays unallocated and the task stays New"})
	})

	t.Run("encrypted-option-presence/encrypted-false", func(t *testing.T) {
		v, tasks := deploy(t, "gt090", runWait, "gt090-encrypted-false.yml")
		want(t, v, enginetest.OutcomeRunning, `^$`)
		n, err := enginetest.NetworkInspect("gt090_enc")
		if err != nil {
			t.Fatal(err)
		}
		if val, ok := n.Options["encrypted"]; !ok || val != "false" {
			t.Errorf("Options = %v, want encrypted=false present", n.Options)
		}
		mtu := map[string]int{}
		for _, svc := range []string{"gt090_secret", "gt090_plain"} {
			ifs, err := enginetest.ProbeInterfaces(svc)
			if err != nil {
				t.Fatalf("interfaces of %s: %v", svc, err)
			}
			for _, i := range ifs {
				if i.Name == "eth0" {
					mtu[svc] = i.MTU
				}
			}
		}
		if mtu["gt090_secret"] != 1424 || mtu["gt090_plain"] != 1450 {
			t.Errorf("eth0 MTU secret/plain = %d/%d, want 1424/1450", mtu["gt090_secret"], mtu["gt090_plain"])
		}
		opts, _ := json.Marshal(n.Options)
		record(t, observation{Behaviour: "encrypted-option-presence", Experiment: "`driver_opts: {encrypted: \"false\"}` next to a plain network",
			Command: deployCmd("gt090", "gt090-encrypted-false.yml"), Verdict: v,
			Evidence: []string{taskSummary(tasks), "network inspect gt090_enc: Options=" + string(opts),
				fmt.Sprintf("eth0 MTU inside the task (docker exec … /probe ifaces): encrypted:\"false\" network %d, plain network %d (host eth0 MTU is not consulted)", mtu["gt090_secret"], mtu["gt090_plain"])},
			Expected:  "warning: only the key's presence is checked, so `encrypted: \"false\"` still encrypts (code-derived); swarm-behaviour.md#overlay-mtu: MTU 1450 plain, 1424 encrypted",
			Agreement: "agrees, now shown at runtime: the encrypted:\"false\" network gets the encrypted MTU 1424 (1500−50−26, rounded to 4) while the plain one gets 1450"})
	})

	for _, tc := range []struct {
		replicas int
		outcome  string
	}{{3, enginetest.OutcomeRunning}, {4, enginetest.OutcomeFailed}, {6, enginetest.OutcomeFailed}} {
		t.Run(fmt.Sprintf("overlay-address-demand/slash29-%d-replicas", tc.replicas), func(t *testing.T) {
			stack := fmt.Sprintf("gt051r%d", tc.replicas)
			file := fmt.Sprintf("gt051-slash29-%d-replicas.yml", tc.replicas)
			mark := enginetest.MarkDaemonLog()
			wait := runWait
			if tc.outcome == enginetest.OutcomeFailed {
				wait = stuckWait
			}
			v, tasks := deploy(t, stack, wait, file)
			want(t, v, tc.outcome, "")
			s, err := enginetest.ServiceInspect(stack + "_app")
			if err != nil {
				t.Fatal(err)
			}
			vip, _ := json.Marshal(s.Endpoint.VirtualIPs)
			ev := []string{taskSummary(tasks), "service VIPs: " + string(vip)}
			ev = append(ev, logEvidence(mark, "could not find an available IP")...)
			agree := "agrees: 1 VIP + 3 tasks + 1 LB = 5 = usable, all tasks run"
			if tc.outcome == enginetest.OutcomeFailed {
				agree = fmt.Sprintf("agrees: demand %d > 5 usable; no task reaches Running — tasks that got an address wait in Preparing because the node's load-balancer address cannot be allocated, the rest stay New", tc.replicas+2)
			}
			record(t, observation{Behaviour: "overlay-address-demand", Experiment: fmt.Sprintf("/29 (5 usable) with %d replicas (demand %d)", tc.replicas, tc.replicas+2),
				Command: deployCmd(stack, file), Verdict: v, Evidence: ev,
				Expected:  "usable = 2^(32-p) − 3; need = VIPs + tasks + 1 LB per node; failure is async (`could not find an available IP`), tasks stuck",
				Agreement: agree})
		})
	}

	t.Run("one-ingress-network/second-ingress", func(t *testing.T) {
		v, steps := script(t, "gt100-second-ingress.sh")
		want(t, v, enginetest.OutcomeRejected, `^Error response from daemon: rpc error: code = (AlreadyExists|6) desc = ingress network \([a-z0-9]{25}\) is already present$`)
		record(t, observation{Behaviour: "one-ingress-network", Experiment: "`docker network create --driver overlay --ingress … ingress-two`",
			Command: "bash testdata/gt100-second-ingress.sh (via RunScript)", Verdict: v, Evidence: stepEvidence(steps),
			Expected: "error: `ingress network (%s) is already present`", Agreement: "agrees"})
	})

	t.Run("ingress-not-attachable/ingress-attachable", func(t *testing.T) {
		v, steps := script(t, "gt101-ingress-attachable.sh")
		want(t, v, enginetest.OutcomeRejected, `^Error response from daemon: rpc error: code = (InvalidArgument|3) desc = ingress network cannot be attachable$`)
		record(t, observation{Behaviour: "ingress-not-attachable", Experiment: "`docker network create --driver overlay --ingress --attachable ingress-att`",
			Command: "bash testdata/gt101-ingress-attachable.sh (via RunScript)", Verdict: v, Evidence: stepEvidence(steps),
			Expected:  "error: `ingress network cannot be attachable`",
			Agreement: "agrees; checked before the one-ingress rule, so it is reported even while ingress exists"})
	})

	t.Run("ingress-removal/remove-ingress-in-use", func(t *testing.T) {
		v, tasks := deploy(t, "gt103", runWait, "gt103-publisher.yml")
		want(t, v, enginetest.OutcomeRunning, "")
		_, steps := script(t, "gt103-remove-ingress-in-use.sh")
		if len(steps) != 3 {
			t.Fatalf("steps = %+v", steps)
		}
		prompt := `WARNING! Before removing the routing-mesh network, make sure all the nodes in your swarm run the same docker engine version. Otherwise, removal may not be effective and functionality of newly create ingress networks will be impaired.
Are you sure you want to continue? [y/N] `
		if steps[0].ExitCode != 0 || steps[0].Output != prompt {
			t.Errorf("unattended rm: exit %d output %q, want exit 0 and only the prompt", steps[0].ExitCode, steps[0].Output)
		}
		re := regexp.MustCompile(`(?s)^` + regexp.QuoteMeta(prompt) + `Error response from daemon: rpc error: code = (FailedPrecondition|9) desc = ingress network cannot be removed because service [a-z0-9]{25} depends on it\n?`)
		if steps[1].ExitCode != 1 || !re.MatchString(steps[1].Output) {
			t.Errorf("confirmed rm: exit %d output %q", steps[1].ExitCode, steps[1].Output)
		}
		if steps[2].ExitCode != 1 || steps[2].Output != "Error response from daemon: network with name ingress already exists" {
			t.Errorf("create: exit %d output %q", steps[2].ExitCode, steps[2].Output)
		}
		if _, err := enginetest.NetworkInspect("ingress"); err != nil {
			t.Errorf("ingress must still exist: %v", err)
		}
		confirmed := enginetest.Verdict{Outcome: enginetest.OutcomeRejected, Message: strings.TrimPrefix(steps[1].Output, prompt)}
		record(t, observation{Behaviour: "ingress-removal", Experiment: "`echo y | docker network rm ingress` while gt103_web publishes 18090",
			Command: "bash testdata/gt103-remove-ingress-in-use.sh (via RunScript), step 2", Verdict: confirmed,
			Evidence:  append([]string{taskSummary(tasks)}, stepEvidence(steps)...),
			Expected:  "error: `ingress network cannot be removed because service %s depends on it`; CLI prompt `WARNING! Before removing the routing-mesh network, …`",
			Agreement: "agrees (the %s is the service ID, not its name). Unattended (stdin at EOF) the prompt is answered No: exit status 0, nothing printed after the prompt, ingress kept, so the next `network create --ingress … ingress` fails with `network with name ingress already exists`"})
		unattended := enginetest.Verdict{Outcome: enginetest.OutcomeAccepted, Message: steps[0].Output}
		record(t, observation{Behaviour: "ingress-removal", Experiment: "`docker network rm ingress` in a script (stdin not a terminal)",
			Command: "bash testdata/gt103-remove-ingress-in-use.sh (via RunScript), step 1", Verdict: unattended,
			Expected:  "not covered: swarm-behaviour.md listed the prompt only",
			Agreement: "new fact: exit 0 without removing anything (the prompt reads EOF = No). A bootstrap script that removes ingress without `echo y |`/`yes |` silently keeps the old ingress"})

		// The documented order: remove the publishing services first.
		enginetest.RemoveStack(t, "gt103")
		_, steps2 := script(t, "gt103-recreate-ingress.sh")
		t.Cleanup(func() { removeService(t, "gt040-web") })
		if len(steps2) != 4 || steps2[1].ExitCode != 0 || steps2[2].ExitCode == 0 {
			t.Fatalf("recreate steps: %s", stepEvidence(steps2))
		}
		gt040 := regexp.MustCompile(`^Error response from daemon: rpc error: code = (FailedPrecondition|9) desc = service needs ingress network, but no ingress network is present$`)
		if !gt040.MatchString(steps2[2].Output) {
			t.Errorf("service create without ingress printed %q", steps2[2].Output)
		}
		record(t, observation{Behaviour: "ingress-network-required", Experiment: "`docker service create --publish 18091:80 …` right after ingress was removed",
			Command:   "bash testdata/gt103-recreate-ingress.sh (via RunScript), line 6",
			Verdict:   enginetest.Verdict{Outcome: enginetest.OutcomeRejected, Message: steps2[2].Output},
			Evidence:  stepEvidence(steps2[:3]),
			Expected:  "error: `service needs ingress network, but no ingress network is present`",
			Agreement: "agrees; once the publishing stack is gone, `echo y | docker network rm ingress` succeeds (prints `ingress`)"})

		// Recreating under the same name right away races with the node
		// dropping its local copy of the old ingress (about 2 s here).
		immediate := enginetest.Verdict{Outcome: enginetest.OutcomeAccepted, Message: steps2[3].Output}
		if steps2[3].ExitCode != 0 {
			immediate.Outcome = enginetest.OutcomeRejected
			if steps2[3].Output != "Error response from daemon: network with name ingress already exists" {
				t.Errorf("immediate create printed %q", steps2[3].Output)
			}
			var gone time.Duration
			begin := time.Now()
			if err := pollFor(30*time.Second, func() bool {
				_, err := enginetest.NetworkInspect("ingress")
				return err != nil
			}); err != nil {
				t.Fatalf("old ingress still listed: %v", err)
			}
			gone = time.Since(begin).Round(100 * time.Millisecond)
			_, steps3 := script(t, "gt103-create-ingress.sh")
			if steps3[0].ExitCode != 0 {
				t.Fatalf("create after the old ingress disappeared: %s", stepEvidence(steps3))
			}
			immediate.Message += fmt.Sprintf("\n(the node still listed the old ingress for %s more; the same create then succeeded)", gone)
		}
		n, ev := ipamSummary(t, "ingress")
		if !n.Ingress || len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Subnet != "10.61.0.0/24" {
			t.Errorf("recreated ingress: %s Ingress=%v", ev, n.Ingress)
		}
		if _, ok := n.Options["encrypted"]; !ok {
			t.Errorf("recreated ingress lacks the encrypted option: %v", n.Options)
		}
		record(t, observation{Behaviour: "ingress-removal", Experiment: "recreate `ingress` under the same name right after `echo y | docker network rm ingress`",
			Command: "bash testdata/gt103-recreate-ingress.sh (via RunScript), line 7", Verdict: immediate,
			Evidence:  []string{stepEvidence(steps2)[3], ev + fmt.Sprintf(" Ingress=%v Options=%v", n.Ingress, n.Options)},
			Expected:  "not covered: the docs' procedure is remove, then create",
			Agreement: "new fact (timing-dependent): the removal is asynchronous on the node, so an immediate create with the same name can fail with `network with name ingress already exists`; waiting until `docker network inspect ingress` fails makes it succeed"})
	})
}

// TestSwarmInitFlags runs the `docker swarm init` experiments, one
// leave/init cycle each.
func TestSwarmInitFlags(t *testing.T) {
	engineInfo = enginetest.RequireEngine(t)
	for _, tc := range []struct {
		behaviour, name string
		flags           []string
		re              string
		truth           string
		note            string
	}{
		{"pool-mask-length-range", "mask-length-30", []string{"--default-addr-pool", "10.60.0.0/16", "--default-addr-pool-mask-length", "30"},
			`^Error response from daemon: subnet size is out of range: 30$`, "error: `subnet size is out of range: %d`", "agrees"},
		{"pool-mask-length-range", "mask-length-30-without-pool", []string{"--default-addr-pool-mask-length", "30"},
			`^Error response from daemon: subnet size is out of range: 30$`, "validated whenever the (possibly empty) pool list is sent (code-derived)",
			"agrees: the mask is validated even without --default-addr-pool"},
		{"pool-mask-shorter-than-pool", "mask-shorter-than-pool", []string{"--default-addr-pool", "10.60.0.0/16", "--default-addr-pool-mask-length", "8"},
			`^Error response from daemon: invalid CIDR: "10\.60\.0\.0/16"\. Subnet size is too small for pool: 8$`, "error: `invalid CIDR: %q. Subnet size is too small for pool: %d`", "agrees"},
		{"data-path-port-range", "data-path-port-80", []string{"--data-path-port", "80"},
			`^Error response from daemon: Datapath port number is not in valid range \(1024-49151\) : 80$`, "error: `Datapath port number is not in valid range (1024-49151) : %d`", "agrees (space before the colon included)"},
		{"data-path-port-range", "data-path-port-50000", []string{"--data-path-port", "50000"},
			`^Error response from daemon: Datapath port number is not in valid range \(1024-49151\) : 50000$`, "error: same message", "agrees"},
	} {
		t.Run(tc.behaviour+"/"+tc.name, func(t *testing.T) {
			out, err := enginetest.TryInitSwarm(t, tc.flags...)
			v := enginetest.Classify(out, err, nil, nil)
			want(t, v, enginetest.OutcomeRejected, tc.re)
			record(t, observation{Behaviour: tc.behaviour, Experiment: strings.Join(tc.flags, " "),
				Command: "docker swarm init --advertise-addr " + advertiseAddr() + " " + strings.Join(tc.flags, " "), Verdict: v,
				Expected: tc.truth, Agreement: tc.note})
		})
	}

	t.Run("pool-mask-without-pool/mask-length-0", func(t *testing.T) {
		mark := enginetest.MarkDaemonLog()
		flags := []string{"--default-addr-pool", "10.60.0.0/16", "--default-addr-pool-mask-length", "0"}
		out, err := enginetest.TryInitSwarm(t, flags...)
		if err != nil {
			t.Fatalf("init: %v\n%s", err, out)
		}
		var ing enginetest.Network
		// Ingress is allocated right after init when allocation works.
		perr := pollFor(5*time.Second, func() bool {
			ing, _ = enginetest.NetworkInspect("ingress")
			return len(ing.IPAM.Config) > 0
		})
		cfg, _ := json.Marshal(ing.IPAM.Config)
		if perr == nil {
			t.Errorf("ingress got a subnet (%s); expected the allocator to fail with mask length 0", cfg)
		}
		ev := []string{fmt.Sprintf("network inspect ingress: Driver=%q IPAM.Config=%s (after 5 s)", ing.Driver, cfg)}
		ev = append(ev, logEvidence(mark, "allocator exited")...)
		record(t, observation{Behaviour: "pool-mask-without-pool", Experiment: strings.Join(flags, " "),
			Command: "docker swarm init --advertise-addr " + advertiseAddr() + " " + strings.Join(flags, " "),
			Verdict: enginetest.Verdict{Outcome: enginetest.OutcomeAccepted, Message: firstLine(out)}, Evidence: ev,
			Expected:  "mask 0 passes validation but Size 0 reaches IPAM, which rejects it (code-derived, unverified at runtime)",
			Agreement: "agrees and is worse than a rejected network: init succeeds, then the whole allocator stops (`invalid pools size: 0` in the log), so not even ingress gets a subnet and no network or task is ever allocated"})
	})

	t.Run("pools-at-init-only/pool-mask-28-data-path-port-7777", func(t *testing.T) {
		flags := []string{"--default-addr-pool", "10.60.0.0/16", "--default-addr-pool-mask-length", "28", "--data-path-port", "7777"}
		enginetest.InitSwarm(t, flags...)
		info, err := dockerInfoSwarm()
		if err != nil {
			t.Fatal(err)
		}
		if info != `["10.60.0.0/16"] 28 7777` {
			t.Errorf("docker info: %s", info)
		}
		ing, ingEv := ipamSummary(t, "ingress")
		if len(ing.IPAM.Config) != 1 || ing.IPAM.Config[0].Subnet != "10.60.0.0/28" {
			t.Errorf("ingress: %s", ingEv)
		}
		v, tasks := deploy(t, "gt061p", stuckWait, "gt061-pool-ingress-overlap.yml")
		want(t, v, enginetest.OutcomeFailed, `gt061p_clash\.1 new`)
		tasks = settle(t, "gt061p", tasks, "gt061p_fine", "gt061p_auto")
		state := map[string]string{}
		for _, s := range tasks {
			state[s.Service] = s.State
		}
		if state["gt061p_fine"] != "running" || state["gt061p_auto"] != "running" || state["gt061p_clash"] != "new" {
			t.Errorf("want fine and auto running, clash new: %s", taskSummary(tasks))
		}
		auto, autoEv := ipamSummary(t, "gt061p_auto")
		if len(auto.IPAM.Config) != 1 || auto.IPAM.Config[0].Subnet != "10.60.0.16/28" {
			t.Errorf("auto network: %s", autoEv)
		}
		_, clashEv := ipamSummary(t, "gt061p_clash")
		_, fineEv := ipamSummary(t, "gt061p_fine")
		record(t, observation{Behaviour: "pools-at-init-only", Experiment: strings.Join(flags, " ") + ", then a stack with subnets 10.60.0.0/24, 10.0.0.0/16 and one without",
			Command: "docker swarm init --advertise-addr " + advertiseAddr() + " " + strings.Join(flags, " ") + "; " + deployCmd("gt061p", "gt061-pool-ingress-overlap.yml"),
			Verdict: v, Evidence: []string{"docker info: DefaultAddrPool SubnetSize DataPathPort = " + info, ingEv, autoEv, clashEv, fineEv, taskSummary(tasks)},
			Expected:  "pools set only at init; ingress takes the first pool subnet; later networks are allocated sequentially; swarm-behaviour.md#subnet-overlaps-ingress overlap is with the ingress subnet wherever it is",
			Agreement: "agrees: ingress 10.60.0.0/28, the first auto network 10.60.0.16/28, an explicit 10.60.0.0/24 overlaps ingress and never allocates, 10.0.0.0/16 is fine once the pool moved"})
	})
}

func script(t *testing.T, name string) (enginetest.Verdict, []enginetest.ScriptStep) {
	t.Helper()
	steps, err := enginetest.RunScript(t, testdata(name))
	if err != nil {
		for _, s := range steps {
			if s.Ran && s.ExitCode != 0 {
				return enginetest.Verdict{Outcome: enginetest.OutcomeRejected, Message: enginetest.DockerMessage(s.Output)}, steps
			}
		}
		return enginetest.Verdict{Outcome: enginetest.OutcomeRejected, Message: err.Error()}, steps
	}
	var msgs []string
	for _, s := range steps {
		if m := enginetest.DockerMessage(s.Output); m != "" {
			msgs = append(msgs, m)
		}
	}
	return enginetest.Verdict{Outcome: enginetest.OutcomeAccepted, Message: strings.Join(msgs, "\n")}, steps
}

func stepEvidence(steps []enginetest.ScriptStep) []string {
	var ev []string
	for _, s := range steps {
		if s.Skipped != "" {
			ev = append(ev, fmt.Sprintf("line %d skipped (%s): %s", s.Line, s.Skipped, s.Command))
			continue
		}
		ev = append(ev, fmt.Sprintf("line %d `%s` → exit %d, output %q", s.Line, s.Command, s.ExitCode, s.Output))
	}
	return ev
}

func logEvidence(mark enginetest.LogMark, substr string) []string {
	var ev []string
	for _, l := range enginetest.DaemonLog(mark, substr) {
		ev = append(ev, "dockerd log: "+l)
	}
	return ev
}

func removeService(t *testing.T, name string) {
	t.Helper()
	if _, err := enginetest.ServiceInspect(name); err == nil {
		t.Logf("removing leftover service %s", name)
		runDocker("service", "rm", name)
	}
}

// settle re-reads the tasks of stack until every task of the services in
// running is Running (bounded by runWait): stuck experiments stop waiting
// after stuckWait, which under load can be before the healthy services start.
func settle(t *testing.T, stack string, tasks []enginetest.TaskState, running ...string) []enginetest.TaskState {
	t.Helper()
	ok := func(tasks []enginetest.TaskState) bool {
		for _, svc := range running {
			n := 0
			for _, s := range tasks {
				if s.Service == svc && s.DesiredState == "Running" {
					if !s.Running() {
						return false
					}
					n++
				}
			}
			if n == 0 {
				return false
			}
		}
		return true
	}
	if ok(tasks) {
		return tasks
	}
	pollFor(runWait, func() bool {
		tasks, _ = enginetest.WaitTasks(t, stack, time.Now())
		return ok(tasks)
	})
	return tasks
}

func pollFor(d time.Duration, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not true after %s", d)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

// advertiseAddr is the address the harness advertises (see TryInitSwarm).
func advertiseAddr() string {
	if sw, ok := swarmInfo["default"]; ok {
		return sw.AdvertiseAddr
	}
	if os.Getenv("SWARMLINT_ADVERTISE") == "dummy" {
		return "198.51.100.1"
	}
	return "127.0.0.1"
}

// TestAllocatorOrder: on a fresh swarm, which subnet the pool's allocator
// hands to a network created after another was removed. swarmlint's
// allocation model (analyzer/facts.go allocate) continues after the last
// subnet handed out and reuses a freed one only after a wrap round the
// pools.
func TestAllocatorOrder(t *testing.T) {
	engineInfo = enginetest.RequireEngine(t)
	enginetest.InitSwarm(t)
	ing, ev0 := ipamSummary(t, "ingress")
	if len(ing.IPAM.Config) != 1 || ing.IPAM.Config[0].Subnet != "10.0.0.0/24" {
		t.Fatalf("fresh swarm: %s", ev0)
	}
	_, steps := script(t, "alloc-order.sh")
	for _, s := range steps {
		if s.Ran && s.ExitCode != 0 {
			t.Fatalf("step failed: %s", stepEvidence(steps))
		}
	}
	t.Cleanup(func() {
		for _, n := range []string{"alloc-a", "alloc-b"} {
			runDocker("network", "rm", n)
		}
	})
	ev := []string{ev0}
	subnet := func(name, want string) {
		n, e := ipamSummary(t, name)
		ev = append(ev, e)
		if len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Subnet != want {
			t.Errorf("%s, want %s", e, want)
		}
	}
	subnet("ingress", "10.0.1.0/24")
	for _, step := range [][]string{
		{"network", "create", "--driver", "overlay", "alloc-a"},
		{"inspect alloc-a"},
		{"network", "rm", "alloc-a"},
		{"network", "create", "--driver", "overlay", "alloc-b"},
	} {
		if step[0] == "inspect alloc-a" {
			subnet("alloc-a", "10.0.2.0/24")
			continue
		}
		if out, err := enginetest.Docker(step...); err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(step, " "), err, out)
		}
		ev = append(ev, "`docker "+strings.Join(step, " ")+"`")
	}
	subnet("alloc-b", "10.0.3.0/24")
	record(t, observation{Behaviour: "pool-allocation-order", Experiment: "fresh swarm: `echo y | docker network rm ingress`, recreate it without --subnet; then create alloc-a, remove it, create alloc-b",
		Command: "bash testdata/alloc-order.sh (via RunScript), then docker network create/rm", Verdict: enginetest.Verdict{Outcome: enginetest.OutcomeAccepted},
		Evidence:  append(ev, stepEvidence(steps)...),
		Expected:  "the recreated ingress gets 10.0.1.0/24, not the freed 10.0.0.0/24",
		Agreement: "agrees, and the same holds for any network: the allocator continues after the last subnet it handed out (alloc-b gets 10.0.3.0/24, not alloc-a's freed 10.0.2.0/24); freed subnets come back only after a wrap round the pool"})
}
