package analyzer

import (
	"net/netip"
	"slices"
)

// FreeSubnet is a subnet of the given prefix length that network id can
// take instead of the one it has: inside the swarm's default address pools
// (IPv4, in the allocator's order), overlapping no subnet of any network of
// the model (explicit, allocated, from scripts, inventory or the live
// swarm), no host network and neither docker0 nor docker_gwbridge, and
// beyond the last subnet the pools hand out to networks without one, so
// that no later network is given it (docs/swarm-behaviour.md#pool-allocation-order).
// taken are subnets to avoid besides (those given to other networks by
// fixes of the same run). ok is false when the pools have no such subnet.
func (m *Model) FreeSubnet(id string, bits int, taken []netip.Prefix) (netip.Prefix, bool) {
	if bits < 1 || bits > 30 {
		return netip.Prefix{}, false
	}
	pools := effectivePools(slices.Clone(m.Swarm.DefaultAddrPools))
	avoid := slices.Clone(taken)
	add := func(s string) {
		if p, err := netip.ParsePrefix(s); err == nil && p.Addr().Is4() {
			avoid = append(avoid, p.Masked())
		}
	}
	var floor netip.Addr // the end of the last subnet the pools hand out
	for _, n := range m.Networks {
		add(n.Subnet)
		for _, sn := range n.Subnets {
			add(sn.Prefix)
			add(sn.CIDR)
		}
		if n.SubnetSource == "pool" && n.ID != id {
			if p, err := netip.ParsePrefix(n.Subnet); err == nil && p.Addr().Is4() {
				if end := lastAddr(p); !floor.IsValid() || end.Compare(floor) > 0 {
					floor = end
				}
			}
		}
	}
	for _, h := range m.Swarm.HostNetworks {
		add(h)
	}
	add(m.Swarm.Docker0)
	add(m.Swarm.Gwbridge)
	for _, pool := range pools {
		if bits < pool.Bits() {
			continue
		}
		size := uint64(1) << (32 - bits)
		start, end := v4num(pool.Masked().Addr()), v4num(lastAddr(pool))
		if floor.IsValid() && pool.Contains(floor) {
			start = (v4num(floor)/size + 1) * size
		}
		for a := start; a+size-1 <= end; a += size {
			cand := netip.PrefixFrom(v4addr(a), bits)
			if !slices.ContainsFunc(avoid, cand.Overlaps) {
				return cand, true
			}
		}
	}
	return netip.Prefix{}, false
}
