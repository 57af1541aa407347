package analyzer

import (
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

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
	// joined maps a stack's external network key to the id of the network
	// another input creates under its name (joinExternalNetworks).
	joined map[string]map[string]string
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

type textUse struct {
	where string
	path  []any
	text  string
}

func serviceText(sc types.ServiceConfig) []textUse {
	var out []textUse
	for _, k := range sortedKeys(sc.Environment) {
		if v := sc.Environment[k]; v != nil {
			out = append(out, textUse{"environment", []any{"services", sc.Name, "environment", k}, *v})
		}
	}
	for i, c := range sc.Command {
		out = append(out, textUse{"command", []any{"services", sc.Name, "command", i}, c})
	}
	for i, c := range sc.Entrypoint {
		out = append(out, textUse{"entrypoint", []any{"services", sc.Name, "entrypoint", i}, c})
	}
	return out
}

type portOrigin struct {
	file   string
	index  int
	syntax string
	raw    string
	target uint32
	pub    string
	proto  string
	used   bool
}

type portOrigins []*portOrigin

// find matches a loaded port to the YAML item it came from; later files win.
func (po portOrigins) find(pc types.ServicePortConfig) (*portOrigin, bool) {
	proto := pc.Protocol
	if proto == "" {
		proto = "tcp"
	}
	for pass := 0; pass < 2; pass++ {
		for i := len(po) - 1; i >= 0; i-- {
			o := po[i]
			if o.target == pc.Target && o.pub == pc.Published && strings.EqualFold(o.proto, proto) && (pass == 1 || !o.used) {
				o.used = true
				return o, true
			}
		}
	}
	return nil, false
}

func (b *builder) portOrigins(sd *stackData, svc string) portOrigins {
	var out portOrigins
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
					out = append(out, &portOrigin{file: d.File, index: i, syntax: "short", raw: raw, target: pc.Target, pub: pc.Published, proto: pc.Protocol})
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
				out = append(out, o)
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

var varRe = regexp.MustCompile(`\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// scanDocs walks the raw YAML of a stack for variable uses and special keys.
func (b *builder) scanDocs(sd *stackData) {
	for _, d := range sd.docs {
		// merged is true below a `<<` merge key: the keys count where they
		// are merged in (the YAML parser resolves merge keys before Docker
		// validates the file), the variables were found where the merged
		// mapping is written.
		var walk func(n *yaml.Node, path []any, depth int, merged bool)
		walk = func(n *yaml.Node, path []any, depth int, merged bool) {
			if n == nil || depth > 64 {
				return
			}
			if merged {
				n = deref(n)
			}
			switch n.Kind {
			case yaml.DocumentNode:
				for _, c := range n.Content {
					walk(c, path, depth+1, merged)
				}
			case yaml.MappingNode:
				explicit := map[string]bool{}
				for i := 0; i+1 < len(n.Content); i += 2 {
					if !isMergeKey(n.Content[i]) {
						explicit[n.Content[i].Value] = true
					}
				}
				for i := 0; i+1 < len(n.Content); i += 2 {
					k := n.Content[i]
					if isMergeKey(k) {
						for _, m := range mergeSources(n.Content[i+1]) {
							m = deref(m)
							if m == nil || m.Kind != yaml.MappingNode {
								continue
							}
							for j := 0; j+1 < len(m.Content); j += 2 {
								mk := m.Content[j]
								if explicit[mk.Value] || isMergeKey(mk) {
									continue
								}
								explicit[mk.Value] = true
								p := append(append([]any{}, path...), mk.Value)
								b.classifyKey(sd, d, p)
								walk(m.Content[j+1], p, depth+1, true)
							}
						}
						continue
					}
					p := append(append([]any{}, path...), k.Value)
					b.classifyKey(sd, d, p)
					walk(n.Content[i+1], p, depth+1, merged)
				}
			case yaml.SequenceNode:
				for i, c := range n.Content {
					walk(c, append(append([]any{}, path...), i), depth+1, merged)
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

// stackVariables records the variable uses of a stack that is not built.
func (b *builder) stackVariables(sd *stackData) {
	for _, d := range sd.docs {
		walkScalars(d.Root, nil, func(n *yaml.Node, path []any) { b.variables(sd, d, n, path) })
	}
}

func (b *builder) variables(sd *stackData, d *Doc, n *yaml.Node, path []any) {
	seen := map[string]int{}
	for _, m := range varRe.FindAllStringSubmatch(strings.ReplaceAll(n.Value, "$$", ""), -1) {
		expr := m[1]
		name := m[2]
		v := Variable{Syntax: m[0], Stack: sd.name, Ref: Ref{Src: sd.src, File: d.File, Path: path}}
		if name == "" {
			var op, rest string
			name, op, rest = splitVariable(expr)
			v.HasDefault = op == ":-" || op == "-" || op == ":+" || op == "+"
			v.Required = op == ":?" || op == "?"
			if v.Required {
				v.Message = rest
			}
		}
		v.Name = name
		var val string
		val, v.Set = b.env[name]
		v.Empty = v.Set && val == ""
		_, v.Unknown = sd.unknown[name]
		if r, ok := variableToken(d, n, m[0], seen[m[0]]); ok {
			v.Ref.Line, v.Ref.Col, v.Ref.EndLine, v.Ref.EndCol = r.StartLine, r.StartCol, r.EndLine, r.EndCol
		}
		seen[m[0]]++
		b.m.Variables = append(b.m.Variables, v)
	}
}

// variableToken finds the k-th (0-based) occurrence of a ${...} expression
// in the source text of a scalar written on one line (plain or quoted), so
// that a finding about the variable points at the expression itself rather
// than at the whole value.
func variableToken(d *Doc, n *yaml.Node, syntax string, k int) (Region, bool) {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.Contains(n.Value, "\n") {
		return Region{}, false
	}
	line := []rune(d.line(n.Line))
	if n.Column < 1 || n.Column > len(line) {
		return Region{}, false
	}
	rest := string(line[n.Column-1:])
	col := n.Column
	for i := 0; ; i++ {
		at := strings.Index(rest, syntax)
		if at < 0 {
			return Region{}, false
		}
		col += utf8.RuneCountInString(rest[:at])
		if i == k {
			end := col + utf8.RuneCountInString(syntax)
			return Region{File: d.File, StartLine: n.Line, StartCol: col, EndLine: n.Line, EndCol: end}, true
		}
		col += utf8.RuneCountInString(syntax)
		rest = rest[at+len(syntax):]
	}
}

// Key classes from docker/cli's stack loader (docs/swarm-behaviour.md#stack-file-keys).
var (
	topLevelV3   = set("version", "services", "networks", "volumes", "secrets", "configs")
	forbiddenSvc = set("extends", "volume_driver", "volumes_from", "cpu_quota", "cpu_shares", "cpuset", "mem_limit", "memswap_limit")
	ignoredSvc   = set("build", "cgroupns_mode", "cgroup_parent", "devices", "domainname", "external_links", "ipc", "links", "mac_address", "network_mode", "pid", "privileged", "restart", "security_opt", "shm_size", "userns_mode")
	deprecSvc    = set("container_name", "expose")
	composeSvc   = set("profiles", "platform", "pull_policy", "scale", "develop", "attach", "blkio_config", "cpu_count", "cpu_percent", "cpu_period", "cpu_rt_runtime", "cpu_rt_period", "cpus", "device_cgroup_rules", "dns_opt", "env_file", "gpus", "label_file", "links", "mem_reservation", "mem_swappiness", "models", "oom_kill_disable", "oom_score_adj", "post_start", "pre_stop", "provider", "runtime", "storage_opt", "uts", "use_api_socket", "volumes_from", "annotations", "mem_limit", "memswap_limit", "cpuset", "cpu_shares", "cpu_quota")
	networkV3    = set("name", "driver", "driver_opts", "ipam", "external", "internal", "attachable", "labels")
	ipamV3       = set("driver", "config")
	ipamConfigV3 = set("subnet")
)

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func (b *builder) classifyKey(sd *stackData, d *Doc, p []any) {
	strs := make([]string, len(p))
	for i, x := range p {
		strs[i] = fmt.Sprint(x)
	}
	add := func(pattern, class, owner string) {
		b.m.Keys = append(b.m.Keys, KeyUse{Key: pattern, Class: class, Stack: sd.name, Owner: owner,
			Ref: Ref{Src: sd.src, File: d.File, Path: p}})
	}
	last := strs[len(strs)-1]
	if strings.HasPrefix(last, "x-") {
		return
	}
	switch {
	case len(p) == 1:
		if !topLevelV3[last] {
			add(last, "compose-only", "")
		}
	case len(p) == 3 && strs[0] == "services":
		owner := sd.name + "_" + strs[1]
		switch {
		case forbiddenSvc[last]:
			add("services.*."+last, "forbidden", owner)
		case ignoredSvc[last]:
			add("services.*."+last, "unsupported", owner)
		case deprecSvc[last]:
			add("services.*."+last, "deprecated", owner)
		case composeSvc[last]:
			add("services.*."+last, "compose-only", owner)
		}
	case len(p) == 5 && strs[0] == "services" && strs[2] == "depends_on":
		add("services.*.depends_on.*."+last, "compose-only", sd.name+"_"+strs[1])
	case len(p) == 5 && strs[0] == "services" && strs[2] == "networks" && (last == "ipv4_address" || last == "ipv6_address" || last == "link_local_ips" || last == "mac_address" || last == "priority" || last == "gw_priority" || last == "interface_name" || last == "driver_opts"):
		add("services.*.networks.*."+last, "ignored", sd.name+"_"+strs[1])
	case len(p) == 5 && strs[0] == "services" && strs[2] == "ports" && last == "host_ip":
		add("services.*.ports.*.host_ip", "compose-only", sd.name+"_"+strs[1])
	case len(p) == 3 && strs[0] == "networks":
		if !networkV3[last] {
			add("networks.*."+last, "not-deployable", b.netID(sd, strs[1]))
		}
	case len(p) == 4 && strs[0] == "networks" && strs[2] == "ipam":
		if !ipamV3[last] {
			add("networks.*.ipam."+last, "not-deployable", b.netID(sd, strs[1]))
		}
	case len(p) == 6 && strs[0] == "networks" && strs[2] == "ipam" && strs[3] == "config":
		if !ipamConfigV3[last] {
			add("networks.*.ipam.config.*."+last, "not-deployable", b.netID(sd, strs[1]))
		}
	}
}

// netID is the id of the network of sd with this key (the smallest id when
// several share the key), or "".
func (b *builder) netID(sd *stackData, key string) string {
	found := ""
	for id, n := range b.m.Networks {
		if n.Stack == sd.name && n.Key == key && (found == "" || id < found) {
			found = id
		}
	}
	return found
}

// netIDs maps each network key of sd to the id of its network in the model
// (the smallest id when several share the key), for lookups in a loop.
func (b *builder) netIDs(sd *stackData) map[string]string {
	ids := map[string]string{}
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		if _, seen := ids[n.Key]; n.Stack == sd.name && !seen {
			ids[n.Key] = id
		}
	}
	for key, id := range b.joined[sd.name] {
		if _, seen := ids[key]; !seen {
			ids[key] = id
		}
	}
	return ids
}

var hostTokenRe = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9._-]*`)

// hostnames finds, per service, tokens in environment/command that name
// another service of the swarm: its key within the stack, its swarm name,
// an alias, or, over a network the two share, the other stack's service
// key (docker/cli convertServiceNetworks adds the key as an alias on every
// user-defined network, so a stack using another's network as external
// resolves that stack's services by key).
func (b *builder) hostnames() {
	byStack := map[string]map[string]string{} // stack -> name -> service id
	global := map[string]string{}
	onNetwork := map[string]map[string]string{} // network id -> key or alias -> service id
	for _, id := range sortedKeys(b.m.Services) {
		s := b.m.Services[id]
		if byStack[s.Stack] == nil {
			byStack[s.Stack] = map[string]string{}
		}
		byStack[s.Stack][s.Key] = id
		global[s.Name] = id
		for _, sn := range s.Networks {
			for _, a := range sn.Aliases {
				byStack[s.Stack][a] = id
			}
			if sn.Network == "" {
				continue
			}
			if onNetwork[sn.Network] == nil {
				onNetwork[sn.Network] = map[string]string{}
			}
			for _, a := range append([]string{s.Key}, sn.Aliases...) {
				if _, taken := onNetwork[sn.Network][a]; !taken {
					onNetwork[sn.Network][a] = id
				}
			}
		}
	}
	// viaNetwork finds a service of another stack that s reaches by key or
	// alias over one of its networks.
	viaNetwork := func(s *Service, tok string) (string, bool) {
		for _, sn := range s.Networks {
			if other, ok := onNetwork[sn.Network][tok]; ok && sn.Network != "" && b.m.Services[other].Stack != s.Stack {
				return other, true
			}
		}
		return "", false
	}
	for _, id := range sortedKeys(b.m.Services) {
		s := b.m.Services[id]
		seen := map[string]bool{}
		for _, tu := range b.texts[id] {
			for _, loc := range hostTokenRe.FindAllStringIndex(tu.text, -1) {
				if !hostPosition(tu.text, loc[0], loc[1]) {
					continue
				}
				tok := strings.TrimRight(tu.text[loc[0]:loc[1]], ".")
				other, ok := byStack[s.Stack][tok]
				if !ok {
					other, ok = global[tok]
				}
				if !ok {
					other, ok = viaNetwork(s, tok)
				}
				if !ok || other == id || seen[other+"\x00"+tu.where] {
					continue
				}
				seen[other+"\x00"+tu.where] = true
				path := append([]any{}, tu.path...)
				path[1] = s.Key
				s.Hostnames = append(s.Hostnames, Hostname{Host: tok, Service: other, Where: tu.where,
					Ref: Ref{Src: "stack:" + s.Stack, Path: path}})
			}
		}
	}
}

// hostPosition reports whether text[a:b] stands where a host name can:
// not a URL scheme ("redis://"), a path segment ("/var/lib/postgres"), a
// flag ("--db") or a key ("db=..."). "http://db:5432", "db:3306" and
// "DB_HOST=db" keep it.
func hostPosition(text string, a, b int) bool {
	rest := text[b:]
	if strings.HasPrefix(rest, "://") || strings.HasPrefix(rest, "=") {
		return false
	}
	if a > 0 {
		switch text[a-1] {
		case '-', '$', '{':
			return false
		case '/':
			return a > 1 && text[a-2] == '/'
		}
	}
	return true
}

func sortStrings(xs []string) []string { sort.Strings(xs); return xs }
