package analyzer

import (
	"net/netip"
	"slices"
	"sort"
)

// allocate simulates swarm's allocation of subnets from the default address
// pools. The global IPAM sorts the pools by address, drops a pool that
// overlaps an earlier one (docs/swarm-behaviour.md#default-pools-overlap)
// and hands out, for each network without a
// subnet, the next mask-sized subnet of the pools that overlaps no subnet
// allocated: it continues after the last subnet it handed out, so a subnet
// freed by removing a network (`docker network rm ingress`) is handed out
// again only after the allocator has wrapped round the pools (a recreated
// ingress gets 10.0.1.0/24 on a fresh swarm, not the freed 10.0.0.0/24;
// docs/swarm-behaviour.md#pool-allocation-order). The order
// simulated is the order things happen:
//
//  1. the ingress network swarm creates at init;
//  2. the subnets the inventory and the scripts give explicitly;
//  3. the networks the scripts create without a subnet, a recreated
//     ingress among them, in the scripts' order (networks a script removes
//     take their subnet and give it back);
//  4. the explicit subnets of the networks the linted stacks create,
//     reserved first (the order in which none of them fails; SWL213
//     reports the others);
//  5. every stack network without a subnet, in creation order.
func (b *builder) allocate() {
	sw := &b.m.Swarm
	pools := effectivePools(sw.DefaultAddrPools)
	mask := sw.MaskLength
	splittable := false
	for _, p := range pools {
		splittable = splittable || mask >= p.Bits() && mask <= 32
	}
	cur := &slotCursor{pools: pools, mask: mask}
	var taken []netip.Prefix
	wrapped, freedAny := false, false
	// next hands out the next free slot; once a freed subnet lies behind
	// the cursor, the allocator wraps round the pools (once) to find it.
	next := func() (netip.Prefix, bool) {
		pfx, ok := cur.next(taken)
		if !ok && freedAny && !wrapped {
			wrapped = true
			cur = &slotCursor{pools: pools, mask: mask}
			pfx, ok = cur.next(taken)
		}
		return pfx, ok
	}
	var last netip.Prefix
	// give allocates n's subnet from the pools, or records that there is none.
	give := func(n *Network) {
		if n.SubnetSource != "" {
			return
		}
		if !takesPoolSubnet(n) && !b.freed[n] {
			n.SubnetSource = "unknown"
			return
		}
		pfx, ok := next()
		if !ok {
			n.SubnetSource = "unknown"
			// With no pool that can be split at the mask length, swarm init
			// itself fails (SWL501, SWL502): no shortfall to report.
			if splittable && !b.freed[n] {
				n.PoolExhausted = true
				sw.PoolShortfall++
			}
			return
		}
		n.Subnet, n.SubnetSource = pfx.String(), "pool"
		if b.freed[n] {
			cur.skip() // removed again: its subnet is free, the allocator has moved on
			freedAny = true
			return
		}
		taken = append(taken, pfx)
		last = pfx
	}
	early := 0 // the init's ingress and the scripts' networks come first in autoOrder
	for early < len(b.autoOrder) && (b.autoOrder[early].Origin == "script" || b.autoOrder[early].Ingress && b.autoOrder[early].Origin == "default") {
		early++
	}
	// 1. The ingress network, created at swarm init before anything else.
	var initIngress netip.Prefix
	if early > 0 && b.autoOrder[0].Origin == "default" {
		ing := b.autoOrder[0]
		give(ing)
		if pfx, err := netip.ParsePrefix(ing.Subnet); err == nil && pfx.Addr().Is4() && !b.freed[ing] {
			initIngress = pfx
		}
	}
	if ing := b.m.Networks[sw.Ingress]; ing != nil && ing.SubnetSource != "" && ing.SubnetSource != "pool" {
		// an ingress whose subnet is known without the pools (legacy,
		// inventory, a script's --subnet) holds it from the start
		if pfx, err := netip.ParsePrefix(ing.Subnet); err == nil && pfx.Addr().Is4() {
			taken = append(taken, pfx)
			if !initIngress.IsValid() {
				initIngress = pfx
			}
		}
	}
	// 2. Subnets the inventory and the scripts give. A script subnet that
	// overlaps the ingress subnet is never allocated: swarm fails that
	// network (SWL212), so it reserves nothing.
	for _, r := range b.reservedSubnets(initIngress, false) {
		taken = append(taken, r.pfx)
	}
	// 3. The scripts' networks without a subnet, in order.
	for i, n := range b.autoOrder[:early] {
		if i == 0 && n.Origin == "default" {
			continue
		}
		give(n)
	}
	var ingress netip.Prefix
	if ing := b.m.Networks[sw.Ingress]; ing != nil {
		if ing.SubnetSource == "" {
			ing.SubnetSource = "unknown" // an ingress that never got a subnet
		}
		if pfx, err := netip.ParsePrefix(ing.Subnet); err == nil && pfx.Addr().Is4() {
			ingress = pfx
		}
	}
	// 4. The stacks' explicit subnets. One that overlaps the ingress subnet
	// is never allocated (SWL212), so it reserves nothing.
	reserved := b.reservedSubnets(ingress, true)
	for _, r := range reserved {
		taken = append(taken, r.pfx)
	}
	// 5. The stacks' networks without a subnet, in creation order.
	last = netip.Prefix{}
	for _, n := range b.autoOrder[early:] {
		give(n)
	}
	sw.PoolSubnetsLeft = freeSlots(pools, mask, taken)
	// 6. The allocation path (SWL213). With every explicit subnet reserved
	// first, the networks without a subnet reach `last`; an explicit subnet
	// that starts in the pools before the end of `last` is taken by one of
	// them in some creation order (the one where it is created last), and a
	// subnet beyond it never is.
	if !last.IsValid() {
		return
	}
	end := lastAddr(last)
	for _, r := range reserved {
		if r.sn == nil {
			continue
		}
		for _, p := range pools {
			if !p.Overlaps(r.pfx) {
				continue
			}
			start := p.Addr()
			if r.pfx.Addr().Compare(start) > 0 {
				start = r.pfx.Addr()
			}
			if start.Compare(end) <= 0 {
				r.sn.InAllocationPath = true
			}
		}
	}
}

// reservation is a subnet known before pool allocation; sn is the explicit
// ipam.config entry it comes from (nil for inventory and script subnets).
type reservation struct {
	pfx netip.Prefix
	sn  *Subnet
}

// reservedSubnets lists the subnets of the networks that will exist besides
// ingress and have a subnet without the pools' help: the stacks' explicit
// subnets (stacks true) or those of the inventory and the scripts (stacks
// false). Only explicit stack subnets can be in the allocation path: script
// networks are created in the script's order before the stacks, and
// inventory networks exist already.
func (b *builder) reservedSubnets(ingress netip.Prefix, stacks bool) []reservation {
	var out []reservation
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		if n.Ingress || !createdInSwarm(n) || !givenSubnets(n) || (n.SubnetSource == "explicit") != stacks {
			continue
		}
		for i := range n.Subnets {
			sn := &n.Subnets[i]
			pfx, ok := v4Subnet(*sn)
			if !ok || n.SubnetSource != "inventory" && ingress.IsValid() && pfx.Overlaps(ingress) {
				continue
			}
			r := reservation{pfx: pfx}
			if n.SubnetSource == "explicit" {
				r.sn = sn
			}
			out = append(out, r)
		}
	}
	return out
}

// localDrivers create node-local networks: their subnets come from the
// local address space, never from the swarm's default address pools.
var localDrivers = set("bridge", "macvlan", "ipvlan", "host", "none", "null")

// createdInSwarm reports whether n is a swarm-scoped network that exists or
// will be created: the ingress network, inventory and script networks, and
// stack networks that some service uses (docs/swarm-behaviour.md#unused-network-not-created) and that are not external.
func createdInSwarm(n *Network) bool {
	if n.Ingress || n.Origin == "inventory" || n.Origin == "script" {
		return !localDrivers[n.Driver]
	}
	return n.Used && !n.External && !localDrivers[n.Driver]
}

// takesPoolSubnet reports whether swarm's default IPAM gives n a subnet
// from the default address pools when it has none.
func takesPoolSubnet(n *Network) bool {
	return createdInSwarm(n) && (n.IPAMDriver == "" || n.IPAMDriver == "default")
}

// givenSubnets reports whether n's subnets are written out (stack file,
// script, inventory) rather than allocated, so Network.Subnets holds them.
func givenSubnets(n *Network) bool {
	switch n.SubnetSource {
	case "explicit", "script", "inventory":
		return true
	}
	return false
}

// v4Subnet returns the canonical IPv4 prefix of a valid subnet entry.
func v4Subnet(sn Subnet) (netip.Prefix, bool) {
	if !sn.Valid || sn.IPv6 {
		return netip.Prefix{}, false
	}
	pfx, err := netip.ParsePrefix(sn.Prefix)
	if err != nil || !pfx.Addr().Is4() {
		return netip.Prefix{}, false
	}
	return pfx, true
}

// effectivePools returns the IPv4 pools as the global IPAM uses them: sorted
// by address (the shorter prefix first on a tie), a pool that overlaps the
// previous kept one dropped (docs/swarm-behaviour.md#default-pools-overlap; it then lies inside that one). It notes
// each dropped pool's MergedInto.
func effectivePools(pools []Pool) []netip.Prefix {
	type entry struct {
		i   int
		pfx netip.Prefix
	}
	var es []entry
	for i, p := range pools {
		if pfx, err := netip.ParsePrefix(p.Prefix); err == nil && p.Valid && pfx.Addr().Is4() {
			es = append(es, entry{i, pfx.Masked()})
		}
	}
	sort.SliceStable(es, func(a, c int) bool {
		if cmp := es[a].pfx.Addr().Compare(es[c].pfx.Addr()); cmp != 0 {
			return cmp < 0
		}
		return es[a].pfx.Bits() < es[c].pfx.Bits()
	})
	var kept []netip.Prefix
	for _, e := range es {
		if k := len(kept); k > 0 && kept[k-1].Overlaps(e.pfx) {
			pools[e.i].MergedInto = kept[k-1].String()
			continue
		}
		kept = append(kept, e.pfx)
	}
	return kept
}

// slotCursor walks the mask-sized subnets ("slots") of sorted, disjoint IPv4
// pools in address order. Because what is taken only grows, the first free
// slot never lies behind the cursor, so first fit is a forward walk.
type slotCursor struct {
	pools   []netip.Prefix
	mask    int
	pi      int
	addr    uint64 // start of the current slot within pools[pi]
	started bool
	// An index of taken, which only grows between calls: the first
	// indexed entries as a set of masked prefixes and their sorted starts,
	// so that finding a clash costs O(log n), not O(n).
	indexed int
	set     map[netip.Prefix]bool
	starts  []uint64
}

// index adds the entries of taken not indexed yet.
func (c *slotCursor) index(taken []netip.Prefix) {
	if c.set == nil {
		c.set = map[netip.Prefix]bool{}
	}
	for ; c.indexed < len(taken); c.indexed++ {
		t := taken[c.indexed]
		if !t.Addr().Is4() {
			continue
		}
		t = t.Masked()
		c.set[t] = true
		s := v4num(t.Addr())
		i, _ := slices.BinarySearch(c.starts, s)
		c.starts = slices.Insert(c.starts, i, s)
	}
}

// clash returns the end of a taken prefix that overlaps slot [s, e], if
// any. Two prefixes overlap when one contains the other: either a taken
// prefix contains s (one of at most 33 prefixes, the largest is returned) or
// one starts inside the slot. Which clash is returned does not change the
// slot next finds: every slot skipped overlaps it.
func (c *slotCursor) clash(s, e uint64) (uint64, bool) {
	for bits := 0; bits <= 32; bits++ {
		if t := netip.PrefixFrom(v4addr(s), bits).Masked(); c.set[t] {
			return v4num(lastAddr(t)), true
		}
	}
	if i, _ := slices.BinarySearch(c.starts, s); i < len(c.starts) && c.starts[i] <= e {
		return e, true
	}
	return 0, false
}

// skip moves the cursor past the slot next returned, which the caller
// gives back at once (a network removed again): the allocator does not
// return to it before wrapping round.
func (c *slotCursor) skip() {
	if c.started {
		c.addr += uint64(1) << (32 - c.mask)
	}
}

// next returns the first slot from the cursor on that overlaps nothing in
// taken. The cursor stays on it: once the caller takes it, the next call
// moves past it.
func (c *slotCursor) next(taken []netip.Prefix) (netip.Prefix, bool) {
	for c.pi < len(c.pools) {
		pool := c.pools[c.pi]
		if c.mask < pool.Bits() || c.mask > 32 {
			c.pi, c.started = c.pi+1, false
			continue
		}
		if !c.started {
			c.addr, c.started = v4num(pool.Addr()), true
		}
		size := uint64(1) << (32 - c.mask)
		end := v4num(lastAddr(pool))
		c.index(taken)
		for c.addr <= end {
			slot := netip.PrefixFrom(v4addr(c.addr), c.mask)
			clashEnd, clash := c.clash(c.addr, c.addr+size-1)
			if !clash {
				return slot, true
			}
			// skip past the clashing subnet, to the next slot boundary
			after := clashEnd + 1
			c.addr = (after + size - 1) / size * size
		}
		c.pi, c.started = c.pi+1, false
	}
	return netip.Prefix{}, false
}

// freeSlots counts the mask-sized subnets of the pools that overlap nothing
// in taken (capped at 2^30).
func freeSlots(pools []netip.Prefix, mask int, taken []netip.Prefix) int {
	var total uint64
	for _, pool := range pools {
		if mask < pool.Bits() || mask > 32 {
			continue
		}
		size := uint64(1) << (32 - mask)
		ps, pe := v4num(pool.Addr()), v4num(lastAddr(pool))
		var blocked [][2]uint64 // ranges of slot indexes
		for _, t := range taken {
			if !t.Overlaps(pool) || !t.Addr().Is4() {
				continue
			}
			ts, te := max(v4num(t.Addr()), ps), min(v4num(lastAddr(t)), pe)
			blocked = append(blocked, [2]uint64{(ts - ps) / size, (te - ps) / size})
		}
		sort.Slice(blocked, func(i, j int) bool { return blocked[i][0] < blocked[j][0] })
		var n uint64
		var hi uint64
		open := false
		for _, r := range blocked {
			switch {
			case !open:
				n += r[1] - r[0] + 1
				hi, open = r[1], true
			case r[0] > hi:
				n += r[1] - r[0] + 1
				hi = r[1]
			case r[1] > hi:
				n += r[1] - hi
				hi = r[1]
			}
		}
		total += (pe-ps+1)/size - n
	}
	return int(min(total, 1<<30))
}

// lastAddr is the last address of an IPv4 prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	return v4addr(v4num(p.Masked().Addr()) | (uint64(1)<<(32-p.Bits()) - 1))
}

func v4num(a netip.Addr) uint64 {
	b := a.As4()
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
}

func v4addr(n uint64) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}
