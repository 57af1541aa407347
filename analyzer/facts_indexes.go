package analyzer

import (
	"fmt"
	"net/netip"
	"sort"
)

// indexes builds the joins rules use.
func (b *builder) indexes() {
	ix := &b.m.Indexes
	ix.PublishedPorts = map[string][]PortUse{}
	ix.NetworkServices = map[string][]string{}
	ix.Consumers = map[string][]Consumer{}
	ix.SubnetOverlaps = []Overlap{}
	for _, id := range sortedKeys(b.m.Services) {
		s := b.m.Services[id]
		for i, p := range s.Ports {
			if p.Published <= 0 {
				continue
			}
			k := fmt.Sprintf("%d/%s", p.Published, p.Protocol)
			ix.PublishedPorts[k] = append(ix.PublishedPorts[k], PortUse{Service: id, Port: i, Mode: p.Mode})
		}
	}
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		ix.NetworkServices[id] = append([]string{}, n.Services...)
	}
	shared := func(a, c *Service) bool {
		for _, x := range a.Networks {
			for _, y := range c.Networks {
				if x.Network != "" && x.Network == y.Network {
					return true
				}
			}
		}
		return false
	}
	for _, id := range sortedKeys(b.m.Services) {
		s := b.m.Services[id]
		seen := map[string]bool{}
		for _, d := range s.DependsOn {
			tid := s.Stack + "_" + d.Service
			t := b.m.Services[tid]
			if t == nil || seen[tid+"d"] {
				continue
			}
			seen[tid+"d"] = true
			ix.Consumers[tid] = append(ix.Consumers[tid], Consumer{Service: id, Via: "depends_on", SharedNetwork: shared(s, t)})
		}
		for _, h := range s.Hostnames {
			t := b.m.Services[h.Service]
			if t == nil || seen[h.Service+"h"] {
				continue
			}
			seen[h.Service+"h"] = true
			ix.Consumers[h.Service] = append(ix.Consumers[h.Service], Consumer{Service: id, Via: "hostname", SharedNetwork: shared(s, t)})
		}
	}
	for k := range ix.Consumers {
		sort.Slice(ix.Consumers[k], func(i, j int) bool {
			a, c := ix.Consumers[k][i], ix.Consumers[k][j]
			if a.Service != c.Service {
				return a.Service < c.Service
			}
			return a.Via < c.Via
		})
	}
	b.subnetOverlaps()
}

// subnetOverlaps lists the pairs of networks whose IPv4 subnets overlap:
// explicit, pool-allocated (subnet index -1), inventory and script subnets of
// the networks that exist in the swarm, the ingress network included. An
// explicit subnet that overlaps the ingress subnet is never allocated, and
// the pool then hands out subnets inside it (allocate), so it is not paired
// with pool-allocated networks: SWL212 reports it. Subnets that are written
// out (stack, script, inventory) are indexed into Network.Subnets.
func (b *builder) subnetOverlaps() {
	ix := &b.m.Indexes
	ix.SubnetOverlaps = []Overlap{}
	var ingress netip.Prefix
	if ing := b.m.Networks[b.m.Swarm.Ingress]; ing != nil {
		ingress, _ = netip.ParsePrefix(ing.Subnet)
	}
	type entry struct {
		net         string
		idx         int
		pfx         netip.Prefix
		pool        bool // allocated from the default address pools
		hitsIngress bool // an explicit subnet overlapping the ingress subnet
	}
	var es []entry
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		if !createdInSwarm(n) {
			continue
		}
		if givenSubnets(n) {
			for i, sn := range n.Subnets {
				if pfx, ok := v4Subnet(sn); ok {
					hits := !n.Ingress && n.SubnetSource != "inventory" && ingress.IsValid() && pfx.Overlaps(ingress)
					es = append(es, entry{id, i, pfx, false, hits})
				}
			}
			continue
		}
		if pfx, err := netip.ParsePrefix(n.Subnet); err == nil && pfx.Addr().Is4() {
			es = append(es, entry{id, -1, pfx, n.SubnetSource == "pool" && !n.Ingress, false})
		}
	}
	for _, pr := range overlappingPairs(len(es), func(i int) netip.Prefix { return es[i].pfx }) {
		a, c := es[pr[0]], es[pr[1]]
		if a.net == c.net || a.hitsIngress && c.pool || c.hitsIngress && a.pool {
			continue
		}
		ix.SubnetOverlaps = append(ix.SubnetOverlaps, Overlap{A: a.net, B: c.net, ASubnet: a.pfx.String(), BSubnet: c.pfx.String(), ASubnetIndex: a.idx, BSubnetIndex: c.idx})
	}
}

// overlappingPairs returns every pair {i, j}, i < j, of the n IPv4 prefixes
// pfx(0..n-1) that overlap, ordered by i then j. It sweeps the prefixes in
// address order, so it costs O(n log n) plus the pairs found, not O(n²).
func overlappingPairs(n int, pfx func(int) netip.Prefix) [][2]int {
	type span struct {
		i          int
		start, end uint64
	}
	spans := make([]span, n)
	for i := range spans {
		p := pfx(i)
		spans[i] = span{i, v4num(p.Masked().Addr()), v4num(lastAddr(p))}
	}
	sort.Slice(spans, func(a, b int) bool {
		if spans[a].start != spans[b].start {
			return spans[a].start < spans[b].start
		}
		return spans[a].i < spans[b].i
	})
	var pairs [][2]int
	for a := range spans {
		for b := a + 1; b < len(spans) && spans[b].start <= spans[a].end; b++ {
			pairs = append(pairs, [2]int{min(spans[a].i, spans[b].i), max(spans[a].i, spans[b].i)})
		}
	}
	sort.Slice(pairs, func(a, b int) bool {
		if pairs[a][0] != pairs[b][0] {
			return pairs[a][0] < pairs[b][0]
		}
		return pairs[a][1] < pairs[b][1]
	})
	return pairs
}
