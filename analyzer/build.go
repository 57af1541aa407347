package analyzer

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// builder turns loaded stacks into the model.
type builder struct {
	m        *Model
	settings Settings
	env      map[string]string
	// autoOrder lists networks needing a pool subnet, in creation order.
	autoOrder []*Network
	// texts keeps, per service id, the strings to search for host names.
	texts map[string][]textUse
	// stacks are the loaded stacks, for facts that read the raw YAML.
	stacks []*stackData
	// freed are networks a script removed: they keep their place in
	// autoOrder, take their pool subnet there and give it back (allocate).
	freed map[*Network]bool
}

const mtuOption = "com.docker.network.driver.mtu"

func (b *builder) swarm() {
	s := b.settings
	sw := &b.m.Swarm
	sw.MaskLength = s.MaskLength
	sw.DataPathPort = s.DataPathPort
	sw.NodeCount = s.NodeCount
	sw.UnderlayMTU = s.UnderlayMTU
	sw.HostNetworks = append([]string{}, s.HostNetworks...)
	sw.Docker0 = s.Docker0
	sw.Gwbridge = s.Gwbridge
	sw.LegacyIngress = s.LegacyIngress
	pools := s.DefaultAddrPools
	sw.PoolsExplicit = len(pools) > 0
	if len(pools) == 0 {
		pools = []string{"10.0.0.0/8"}
	}
	sw.DefaultAddrPools = []Pool{}
	for _, p := range pools {
		pl := Pool{CIDR: p}
		if pfx, err := netip.ParsePrefix(p); err == nil {
			pl.Prefix, pl.Valid = pfx.Masked().String(), true
		}
		sw.DefaultAddrPools = append(sw.DefaultAddrPools, pl)
	}
	// The ingress network swarm creates at init: it takes the first pool subnet.
	ing := &Network{ID: "ingress", Name: "ingress", Key: "ingress", Driver: "overlay", Ingress: true,
		Implicit: true, Origin: "default", Options: map[string]string{}, Labels: map[string]string{}, LabelRefs: map[string]Ref{},
		Subnets: []Subnet{}, Services: []string{}, Ref: Ref{Src: "swarm"}}
	if s.LegacyIngress {
		ing.Subnet, ing.SubnetSource = "10.255.0.0/16", "legacy"
	} else {
		b.autoOrder = append(b.autoOrder, ing)
	}
	b.m.Networks[ing.ID] = ing
	sw.Ingress = ing.ID
}

// stack adds one loaded stack's networks and services.
func (b *builder) stack(sd *stackData) {
	b.stacks = append(b.stacks, sd)
	p := sd.project
	netByKey := map[string]*Network{}
	for _, key := range sortedKeys(p.Networks) {
		nc := p.Networks[key]
		n := b.network(sd, key, nc)
		netByKey[key] = n
	}
	for _, key := range sortedKeys(p.Services) {
		sc := p.Services[key]
		b.service(sd, key, sc, netByKey)
	}
	// networks used by no service are never created (docs/swarm-behaviour.md#unused-network-not-created)
	for _, key := range sortedKeys(netByKey) {
		n := netByKey[key]
		if !n.External && n.Used && n.SubnetSource == "" {
			b.autoOrder = append(b.autoOrder, n)
		}
	}
	b.scanDocs(sd)
}

func (b *builder) network(sd *stackData, key string, nc types.NetworkConfig) *Network {
	_, declared := b.declared(sd, "networks", key)
	n := &Network{
		Key: key, Stack: sd.name, DriverRaw: nc.Driver, Driver: nc.Driver,
		External: bool(nc.External), Internal: nc.Internal, Attachable: nc.Attachable,
		Origin: "stack", Implicit: !declared,
		Options: map[string]string{}, Labels: map[string]string{}, LabelRefs: map[string]Ref{}, Subnets: []Subnet{}, Services: []string{},
		Ref: Ref{Src: sd.src, Path: []any{"networks", key}},
	}
	if n.Implicit {
		n.Ref = Ref{Src: sd.src, Path: []any{"services"}}
	}
	if n.Driver == "" {
		n.Driver = "overlay"
	}
	n.Name = b.stackNetworkName(sd, key, nc.Name, n.External)
	for k, v := range nc.DriverOpts {
		n.Options[k] = v
	}
	for k, v := range nc.Labels {
		n.Labels[k] = v
		n.LabelRefs[k] = Ref{Src: sd.src, Path: []any{"networks", key, "labels", k}}
	}
	if v, ok := nc.DriverOpts["encrypted"]; ok {
		n.Encrypted, n.EncryptedValue = true, v
	}
	if raw, ok := nc.DriverOpts[mtuOption]; ok && !isUnknown(raw) {
		mtu := &MTU{Raw: raw, Ref: Ref{Src: sd.src, Path: []any{"networks", key, "driver_opts", mtuOption}}}
		if v, err := strconv.Atoi(strings.TrimSpace(raw)); err == nil && v >= 0 {
			mtu.Value, mtu.Valid = v, true
		}
		n.MTU = mtu
	}
	n.IPAMDriver = nc.Ipam.Driver
	for i, pool := range nc.Ipam.Config {
		if pool == nil {
			continue
		}
		sn := parseSubnet(pool.Subnet)
		sn.Ref = Ref{Src: sd.src, Path: []any{"networks", key, "ipam", "config", i, "subnet"}}
		sn.OtherKeys = []string{}
		sn.Gateway, sn.IPRange, sn.AuxAddresses = pool.Gateway, pool.IPRange, map[string]string{}
		for k, v := range pool.AuxiliaryAddresses {
			sn.AuxAddresses[k] = v
		}
		if pool.Gateway != "" {
			sn.OtherKeys = append(sn.OtherKeys, "gateway")
		}
		if pool.IPRange != "" {
			sn.OtherKeys = append(sn.OtherKeys, "ip_range")
		}
		if len(pool.AuxiliaryAddresses) > 0 {
			sn.OtherKeys = append(sn.OtherKeys, "aux_addresses")
		}
		if pool.Subnet == "" {
			continue
		}
		if isUnknown(pool.Subnet) || (pool.Subnet == unknownSubnet && len(sd.unknown) > 0) {
			n.SubnetSource = "unknown" // a required variable without value: not guessed
			continue
		}
		n.Subnets = append(n.Subnets, sn)
	}
	for _, sn := range n.Subnets {
		if sn.Valid && !sn.IPv6 && n.Subnet == "" {
			n.Subnet, n.SubnetSource = sn.Prefix, "explicit"
		}
	}
	if n.Subnet == "" && len(n.Subnets) > 0 {
		n.SubnetSource = "unknown" // only invalid or IPv6 subnets: nothing to allocate from the pool
	}
	if n.External {
		if inv := b.inventoryNetwork(n.Name); inv != nil {
			b.liveUse(inv, n)
			return inv // the stack uses the cluster's existing network
		}
		n.SubnetSource = "unknown"
		n.Origin = "external"
	}
	n.ID = b.uniqueNetworkID(n.Name)
	b.m.Networks[n.ID] = n
	return n
}

// stackNetworkName is the name docker stack deploy gives a stack's network:
// its `name:` (for an external network, or when written in the file), or
// <stack>_<key>.
func (b *builder) stackNetworkName(sd *stackData, key, name string, external bool) string {
	if name != "" && (external || b.hasKey(sd, []any{"networks", key, "name"})) {
		return name
	}
	return sd.name + "_" + key
}

func (b *builder) uniqueNetworkID(name string) string {
	id := name
	for i := 2; b.m.Networks[id] != nil; i++ {
		id = fmt.Sprintf("%s#%d", name, i)
	}
	return id
}

// parseSubnet reads one subnet string as Docker would.
func parseSubnet(s string) Subnet {
	sn := Subnet{CIDR: s, OtherKeys: []string{}, AuxAddresses: map[string]string{}}
	pfx, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return sn
	}
	sn.Valid = true
	sn.Prefix = pfx.Masked().String()
	sn.HostBitsSet = pfx.Masked().Addr() != pfx.Addr()
	sn.IPv6 = pfx.Addr().Is6() && !pfx.Addr().Is4In6()
	return sn
}

func (b *builder) service(sd *stackData, key string, sc types.ServiceConfig, netByKey map[string]*Network) {
	s := &Service{
		ID: sd.name + "_" + key, Name: sd.name + "_" + key, Key: key, Stack: sd.name, Image: sc.Image,
		Mode: "replicated", Replicas: 1, EndpointMode: "vip", UpdateParallelism: 1, UpdateOrder: "stop-first", Origin: "stack",
		Networks: []ServiceNetwork{}, Ports: []Port{}, DependsOn: []Dependency{}, Hostnames: []Hostname{}, Expose: []string{},
		Environment: map[string]string{}, CommandLine: []string{},
		Ref: Ref{Src: sd.src, Path: []any{"services", key}},
	}
	initSettings(s)
	b.stackSettings(sd, key, sc, s)
	if d := sc.Deploy; d != nil {
		if d.Mode != "" {
			s.Mode = d.Mode
		}
		if d.Replicas != nil {
			s.Replicas = *d.Replicas
		}
		if d.EndpointMode != "" && !isUnknown(d.EndpointMode) {
			s.EndpointModeRaw = d.EndpointMode
			s.EndpointMode = strings.ToLower(d.EndpointMode)
		}
		s.MaxReplicasPerNode = int(d.Placement.MaxReplicas)
		if u := d.UpdateConfig; u != nil {
			if u.Parallelism != nil {
				s.UpdateParallelism = int(*u.Parallelism)
			}
			if u.Order != "" {
				s.UpdateOrder = u.Order
			}
		}
	}
	s.Tasks = s.Replicas
	if s.Mode == "global" {
		s.Tasks = b.settings.NodeCount
	}
	// networks
	for _, nk := range sortedKeys(sc.Networks) {
		snc := sc.Networks[nk]
		sn := ServiceNetwork{Key: nk, Aliases: []string{}, Ref: Ref{Src: sd.src, Path: []any{"services", key, "networks", nk}}}
		if !b.hasKey(sd, []any{"services", key, "networks"}) {
			sn.Ref = s.Ref
		}
		if snc != nil {
			sn.Aliases = append(sn.Aliases, snc.Aliases...)
			sn.IPv4Address, sn.IPv6Address = snc.Ipv4Address, snc.Ipv6Address
		}
		if n := netByKey[nk]; n != nil {
			sn.Network = n.ID
			n.Used = true
			n.Services = append(n.Services, s.ID)
		}
		s.Networks = append(s.Networks, sn)
	}
	// ports, with their origin in the YAML
	origins := b.portOrigins(sd, key)
	for _, pc := range sc.Ports {
		p := Port{Target: int(pc.Target), PublishedRaw: pc.Published, Protocol: strings.ToLower(pc.Protocol),
			Mode: strings.ToLower(pc.Mode), HostIP: pc.HostIP, Syntax: "long"}
		if p.Protocol == "" {
			p.Protocol = "tcp"
		}
		if p.Mode == "" {
			p.Mode = "ingress"
		}
		if v, err := strconv.Atoi(pc.Published); err == nil {
			p.Published = v
		}
		if o, ok := origins.find(pc); ok {
			p.Ref = Ref{Src: sd.src, File: o.file, Path: []any{"services", key, "ports", o.index}}
			p.Syntax, p.Raw = o.syntax, o.raw
		} else {
			p.Ref = Ref{Src: sd.src, Path: []any{"services", key, "ports"}}
		}
		s.Ports = append(s.Ports, p)
	}
	s.InvalidPorts = []InvalidPort{}
	for _, bp := range sd.badPorts {
		if bp.service == key && !bp.unknown {
			s.InvalidPorts = append(s.InvalidPorts, InvalidPort{Raw: bp.raw, Error: bp.err,
				Ref: Ref{Src: sd.src, File: bp.file, Path: []any{"services", key, "ports", bp.index}}})
		}
	}
	for _, dk := range sortedKeys(sc.DependsOn) {
		s.DependsOn = append(s.DependsOn, Dependency{Service: dk, Ref: Ref{Src: sd.src, Path: []any{"services", key, "depends_on", dk}}})
	}
	for _, e := range sc.Expose {
		s.Expose = append(s.Expose, e)
	}
	finishDeploy(s)
	for k, v := range sc.Environment {
		if v != nil {
			s.Environment[k] = *v
		}
	}
	s.CommandLine = append(append(s.CommandLine, sc.Entrypoint...), sc.Command...)
	b.m.Services[s.ID] = s
	if b.texts == nil {
		b.texts = map[string][]textUse{}
	}
	b.texts[s.ID] = serviceText(sc)
}

type portOrigin struct {
	file   string
	index  int
	syntax string
	raw    string
	target uint32
	pub    string
	proto  string
}

// portOrigins are a service's port items in file order, indexed by what
// they publish: a range such as "1-65535:1-65535" is 65,535 ports, and
// matching each loaded port by a scan of all of them took seconds.
type portOrigins struct {
	byKey map[originKey][]*portOrigin // in file order
	used  map[originKey]int           // how many of byKey's last entries are taken
}

type originKey struct {
	target uint32
	pub    string
	proto  string // lower case
}

func (po *portOrigins) add(o *portOrigin) {
	if po.byKey == nil {
		po.byKey, po.used = map[originKey][]*portOrigin{}, map[originKey]int{}
	}
	k := originKey{o.target, o.pub, strings.ToLower(o.proto)}
	po.byKey[k] = append(po.byKey[k], o)
}

// find matches a loaded port to the YAML item it came from; later files
// win: the last item not matched yet, else the last item.
func (po *portOrigins) find(pc types.ServicePortConfig) (*portOrigin, bool) {
	proto := pc.Protocol
	if proto == "" {
		proto = "tcp"
	}
	k := originKey{pc.Target, pc.Published, strings.ToLower(proto)}
	list := po.byKey[k]
	if len(list) == 0 {
		return nil, false
	}
	n := po.used[k]
	if n < len(list) {
		po.used[k] = n + 1
		return list[len(list)-1-n], true
	}
	return list[len(list)-1], true
}

func (b *builder) portOrigins(sd *stackData, svc string) *portOrigins {
	out := &portOrigins{}
	for _, d := range sd.docs {
		seq := d.sequenceAt([]any{"services", svc, "ports"})
		if seq == nil {
			continue
		}
		for i, item := range seq.Content {
			it := deref(item)
			switch it.Kind {
			case yaml.ScalarNode:
				raw := it.Value
				val, err := template.Substitute(raw, template.Mapping(func(k string) (string, bool) { v, ok := b.env[k]; return v, ok }))
				if err != nil {
					val = raw
				}
				pcs, err := types.ParsePortConfig(val)
				if err != nil {
					continue
				}
				for _, pc := range pcs {
					out.add(&portOrigin{file: d.File, index: i, syntax: "short", raw: raw, target: pc.Target, pub: pc.Published, proto: pc.Protocol})
				}
			case yaml.MappingNode:
				o := &portOrigin{file: d.File, index: i, syntax: "long", proto: "tcp"}
				for j := 0; j+1 < len(it.Content); j += 2 {
					k, v := it.Content[j].Value, deref(it.Content[j+1])
					val, err := template.Substitute(v.Value, template.Mapping(func(k string) (string, bool) { v, ok := b.env[k]; return v, ok }))
					if err != nil {
						val = v.Value
					}
					switch k {
					case "target":
						t, _ := strconv.ParseUint(val, 10, 32)
						o.target = uint32(t)
					case "published":
						o.pub = val
					case "protocol":
						o.proto = val
					}
				}
				out.add(o)
			}
		}
	}
	return out
}

// declared reports whether section.key exists in some file of the stack.
func (b *builder) declared(sd *stackData, section, key string) (*Doc, bool) {
	for _, d := range sd.docs {
		if m := d.resolve([]any{section, key}); m.depth == 2 {
			return d, true
		}
	}
	return nil, false
}

func (b *builder) hasKey(sd *stackData, path []any) bool {
	for _, d := range sd.docs {
		if m := d.resolve(path); m.depth == len(path) {
			return true
		}
	}
	return false
}

// scanDocs walks the raw YAML of a stack for variable uses and special keys.
func (b *builder) scanDocs(sd *stackData) {
	for _, d := range sd.docs {
		keys := b.newKeyScan(sd, d)
		// merged is true below a `<<` merge key or an alias: the keys count
		// where they are merged in (the YAML parser resolves merge keys and
		// aliases before Docker validates the file), the variables were found
		// where the merged mapping is written.
		var walk func(n *yaml.Node, path []any, depth int, merged bool)
		walk = func(n *yaml.Node, path []any, depth int, merged bool) {
			if n == nil || depth > 64 {
				return
			}
			if n.Kind == yaml.AliasNode {
				merged = true
			}
			if merged {
				if n = deref(n); n == nil {
					return
				}
			}
			switch n.Kind {
			case yaml.DocumentNode:
				for _, c := range n.Content {
					walk(c, path, depth+1, merged)
				}
			case yaml.MappingNode:
				eachEntry(n, func(k, v, via *yaml.Node) bool {
					p := append(append([]any{}, path...), k.Value)
					keys.key(p)
					walk(v, p, depth+1, merged || via != nil)
					return true
				})
			case yaml.SequenceNode:
				for i, c := range n.Content {
					p := append(append([]any{}, path...), i)
					if it := deref(c); it != nil && it.Kind == yaml.MappingNode {
						keys.item(p)
					}
					walk(c, p, depth+1, merged)
				}
			case yaml.ScalarNode:
				if !merged && strings.Contains(n.Value, "$") {
					b.variables(sd, d, n, path)
				}
			}
		}
		walk(d.Root, nil, 0, false)
	}
}

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func sortStrings(xs []string) []string { sort.Strings(xs); return xs }
