package analyzer

import (
	"fmt"
	"math/big"
	"net/netip"
	"sort"

	"github.com/apparentlymart/go-cidr/cidr"
	"go4.org/netipx"
)

// facts computes everything rules need that is not written in the files:
// subnets from the pools, usable addresses, demand, indexes.
func (b *builder) facts() {
	b.hostnames()
	b.allocate()
	b.demand()
	b.indexes()
	b.factsDeploy()
	b.factsPorts()
	b.factsAddressing()
	b.factsCluster()
}

// allocate simulates swarm's sequential allocation from the default address
// pools: ingress first, then every network without a subnet in creation order,
// each taking the first pool subnet that overlaps no subnet already in use.
func (b *builder) allocate() {
	sw := &b.m.Swarm
	var pools []netip.Prefix
	for _, p := range sw.DefaultAddrPools {
		if pfx, err := netip.ParsePrefix(p.Prefix); err == nil && pfx.Addr().Is4() {
			pools = append(pools, pfx)
		}
	}
	mask := sw.MaskLength
	var taken []netip.Prefix
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		if n.SubnetSource == "explicit" || n.SubnetSource == "legacy" || n.SubnetSource == "inventory" || n.SubnetSource == "script" {
			if pfx, err := netip.ParsePrefix(n.Subnet); err == nil {
				taken = append(taken, pfx)
			}
		}
	}
	gen := newPoolCursor(pools, mask)
	for _, n := range b.autoOrder {
		if n.SubnetSource != "" {
			continue
		}
		pfx, ok := gen.next(taken)
		if !ok {
			n.SubnetSource = "unknown"
			sw.PoolShortfall++
			continue
		}
		taken = append(taken, pfx)
		n.Subnet, n.SubnetSource = pfx.String(), "pool"
	}
	sw.PoolSubnetsLeft = gen.left(taken)
	// The allocation front ignoring explicit subnets: where the auto-allocated
	// networks would land if nothing were reserved (SWL213).
	front := newPoolCursor(pools, mask)
	var frontTaken []netip.Prefix
	for range b.autoOrder {
		pfx, ok := front.next(frontTaken)
		if !ok {
			break
		}
		frontTaken = append(frontTaken, pfx)
	}
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		for i := range n.Subnets {
			sn := &n.Subnets[i]
			pfx, err := netip.ParsePrefix(sn.Prefix)
			if err != nil || !sn.Valid {
				continue
			}
			for _, f := range frontTaken {
				if f.Overlaps(pfx) {
					sn.InAllocationPath = true
				}
			}
		}
	}
}

// poolCursor walks the pools' subnets of one size in order.
type poolCursor struct {
	pools []netip.Prefix
	mask  int
	pi    int
	cur   netip.Prefix
	ok    bool
	steps int
}

func newPoolCursor(pools []netip.Prefix, mask int) *poolCursor {
	return &poolCursor{pools: pools, mask: mask}
}

const maxPoolSteps = 1 << 20

// next returns the first subnet from the cursor onwards overlapping nothing taken.
func (c *poolCursor) next(taken []netip.Prefix) (netip.Prefix, bool) {
	for c.pi < len(c.pools) && c.steps < maxPoolSteps {
		pool := c.pools[c.pi]
		if c.mask < pool.Bits() || c.mask > 32 {
			c.pi++
			c.ok = false
			continue
		}
		if !c.ok {
			c.cur = netip.PrefixFrom(pool.Addr(), c.mask)
			c.ok = true
		} else {
			nxt, carry := nextPrefix(c.cur)
			if carry || !pool.Contains(nxt.Addr()) {
				c.pi++
				c.ok = false
				continue
			}
			c.cur = nxt
		}
		c.steps++
		clash := false
		for _, t := range taken {
			if t.Overlaps(c.cur) {
				clash = true
				break
			}
		}
		if !clash {
			return c.cur, true
		}
	}
	return netip.Prefix{}, false
}

func nextPrefix(p netip.Prefix) (netip.Prefix, bool) {
	_, last := cidr.AddressRange(netipx.PrefixIPNet(p))
	nxt := cidr.Inc(last)
	a, ok := netipx.FromStdIP(nxt)
	if !ok || a.Is4() && a.Compare(p.Addr()) <= 0 {
		return netip.Prefix{}, true
	}
	return netip.PrefixFrom(a, p.Bits()), false
}

// left counts the subnets of the mask size still free in the pools (capped).
func (c *poolCursor) left(taken []netip.Prefix) int {
	total := new(big.Int)
	for _, pool := range c.pools {
		if c.mask < pool.Bits() || c.mask > 32 {
			continue
		}
		total.Add(total, new(big.Int).Lsh(big.NewInt(1), uint(c.mask-pool.Bits())))
	}
	used := 0
	for _, t := range taken {
		for _, pool := range c.pools {
			if pool.Overlaps(t) {
				if t.Bits() >= c.mask {
					used++
				} else {
					used += 1 << min(c.mask-t.Bits(), 24)
				}
				break
			}
		}
	}
	total.Sub(total, big.NewInt(int64(used)))
	if total.Sign() < 0 {
		return 0
	}
	if !total.IsInt64() || total.Int64() > 1<<30 {
		return 1 << 30
	}
	return int(total.Int64())
}

// Usable is the number of addresses swarm can hand out in an IPv4 subnet:
// all minus network, broadcast and gateway (GT051).
func Usable(p netip.Prefix) int {
	if !p.Addr().Is4() {
		return 0
	}
	host := 32 - p.Bits()
	switch {
	case host >= 31:
		return 1<<31 - 3
	case host <= 1:
		return 0
	}
	return 1<<host - 3
}

// demand computes the address demand per network (rules-catalog.md §SWL2xx).
func (b *builder) demand() {
	nodes := b.settings.NodeCount
	ing := b.m.Networks[b.m.Swarm.Ingress]
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		if pfx, err := netip.ParsePrefix(n.Subnet); err == nil {
			n.Usable = Usable(pfx)
		}
		tasks := 0
		global := false
		for _, sid := range n.Services {
			s := b.m.Services[sid]
			if s.EndpointMode != "dnsrr" {
				n.Demand.VIPs++
			}
			n.Demand.Tasks += s.Tasks
			tasks += s.Tasks
			if s.Mode == "global" {
				global = true
			}
			n.Demand.UpdateExtra += updateExtra(s)
		}
		if len(n.Services) > 0 {
			lb := min(nodes, tasks)
			if global {
				lb = nodes
			}
			n.Demand.LB = lb
		}
		n.Demand.Total = n.Demand.VIPs + n.Demand.Tasks + n.Demand.UpdateExtra + n.Demand.LB
	}
	if ing == nil {
		return
	}
	// The ingress network: 1 VIP per ingress-publishing service, 1 address per
	// such task, and 1 load-balancer address on every node.
	ing.Demand = Demand{LB: nodes}
	for _, sid := range sortedKeys(b.m.Services) {
		s := b.m.Services[sid]
		if !publishesIngress(s) {
			continue
		}
		ing.Services = append(ing.Services, sid)
		ing.Demand.VIPs++
		ing.Demand.Tasks += s.Tasks
		ing.Demand.UpdateExtra += updateExtra(s)
	}
	ing.Demand.Total = ing.Demand.VIPs + ing.Demand.Tasks + ing.Demand.UpdateExtra + ing.Demand.LB
	ing.Used = len(ing.Services) > 0
}

func updateExtra(s *Service) int {
	if s.UpdateOrder != "start-first" {
		return 0
	}
	if s.UpdateParallelism <= 0 || s.UpdateParallelism > s.Tasks {
		return s.Tasks
	}
	return s.UpdateParallelism
}

func publishesIngress(s *Service) bool {
	for _, p := range s.Ports {
		if p.Mode == "ingress" {
			return true
		}
	}
	return false
}

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
	// overlapping subnets between networks (explicit, allocated, inventory)
	type entry struct {
		net string
		idx int
		pfx netip.Prefix
	}
	var es []entry
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		if n.External {
			continue
		}
		if len(n.Subnets) == 0 || n.SubnetSource != "explicit" {
			if pfx, err := netip.ParsePrefix(n.Subnet); err == nil && (n.Used || n.Ingress) {
				es = append(es, entry{id, -1, pfx})
			}
			continue
		}
		for i, sn := range n.Subnets {
			if pfx, err := netip.ParsePrefix(sn.Prefix); err == nil && sn.Valid {
				es = append(es, entry{id, i, pfx})
			}
		}
	}
	for i := 0; i < len(es); i++ {
		for j := i + 1; j < len(es); j++ {
			a, c := es[i], es[j]
			if a.net == c.net || !a.pfx.Overlaps(c.pfx) {
				continue
			}
			ix.SubnetOverlaps = append(ix.SubnetOverlaps, Overlap{A: a.net, B: c.net, ASubnet: a.pfx.String(), BSubnet: c.pfx.String(), ASubnetIndex: a.idx, BSubnetIndex: c.idx})
		}
	}
}
