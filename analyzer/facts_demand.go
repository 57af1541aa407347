package analyzer

import "net/netip"

// Usable is the number of addresses swarm can hand out in an IPv4 subnet:
// all minus network, broadcast and gateway (docs/swarm-behaviour.md#overlay-address-demand). A /31 reserves no
// network or broadcast address, so its gateway leaves one; a /32 has none.
func Usable(p netip.Prefix) int {
	if !p.Addr().Is4() {
		return 0
	}
	host := 32 - p.Bits()
	switch {
	case host >= 31:
		return 1<<31 - 3
	case host == 1:
		return 1
	case host == 0:
		return 0
	}
	return 1<<host - 3
}

// usable is what a network can hand out: with several IPv4 subnets given,
// swarm allocates from each in turn (one gateway each), so they add up.
func usable(n *Network) int {
	if !givenSubnets(n) {
		if pfx, err := netip.ParsePrefix(n.Subnet); err == nil {
			return Usable(pfx)
		}
		return 0
	}
	total := 0
	for _, sn := range n.Subnets {
		if pfx, ok := v4Subnet(sn); ok {
			total = min(total+Usable(pfx), 1<<31-3)
		}
	}
	return total
}

// demand computes the address demand per network (docs/swarm-behaviour.md#overlay-address-demand).
func (b *builder) demand() {
	nodes := b.settings.NodeCount
	ing := b.m.Networks[b.m.Swarm.Ingress]
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		n.Usable = usable(n)
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
		n.Demand.Tasks += n.Attached
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

// updateBatches finds, per network, the largest batch of a stop-first
// rolling update (updateBatch).
func (b *builder) updateBatches() {
	for _, id := range sortedKeys(b.m.Networks) {
		b.updateBatch(b.m.Networks[id])
	}
}

// updateBatch finds the largest batch of new tasks one stop-first rolling
// update on n creates. Swarm's updater creates the new task and marks the old
// one for shutdown in the same store transaction, and the allocator frees the
// old task's address only once it has stopped (moby/swarmkit
// manager/orchestrator/update, manager/allocator; code-derived), so for a
// moment a batch of `parallelism` tasks (every task when it is 0) holds
// addresses twice. start-first batches are already in Demand.UpdateExtra.
func (b *builder) updateBatch(n *Network) {
	for _, sid := range n.Services {
		s := b.m.Services[sid]
		if s == nil || s.UpdateOrder == "start-first" || s.Tasks <= 0 {
			continue
		}
		batch := s.Tasks
		if s.UpdateParallelism > 0 && s.UpdateParallelism < s.Tasks {
			batch = s.UpdateParallelism
		}
		if batch > n.Demand.UpdateBatch {
			n.Demand.UpdateBatch, n.Demand.UpdateBatchService = batch, sid
		}
	}
}
