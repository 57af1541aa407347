package analyzer

import (
	"sort"
	"strings"
)

// nameCollisions finds the objects swarm would create under names
// equal ignoring case: SwarmKit's store compares names lower-cased (docs/swarm-behaviour.md#network-name-taken).
// Networks: those the linted stacks create (not external, used by a service)
// against each other and against networks that already exist (inventory,
// scripts) unless that network belongs to the same stack (a redeploy).
// Services: the stacks' services.
func (b *builder) nameCollisions() {
	ix := &b.m.Indexes
	ix.NameCollisions = []NameCollision{}
	type obj struct {
		id, name, stack string
		existing        bool
	}
	pairs := func(kind string, objs []obj) {
		groups := map[string][]obj{}
		for _, o := range objs {
			groups[strings.ToLower(o.name)] = append(groups[strings.ToLower(o.name)], o)
		}
		for _, k := range sortedKeys(groups) {
			g := groups[k]
			sort.Slice(g, func(i, j int) bool { return g[i].id < g[j].id })
			for i := 0; i < len(g); i++ {
				for j := i + 1; j < len(g); j++ {
					a, c := g[i], g[j]
					if a.existing && c.existing {
						continue
					}
					ix.NameCollisions = append(ix.NameCollisions, NameCollision{Kind: kind, A: a.id, B: c.id,
						NameA: a.name, NameB: c.name, Exact: a.name == c.name, SameStack: a.stack != "" && a.stack == c.stack})
				}
			}
		}
	}
	var nets []obj
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		switch {
		case n.Origin == "stack" && !n.External && n.Used:
			nets = append(nets, obj{id: id, name: n.Name, stack: n.Stack})
		case n.Origin == "inventory" || n.Origin == "script":
			nets = append(nets, obj{id: id, name: n.Name, existing: true, stack: n.Labels["com.docker.stack.namespace"]})
		}
	}
	// An existing network labelled with the stack's namespace is that stack's
	// own network from an earlier deploy: stack deploy reuses it.
	var keep []obj
	for _, o := range nets {
		if o.existing && o.stack != "" {
			reused := false
			for _, c := range nets {
				if !c.existing && c.stack == o.stack && c.name == o.name {
					reused = true
				}
			}
			if reused {
				continue
			}
		}
		keep = append(keep, o)
	}
	pairs("network", keep)
	var svcs []obj
	for _, id := range sortedKeys(b.m.Services) {
		s := b.m.Services[id]
		if s.Origin == "stack" || s.Origin == "" {
			svcs = append(svcs, obj{id: id, name: s.Name, stack: s.Stack})
		}
	}
	pairs("service", svcs)
}
