package analyzer

import (
	"encoding/json"
	"fmt"
)

// LiveSwarm is the state of a running swarm, read over the Docker Engine API
// (swarmlint --live, package internal/live). It joins the model as
// inventory, like `docker network inspect` output given with --cluster, and
// its swarm facts replace the settings' defaults and flags.
type LiveSwarm struct {
	// Engine is the address the swarm was read from.
	Engine string
	// DefaultAddrPools, SubnetSize and DataPathPort are the swarm's spec
	// (docker swarm init --default-addr-pool, --default-addr-pool-mask-length,
	// --data-path-port).
	DefaultAddrPools []string
	SubnetSize       int
	DataPathPort     int
	Nodes            []Node
	// Networks and Services are JSON arrays of network and service objects,
	// as the Engine API returns them and `docker network inspect` and
	// `docker service inspect` print them: the same objects --cluster reads.
	Networks json.RawMessage
	Services json.RawMessage
	// Attached counts, per network id, the addresses held by containers
	// attached outside services (docker run --network on an attachable
	// network).
	Attached map[string]int
	// Tasks counts, per service id, the tasks that hold addresses now.
	Tasks map[string]int
}

// liveSrc is the source key of live objects. It has no files: a finding
// about a live object alone cannot be located (lint reports it apart), so
// objects a linted stack uses are re-pointed at the stack's entry.
const liveSrc = "live"

// applyLive puts the live swarm's facts over the settings.
func (ls *LiveSwarm) applyLive(s Settings) Settings {
	if len(ls.DefaultAddrPools) > 0 {
		s.DefaultAddrPools = append([]string{}, ls.DefaultAddrPools...)
	}
	if ls.SubnetSize > 0 {
		s.MaskLength = ls.SubnetSize
	}
	if ls.DataPathPort > 0 {
		s.DataPathPort = ls.DataPathPort
	}
	nodes := 0
	for _, n := range ls.Nodes {
		if n.Availability != "drain" {
			nodes++ // drained nodes run no tasks and no load-balancer endpoints
		}
	}
	if nodes > 0 {
		s.NodeCount = nodes
	}
	return s
}

// liveInventory is the live swarm as an inventory document.
func (a *Analysis) liveInventory(ls *LiveSwarm) (*inventoryDoc, error) {
	a.Model.Sources[liveSrc] = Source{Kind: "live", Files: []string{}}
	inv := &inventoryDoc{file: ls.Engine, src: liveSrc, live: true, attached: ls.Attached, tasks: ls.Tasks}
	var raw []map[string]json.RawMessage
	for _, part := range []json.RawMessage{ls.Networks, ls.Services} {
		if len(part) == 0 {
			continue
		}
		var objs []map[string]json.RawMessage
		if err := json.Unmarshal(part, &objs); err != nil {
			return nil, fmt.Errorf("the engine at %s answered with objects swarmlint cannot read: %w", ls.Engine, err)
		}
		raw = append(raw, objs...)
	}
	if err := inv.parse(raw, func(...any) (int, int) { return 0, 0 }); err != nil {
		return nil, fmt.Errorf("the engine at %s: %w", ls.Engine, err)
	}
	return inv, nil
}

// previousVersions removes from the model the inventory networks and
// services (live, or from --cluster exports)
// that a linted stack redeploys: docker stack deploy finds its own objects
// by the com.docker.stack.namespace label and updates a service of the same
// name, and keeps a network of the same name as it is. A live object of
// that stack the files no longer name stays (deploy without --prune keeps
// it). It returns, per removed network's id, its subnets, which the stack's
// network keeps when its file gives none.
func (b *builder) previousVersions(stacks []*stackData) map[string][]Subnet {
	kept := map[string][]Subnet{}
	for _, sd := range stacks {
		used := map[string]bool{} // networks some service attaches: the ones deploy creates
		for _, sc := range sd.project.Services {
			for k := range sc.Networks {
				used[k] = true
			}
			if len(sc.Networks) == 0 {
				used["default"] = true
			}
		}
		for key, nc := range sd.project.Networks {
			if bool(nc.External) || !used[key] {
				continue
			}
			name := b.stackNetworkName(sd, key, nc.Name, false)
			for _, id := range sortedKeys(b.m.Networks) {
				n := b.m.Networks[id]
				if n.Origin == "inventory" && n.Name == name && n.CreatedByStack == sd.name && !n.Ingress {
					kept[n.ID] = n.Subnets
					delete(b.m.Networks, id)
				}
			}
		}
		for key := range sd.project.Services {
			name := sd.name + "_" + key
			if s := b.m.Services[name]; s != nil && s.Origin == "inventory" && s.CreatedByStack == sd.name {
				delete(b.m.Services, name)
				for _, n := range b.m.Networks {
					n.Services = removeString(n.Services, name)
				}
			}
		}
	}
	return kept
}

// adoptPrevious gives each stack network that replaced an inventory network of
// the same stack the live subnets when its file sets none (the network
// exists and keeps its subnet), and re-attaches the remaining live services.
func (b *builder) adoptPrevious(kept map[string][]Subnet) {
	for _, id := range sortedKeys(kept) {
		n := b.m.Networks[id]
		if n == nil || n.Origin != "stack" {
			continue
		}
		if len(n.Subnets) == 0 && n.SubnetSource == "" {
			for _, sn := range kept[id] {
				sn.Ref = n.Ref
				n.Subnets = append(n.Subnets, sn)
				if sn.Valid && !sn.IPv6 && n.Subnet == "" {
					n.Subnet, n.SubnetSource = sn.Prefix, "inventory"
				}
			}
			b.dropAuto(n)
		}
	}
	for _, sid := range sortedKeys(b.m.Services) {
		s := b.m.Services[sid]
		if s.Origin != "inventory" {
			continue
		}
		for _, sn := range s.Networks {
			if _, ok := kept[sn.Network]; ok {
				if n := b.m.Networks[sn.Network]; n != nil && !containsString(n.Services, sid) {
					n.Services = append(n.Services, sid)
				}
			}
		}
	}
}

// liveUse points a live network a stack uses as external at the stack's
// entry for it, so that findings about it have a place in the files.
func (b *builder) liveUse(inv, stackNet *Network) {
	if !inv.Live || inv.Ref.Src != liveSrc {
		return
	}
	inv.Ref = stackNet.Ref
	for i := range inv.Subnets {
		inv.Subnets[i].Ref = stackNet.Ref
	}
}

func removeString(xs []string, x string) []string {
	out := xs[:0]
	for _, y := range xs {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
