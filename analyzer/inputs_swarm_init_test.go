package analyzer

import (
	"strings"
	"testing"
)

func TestSwarmInitFlagAndUnknownValues(t *testing.T) {
	m := loadScripts(t, Options{SwarmInit: `docker swarm init --default-addr-pool "$POOL" --default-addr-pool-mask-length 28 --data-path-port 4790 --advertise-addr eth1`}).Model
	si := m.Swarm.Init
	if !si.Present || si.Ref.File != SwarmInitSource || si.Ref.Line != 1 {
		t.Fatalf("init = %+v", si)
	}
	if len(si.Pools) != 1 || si.Pools[0].Valid || si.Applied {
		t.Errorf("an unresolved pool must stay unknown: %+v", si)
	}
	if m.Swarm.PoolsExplicit || m.Swarm.DefaultAddrPools[0].Prefix != "10.0.0.0/8" || m.Swarm.MaskLength != 24 {
		t.Errorf("unknown pools must not change the allocation: %+v", m.Swarm)
	}
	if m.Swarm.DataPathPort != 4790 || !si.DataPathPort.Valid {
		t.Errorf("data path port = %d", m.Swarm.DataPathPort)
	}
	if si.AdvertiseAddr == nil || si.AdvertiseAddr.Host != "eth1" || si.AdvertiseAddr.Problem != "" {
		t.Errorf("advertise = %+v", si.AdvertiseAddr)
	}
}

func TestRejectedInitKeepsDefaults(t *testing.T) {
	m := loadScripts(t, Options{SwarmInit: "docker swarm init --default-addr-pool 10.20.0.0/16,10.30.0.0/16 --default-addr-pool-mask-length 12 --data-path-port 80"}).Model
	si := m.Swarm.Init
	if si.Applied || len(si.Pools) != 2 || si.Pools[1].Prefix != "10.30.0.0/16" {
		t.Errorf("init = %+v", si)
	}
	// pools are known (rules about them need their positions), the mask and port are not applied
	if len(m.Swarm.DefaultAddrPools) != 2 || m.Swarm.MaskLength != 24 || m.Swarm.DataPathPort != 4789 {
		t.Errorf("swarm = %+v", m.Swarm)
	}
}

func TestCheckNodeAddr(t *testing.T) {
	cases := []struct {
		flag, raw, host, port string
		ip                    bool
		problem               string // substring, "" for none
	}{
		{"advertise-addr", "10.0.1.10", "10.0.1.10", "", true, ""},
		{"advertise-addr", "10.0.1.10:2377", "10.0.1.10", "2377", true, ""},
		{"advertise-addr", "eth0:2377", "eth0", "2377", false, ""},
		{"advertise-addr", "[fd00::1]:2377", "fd00::1", "2377", true, ""},
		{"advertise-addr", "fd00::1", "fd00::1", "", true, ""},
		{"advertise-addr", "0.0.0.0", "0.0.0.0", "", true, "not an address other nodes can reach"},
		{"advertise-addr", "10.0.1.300", "10.0.1.300", "", false, "not a valid IPv4"},
		{"advertise-addr", "10.0.1.0/24", "10.0.1.0/24", "", false, "CIDR"},
		{"advertise-addr", "manager-1.example.com", "manager-1.example.com", "", false, "host names"},
		{"advertise-addr", "10.0.1.10:99999", "10.0.1.10", "99999", false, "port"},
		{"advertise-addr", ":2377", "", "2377", false, "no host"},
		{"data-path-addr", "10.0.2.10", "10.0.2.10", "", true, ""},
		{"data-path-addr", "eth1", "eth1", "", false, ""},
		{"data-path-addr", "10.0.2.10:4789", "10.0.2.10", "4789", false, "has a port"},
		{"data-path-addr", "::", "::", "", true, "not an address other nodes can reach"},
		{"listen-addr", "0.0.0.0:2377", "0.0.0.0", "2377", true, ""},
		{"listen-addr", "tcp://10.0.1.10:2377", "10.0.1.10", "2377", true, ""},
		{"listen-addr", ":4567", "", "4567", false, ""},
		{"listen-addr", "udp://10.0.1.10:2377", "", "", false, "not tcp"},
	}
	for _, c := range cases {
		host, port, ip, problem := checkNodeAddr(c.flag, c.raw)
		if host != c.host || port != c.port || ip != c.ip {
			t.Errorf("%s %s: host %q port %q ip %v", c.flag, c.raw, host, port, ip)
		}
		if (c.problem == "") != (problem == "") || !strings.Contains(problem, c.problem) {
			t.Errorf("%s %s: problem %q, want %q", c.flag, c.raw, problem, c.problem)
		}
	}
}
