package analyzer

// External networks shared between the inputs of one swarm.
//
// A network that one stack creates (or a bootstrap script creates with
// `docker network create`) and another stack declares `external: true` is
// one network in the swarm: docker stack deploy only looks the external
// network up by name (docker/cli cli/command/stack/deploy_composefile.go
// validateExternalNetworks) and attaches the services to it
// (convertServiceNetworks uses the network's name as the attachment target).
// The second stack's tasks take addresses from the first one's subnet, and
// its services reach the first one's by service name or key, which
// convertServiceNetworks adds as an alias on every user-defined network.
// So the model keeps one Network for both: its demand, consumers and plan
// row add up across the stacks (confirmed on the engine,
// docs/swarm-behaviour.md#shared-external-network).

// joinExternalNetworks replaces each external stack network that another
// input of the swarm creates under the same name by that network: the
// external entry's services are attached to it and the entry leaves the
// model. External networks the inventory holds were joined when the stack
// was built (builder.network); an external network nothing creates stays
// an "external" network of unknown subnet.
func (b *builder) joinExternalNetworks() {
	creators := map[string]*Network{} // name → the network created under it
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		if !createsNamedNetwork(n) {
			continue
		}
		if _, seen := creators[n.Name]; !seen {
			creators[n.Name] = n // the smallest id: two creators are a name collision (SWL007)
		}
	}
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		if n == nil || n.Origin != "external" { // gone: renamed in an earlier join
			continue
		}
		c := creators[n.Name]
		if c == nil || c == n {
			continue
		}
		for _, sid := range n.Services {
			s := b.m.Services[sid]
			if s == nil {
				continue
			}
			for i := range s.Networks {
				if s.Networks[i].Network == n.ID {
					s.Networks[i].Network = c.ID
				}
			}
			c.Services = append(c.Services, sid)
		}
		c.Used = c.Used || n.Used
		for i := range b.m.Keys {
			if b.m.Keys[i].Owner == n.ID {
				b.m.Keys[i].Owner = c.ID
			}
		}
		delete(b.m.Networks, n.ID)
		if c.ID != c.Name && b.m.Networks[c.Name] == nil {
			// The external entry came first and took the plain name as its
			// id: the one network keeps it, whatever the order of the stacks.
			b.renameNetwork(c, c.Name)
		}
	}
}

// renameNetwork gives n the id to, updating every reference made so far.
func (b *builder) renameNetwork(n *Network, to string) {
	from := n.ID
	delete(b.m.Networks, from)
	n.ID = to
	b.m.Networks[to] = n
	for _, s := range b.m.Services {
		for i := range s.Networks {
			if s.Networks[i].Network == from {
				s.Networks[i].Network = to
			}
		}
	}
	for i := range b.m.Keys {
		if b.m.Keys[i].Owner == from {
			b.m.Keys[i].Owner = to
		}
	}
}

// createsNamedNetwork reports whether n is a swarm-scoped network that an
// input creates under n.Name and another stack can therefore use as
// external: a stack network some service of its own stack uses (stack
// deploy creates no other: docker/cli convert.Networks walks the services'
// networks), or a
// script's network that is still there at the end of the script. The
// ingress network is not one: services cannot attach to it (SWL404).
func createsNamedNetwork(n *Network) bool {
	if n.Ingress || localDrivers[n.Driver] {
		return false
	}
	switch n.Origin {
	case "stack":
		return !n.External && n.Used
	case "script":
		return true
	}
	return false
}
