package analyzer

import (
	"strconv"
	"strings"
)

// scriptNetwork adds a `docker network create` to the model.
func (b *builder) scriptNetwork(c *Command, st *runState) {
	if len(c.Positionals) == 0 {
		return
	}
	name := c.Positionals[0].Value
	driver := "bridge" // docker network create's default driver
	driverRaw := ""
	if f, ok := c.last("driver"); ok {
		driver, driverRaw = f.Value, f.Value
	}
	if name == "docker_gwbridge" {
		b.gwbridge(c, st)
		return
	}
	ingress := c.boolFlag("ingress")
	scope := ""
	if f, ok := c.last("scope"); ok {
		scope = f.Value
	}
	if !ingress && driver != "overlay" && scope != "swarm" {
		return // a node-local network: not part of the swarm's model
	}
	if !c.Positionals[0].Known && !ingress {
		return // a name from a loop or variable: which networks, and how many, is unknown
	}
	order := c.Order
	n := &Network{Key: name, Name: name, Driver: driver, DriverRaw: driverRaw, Origin: "script",
		Attachable: c.boolFlag("attachable"), Internal: c.boolFlag("internal"), Ingress: ingress,
		Options: map[string]string{}, Labels: map[string]string{}, LabelRefs: map[string]Ref{}, Subnets: []Subnet{}, Services: []string{},
		Command: &order, Ref: c.Ref}
	for _, f := range c.Flags["opt"] {
		k, v, hasValue := strings.Cut(f.Value, "=")
		n.Options[k] = v
		switch k {
		case "encrypted":
			n.Encrypted, n.EncryptedValue = true, v
			n.EncryptedBare = !hasValue
		case mtuOption:
			mtu := &MTU{Raw: v, Set: true, Ref: f.ValueRef}
			if x, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && x >= 0 {
				mtu.Value, mtu.Valid = x, true
			}
			n.MTU = mtu
		}
	}
	for _, f := range c.Flags["label"] {
		k, v, _ := strings.Cut(f.Value, "=")
		n.Labels[k] = v
		n.LabelRefs[k] = f.Ref
	}
	if f, ok := c.last("ipam-driver"); ok {
		n.IPAMDriver = f.Value
	}
	unknown := false
	for _, f := range c.Flags["subnet"] {
		if !f.Known {
			unknown = true
			continue
		}
		sn := parseSubnet(f.Value)
		sn.Ref, sn.OtherKeys = f.ValueRef, []string{}
		n.Subnets = append(n.Subnets, sn)
	}
	for _, sn := range n.Subnets {
		if sn.Valid && !sn.IPv6 && n.Subnet == "" {
			n.Subnet, n.SubnetSource = sn.Prefix, "script"
		}
	}
	if n.Subnet == "" && (unknown || len(n.Subnets) > 0) {
		n.SubnetSource = "unknown"
	}
	existing := ""
	if ing := b.m.Networks[b.m.Swarm.Ingress]; ing != nil {
		existing = ing.Name
	}
	if ingress {
		b.m.Swarm.IngressEvents = append(b.m.Swarm.IngressEvents, IngressEvent{Action: "create", Command: c.Order,
			Network: name, Existing: existing, Publishers: []IngressPublisher{}, Ref: c.Ref})
	}
	b.networkSubRegions(c, n, st.in)
	n.ID = b.uniqueNetworkID(name)
	b.m.Networks[n.ID] = n
	switch {
	case ingress && existing != "":
		// Docker refuses a second ingress network: it never gets addresses.
		if n.SubnetSource == "" {
			n.SubnetSource = "unknown"
		}
	case ingress:
		b.m.Swarm.Ingress = n.ID
		fallthrough
	default:
		if n.SubnetSource == "" {
			st.auto = append(st.auto, n)
		}
	}
}

// gwbridge records a script's docker_gwbridge; created before the node
// joins a swarm it replaces the default bridge subnet (seed procedure).
func (b *builder) gwbridge(c *Command, st *runState) {
	g := GwbridgeCreate{Command: c.Order, InSwarm: st.inSwarm, SwarmCommand: st.swarmCmd, Ref: c.Ref}
	if f, ok := c.last("subnet"); ok && f.Known {
		if sn := parseSubnet(f.Value); sn.Valid && !sn.IPv6 {
			g.Subnet = sn.Prefix
		}
	}
	if !st.inSwarm && g.Subnet != "" {
		b.m.Swarm.Gwbridge = g.Subnet
	}
	b.m.Swarm.GwbridgeCreates = append(b.m.Swarm.GwbridgeCreates, g)
}

// scriptNetworkRm removes networks; removing the ingress network records
// the services that publish through it at that point (docs/swarm-behaviour.md#ingress-removal).
func (b *builder) scriptNetworkRm(c *Command, st *runState) {
	for _, w := range c.Positionals {
		if !w.Known {
			continue
		}
		if ing := b.m.Networks[b.m.Swarm.Ingress]; ing != nil && (ing.Name == w.Value || ing.ID == w.Value) {
			b.m.Swarm.IngressEvents = append(b.m.Swarm.IngressEvents, IngressEvent{Action: "rm", Command: c.Order,
				Network: ing.Name, Publishers: b.ingressPublishers(st), Ref: c.Ref})
			b.dropNetwork(ing)
			b.m.Swarm.Ingress = ""
			continue
		}
		for _, id := range sortedKeys(b.m.Networks) {
			if n := b.m.Networks[id]; n.Origin == "script" && n.Name == w.Value {
				b.dropNetwork(n)
				break
			}
		}
	}
}

// dropNetwork removes a network the script removes. A network that took a
// subnet from the default address pools stays in the allocation order as
// a freed allocation: the pool's allocator has moved past its subnet and
// hands it out again only after wrapping round the pools (allocate).
func (b *builder) dropNetwork(n *Network) {
	delete(b.m.Networks, n.ID)
	if b.freed == nil {
		b.freed = map[*Network]bool{}
	}
	b.freed[n] = true
}

// ingressPublishers lists the services that publish ingress ports now.
func (b *builder) ingressPublishers(st *runState) []IngressPublisher {
	out := []IngressPublisher{}
	for _, id := range sortedKeys(b.m.Services) {
		s := b.m.Services[id]
		if !publishesIngress(s) || st.removed[id] {
			continue
		}
		certain := s.Command != nil || s.Origin == "inventory" || s.Stack != "" && st.deployed[s.Stack]
		if !certain && st.newSwarm {
			// Right after the script's own swarm init no linted stack can
			// be deployed yet: nothing of it depends on the ingress network.
			continue
		}
		name := s.Name
		if name == "" {
			name = s.Key
		}
		out = append(out, IngressPublisher{Service: id, Name: name, Certain: certain})
	}
	return out
}

// networkSubRegions records where the keys of a script network are on its
// command line, under the paths a stack file would use.
func (b *builder) networkSubRegions(c *Command, n *Network, in *scriptInputs) {
	for flag, path := range map[string][]any{"driver": {"driver"}, "attachable": {"attachable"}, "internal": {"internal"},
		"ingress": {"ingress"}, "ipam-driver": {"ipam", "driver"}, "scope": {"scope"}} {
		if f, ok := c.last(flag); ok {
			in.sub(n.Ref, f.Ref, path...)
		}
	}
	if len(c.Positionals) > 0 {
		in.sub(n.Ref, c.Positionals[0].Ref, "name")
	}
	for _, f := range c.Flags["opt"] {
		k, _, _ := strings.Cut(f.Value, "=")
		in.sub(n.Ref, f.Ref, "driver_opts", k)
	}
	for _, f := range c.Flags["label"] {
		k, _, _ := strings.Cut(f.Value, "=")
		in.sub(n.Ref, f.Ref, "labels", k)
	}
	for i, sn := range n.Subnets {
		in.sub(n.Ref, sn.Ref, "ipam", "config", i, "subnet")
		in.sub(n.Ref, sn.Ref, "ipam", "config", i)
	}
}
