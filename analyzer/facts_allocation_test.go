package analyzer

import (
	"net/netip"
	"strings"
	"testing"
)

const twoAutoNetworks = `
services:
  a:
    image: nginx:1.27
    networks: [net1, net2]
networks:
  net1: {}
  net2: {}
`

// The docs' example: --default-addr-pool 10.20.0.0/16 --default-addr-pool
// 10.30.0.0/16 --default-addr-pool-mask-length 26 gives net1 = 10.20.0.0/26
// and net2 = 10.20.0.64/26 when the ingress network does not come from the
// pool (a legacy swarm); otherwise ingress takes the first subnet.
func TestAllocationDocsExample(t *testing.T) {
	pools := []string{"10.20.0.0/16", "10.30.0.0/16"}
	m := loadAddressingStack(t, twoAutoNetworks, Settings{DefaultAddrPools: pools, MaskLength: 26, LegacyIngress: true})
	if got := subnetOf(t, m, "app_net1"); got != "10.20.0.0/26" {
		t.Errorf("legacy ingress: net1 = %s, want 10.20.0.0/26", got)
	}
	if got := subnetOf(t, m, "app_net2"); got != "10.20.0.64/26" {
		t.Errorf("legacy ingress: net2 = %s, want 10.20.0.64/26", got)
	}
	if got := subnetOf(t, m, "ingress"); got != "10.255.0.0/16" {
		t.Errorf("legacy ingress = %s", got)
	}

	m = loadAddressingStack(t, twoAutoNetworks, Settings{DefaultAddrPools: pools, MaskLength: 26})
	for id, want := range map[string]string{"ingress": "10.20.0.0/26", "app_net1": "10.20.0.64/26", "app_net2": "10.20.0.128/26"} {
		if got := subnetOf(t, m, id); got != want {
			t.Errorf("%s = %s, want %s", id, got, want)
		}
	}
	if n := m.Networks["app_net1"]; n.SubnetSource != "pool" || n.Usable != 61 {
		t.Errorf("net1: source %q usable %d, want pool 61", n.SubnetSource, n.Usable)
	}
	// 2 × 1024 /26 subnets, 3 taken
	if m.Swarm.PoolSubnetsLeft != 2045 {
		t.Errorf("pool subnets left = %d, want 2045", m.Swarm.PoolSubnetsLeft)
	}
}

func TestAllocationDefaults(t *testing.T) {
	m := loadAddressingStack(t, twoAutoNetworks, Settings{})
	for id, want := range map[string]string{"ingress": "10.0.0.0/24", "app_net1": "10.0.1.0/24", "app_net2": "10.0.2.0/24"} {
		if got := subnetOf(t, m, id); got != want {
			t.Errorf("%s = %s, want %s", id, got, want)
		}
	}
	if n := m.Networks["app_net1"]; n.Usable != 253 {
		t.Errorf("a /24 has %d usable addresses, want 253", n.Usable)
	}
	if m.Swarm.PoolSubnetsLeft != 65536-3 || m.Swarm.PoolShortfall != 0 {
		t.Errorf("left %d shortfall %d", m.Swarm.PoolSubnetsLeft, m.Swarm.PoolShortfall)
	}
}

// Swarm sorts the pools by address and drops one inside another (docs/swarm-behaviour.md#default-pools-overlap).
func TestAllocationPoolsSortedAndMerged(t *testing.T) {
	m := loadAddressingStack(t, twoAutoNetworks, Settings{DefaultAddrPools: []string{"10.30.0.0/16", "10.20.0.0/16", "10.20.128.0/17"}})
	if got := subnetOf(t, m, "ingress"); got != "10.20.0.0/24" {
		t.Errorf("ingress = %s, want the first subnet of the lowest pool", got)
	}
	pools := m.Swarm.DefaultAddrPools
	if pools[0].MergedInto != "" || pools[1].MergedInto != "" || pools[2].MergedInto != "10.20.0.0/16" {
		t.Errorf("merged_into = %q %q %q", pools[0].MergedInto, pools[1].MergedInto, pools[2].MergedInto)
	}
	// 10.20.0.0/16 and 10.30.0.0/16 in /24s; the /17 adds nothing
	if m.Swarm.PoolSubnetsLeft != 512-3 {
		t.Errorf("left = %d, want 509", m.Swarm.PoolSubnetsLeft)
	}
}

func TestAllocationExhausted(t *testing.T) {
	m := loadAddressingStack(t, twoAutoNetworks, Settings{DefaultAddrPools: []string{"10.20.0.0/25"}, MaskLength: 26})
	if got := subnetOf(t, m, "app_net1"); got != "10.20.0.64/26" {
		t.Errorf("net1 = %s", got)
	}
	n2 := m.Networks["app_net2"]
	if n2.Subnet != "" || n2.SubnetSource != "unknown" || !n2.PoolExhausted {
		t.Errorf("net2 = %q %q exhausted=%v", n2.Subnet, n2.SubnetSource, n2.PoolExhausted)
	}
	if m.Swarm.PoolShortfall != 1 || m.Swarm.PoolSubnetsLeft != 0 {
		t.Errorf("shortfall %d left %d", m.Swarm.PoolShortfall, m.Swarm.PoolSubnetsLeft)
	}
	// A mask shorter than the pool makes swarm init fail (SWL502): no shortfall.
	m = loadAddressingStack(t, twoAutoNetworks, Settings{DefaultAddrPools: []string{"10.20.0.0/16"}, MaskLength: 12})
	if m.Swarm.PoolShortfall != 0 || m.Networks["app_net1"].PoolExhausted {
		t.Errorf("unsplittable pool counted as exhausted")
	}
}

// The ingress network is created at swarm init, before any stack: an
// explicit subnet over it fails and reserves nothing, so the pool hands
// out subnets inside it; those are not paired with it in the index.
func TestAllocationIngressFirst(t *testing.T) {
	m := loadAddressingStack(t, `
services:
  a:
    image: nginx:1.27
    networks: [wide, auto]
networks:
  wide:
    ipam:
      config:
        - subnet: 10.0.0.0/16
  auto: {}
`, Settings{})
	if got := subnetOf(t, m, "ingress"); got != "10.0.0.0/24" {
		t.Errorf("ingress = %s", got)
	}
	if got := subnetOf(t, m, "app_auto"); got != "10.0.1.0/24" {
		t.Errorf("auto = %s, want 10.0.1.0/24 (the failed /16 reserves nothing)", got)
	}
	ov := m.Indexes.SubnetOverlaps
	if len(ov) != 1 || ov[0].A != "app_wide" || ov[0].B != "ingress" || ov[0].ASubnetIndex != 0 || ov[0].BSubnetIndex != -1 {
		t.Errorf("overlaps = %+v, want only app_wide × ingress", ov)
	}
	if m.Networks["app_wide"].Subnets[0].InAllocationPath {
		t.Error("a subnet over the ingress subnet is SWL212's, not in the allocation path")
	}
}

func TestAllocationPath(t *testing.T) {
	const stack = `
services:
  a:
    image: nginx:1.27
    networks: [auto, cache]
networks:
  auto: {}
  cache:
    ipam:
      config:
        - subnet: SUBNET
`
	for subnet, want := range map[string]bool{
		"10.0.1.0/24":   true,  // the next subnet the pool hands out
		"10.0.1.128/25": true,  // part of it
		"10.0.2.0/24":   false, // beyond the one auto network
		"10.200.0.0/24": false, // in the pool, far from the front
		"172.20.0.0/24": false, // outside the pool
	} {
		m := loadAddressingStack(t, strings.ReplaceAll(stack, "SUBNET", subnet), Settings{})
		if got := m.Networks["app_cache"].Subnets[0].InAllocationPath; got != want {
			t.Errorf("%s: in_allocation_path = %v, want %v", subnet, got, want)
		}
		auto := netip.MustParsePrefix(subnetOf(t, m, "app_auto"))
		if auto.Overlaps(netip.MustParsePrefix(subnet)) {
			t.Errorf("%s: the auto network got %s over the explicit subnet", subnet, auto)
		}
	}
}

// Only networks stack deploy creates take part: unused ones (docs/swarm-behaviour.md#unused-network-not-created) and
// node-local drivers neither reserve nor take pool subnets.
func TestAllocationSkipsNetworksNeverCreated(t *testing.T) {
	m := loadAddressingStack(t, `
services:
  a:
    image: nginx:1.27
    networks: [auto, local]
networks:
  auto: {}
  local:
    driver: bridge
  unused:
    ipam:
      config:
        - subnet: 10.0.1.0/24
`, Settings{})
	if got := subnetOf(t, m, "app_auto"); got != "10.0.1.0/24" {
		t.Errorf("auto = %s, want 10.0.1.0/24 (the unused network is never created)", got)
	}
	if n := m.Networks["app_local"]; n.Subnet != "" || n.SubnetSource != "unknown" {
		t.Errorf("bridge network got %q from the swarm pool", n.Subnet)
	}
	if len(m.Indexes.SubnetOverlaps) != 0 {
		t.Errorf("overlaps = %+v", m.Indexes.SubnetOverlaps)
	}
}
