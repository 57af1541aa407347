package analyzer

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/swarmlint/swarmlint/internal/safeio"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/swarmlint/swarmlint/analyzer/script"
)

// SwarmInitSource is the display name of the --swarm-init command line in
// findings when Options.SwarmInitName is empty.
const SwarmInitSource = "--swarm-init"

// parsedCommand is one docker command of an input, before it enters the model.
type parsedCommand struct {
	src  string // key into Model.Sources
	file string // display file for positions
	cmd  script.Command
	// flagOnly marks the --swarm-init command: it says how the swarm was
	// initialised, not when relative to the scripts' other commands.
	flagOnly bool
}

// scriptInputs are the parsed scripts, --swarm-init and daemon.json.
type scriptInputs struct {
	commands []parsedCommand
	daemon   *Doc
	// subs is Analysis.SubRegions, filled while the commands enter the model.
	subs map[string]Region
}

// loadScriptInputs reads and parses --swarm-init, the scripts and
// daemon.json. Syntax errors become *InputError with a position.
func (a *Analysis) loadScriptInputs(opts Options) (*scriptInputs, error) {
	if a.SubRegions == nil {
		a.SubRegions = map[string]Region{}
	}
	in := &scriptInputs{subs: a.SubRegions}
	// Trailing space only: positions stay relative to the text as given.
	if line := strings.TrimRight(opts.SwarmInit, " \t\r\n"); strings.TrimSpace(line) != "" {
		name := opts.SwarmInitName
		if name == "" {
			name = SwarmInitSource
		}
		if at := opts.SwarmInitAt; at != nil {
			name = at.File
		}
		cmd, err := script.ParseCommandLine(name, line)
		if err != nil {
			if at := opts.SwarmInitAt; at != nil {
				return nil, &InputError{File: at.File, Line: at.Line, Col: at.Col, Msg: "swarm.init: " + err.Error(), Err: err}
			}
			return nil, scriptError(name, err)
		}
		src := "flag:swarm-init"
		if at := opts.SwarmInitAt; at != nil {
			shiftCommand(cmd, at)
			b, err := ReadInput(at.File, safeio.MaxConfigSize)
			if err != nil {
				return nil, err
			}
			a.addFile(name, b, false)
		} else {
			a.addFile(name, []byte(line), true)
		}
		a.Model.Sources[src] = Source{Kind: "flag", Files: []string{name}}
		in.commands = append(in.commands, parsedCommand{src: src, file: name, cmd: *cmd, flagOnly: true})
	}
	for _, f := range opts.Scripts {
		src, err := opts.read(f, safeio.MaxScriptSize)
		if err != nil {
			return nil, err
		}
		s, err := script.Parse(f, src)
		if err != nil {
			return nil, scriptError(f, err)
		}
		key := "script:" + f
		if _, dup := a.Model.Sources[key]; dup {
			return nil, &InputError{File: f, Msg: "script given twice"}
		}
		a.addFile(f, src, false)
		a.Model.Sources[key] = Source{Kind: "script", Files: []string{f}}
		for _, c := range s.Commands {
			in.commands = append(in.commands, parsedCommand{src: key, file: f, cmd: c})
		}
	}
	if f := opts.DaemonJSON; f != "" {
		src, err := ReadInput(f, safeio.MaxDaemonSize)
		if err != nil {
			return nil, err
		}
		node, err := ParseYAML(f, src)
		if err != nil {
			return nil, err
		}
		d := NewDoc(f, src, node)
		key := "daemon:" + f
		a.addFile(f, src, false)
		a.Docs[key] = []*Doc{d}
		a.Model.Sources[key] = Source{Kind: "config", Files: []string{f}}
		in.daemon = d
	}
	return in, nil
}

func scriptError(file string, err error) error {
	var pe *script.ParseError
	if errors.As(err, &pe) {
		return &InputError{File: file, Line: pe.Line, Col: pe.Col, Msg: pe.Msg, Err: err}
	}
	return &InputError{File: file, Msg: err.Error(), Err: err}
}

// regionRef is an exact-region Ref into a script or command line.
func regionRef(src, file string, r script.Region, path ...any) Ref {
	return Ref{Src: src, File: file, Path: path, Line: r.Line, Col: r.Col, EndLine: r.EndLine, EndCol: r.EndCol}
}

// sub records where a key below an element's exact-region ref is in the
// script, so finding_at(element, sub) points at the flag.
func (in *scriptInputs) sub(base Ref, region Ref, path ...any) {
	if in == nil || in.subs == nil || region.Line == 0 {
		return
	}
	in.subs[base.Identity(path)] = Region{File: region.File, StartLine: region.Line, StartCol: region.Col,
		EndLine: region.EndLine, EndCol: region.EndCol}
}

// runState is what the commands have done so far, in run order.
type runState struct {
	inSwarm  bool
	swarmCmd int
	// newSwarm is true after the script's own `docker swarm init` (until a
	// join or leave): the swarm is the script's, so only what the script
	// itself created runs in it, not the linted stacks it has not deployed.
	newSwarm bool
	// removed are stack services a script removed (service rm).
	removed map[string]bool
	// deployed are stacks a script deployed (stack deploy).
	deployed map[string]bool
	// auto are script networks that need a pool subnet, in creation order.
	auto []*Network
	in   *scriptInputs
}

// scriptInputs turns the parsed commands into the model, in run order:
// swarm init settings, networks, ingress changes, services.
func (b *builder) scriptInputs(in *scriptInputs) {
	if b.m.Commands == nil {
		b.m.Commands = []Command{}
	}
	sw := &b.m.Swarm
	sw.Init = SwarmInit{Command: -1, Pools: []Pool{}}
	sw.Inits = []SwarmInit{}
	sw.NodeAddresses = []NodeAddress{}
	sw.GwbridgeCreates = []GwbridgeCreate{}
	sw.IngressEvents = []IngressEvent{}
	if in == nil {
		return
	}
	st := &runState{swarmCmd: -1, removed: map[string]bool{}, deployed: map[string]bool{}, in: in}
	for _, pc := range in.commands {
		c := b.command(pc)
		switch c.Kind {
		case script.KindSwarmInit:
			b.swarmInit(c)
			if !pc.flagOnly {
				st.inSwarm, st.swarmCmd, st.newSwarm = true, c.Order, true
			}
		case script.KindSwarmJoin:
			b.nodeAddresses(c, "advertise-addr", "data-path-addr", "listen-addr")
			if !pc.flagOnly {
				st.inSwarm, st.swarmCmd, st.newSwarm = true, c.Order, false
			}
		case script.KindSwarmLeave:
			st.inSwarm, st.swarmCmd, st.newSwarm = false, -1, false
		case script.KindNetworkCreate:
			b.scriptNetwork(c, st)
		case script.KindNetworkRm:
			b.scriptNetworkRm(c, st)
		case script.KindServiceCreate:
			b.scriptService(c, st)
		case script.KindServiceUpdate:
			b.scriptServiceUpdate(c)
		case script.KindServiceRm:
			b.scriptServiceRm(c, st)
		case script.KindStackDeploy:
			b.scriptStackDeploy(c, pc.file, st)
		}
	}
	// Script networks are created before the stacks are deployed: they take
	// pool subnets right after the ingress network.
	var head, tail []*Network
	for _, n := range b.autoOrder {
		if n.Ingress && n.Origin == "default" {
			head = append(head, n)
		} else {
			tail = append(tail, n)
		}
	}
	b.autoOrder = append(append(head, st.auto...), tail...)
	if in.daemon != nil {
		b.daemonConfig(in.daemon)
	}
}

// command adds one parsed command to Model.Commands.
func (b *builder) command(pc parsedCommand) *Command {
	order := len(b.m.Commands)
	c := Command{Kind: pc.cmd.Kind, Order: order, Source: pc.src, Flags: map[string][]FlagValue{},
		Positionals: []Word{}, Dynamic: pc.cmd.Dynamic, Func: pc.cmd.Func,
		Stdin: pc.cmd.Stdin, StdinSource: pc.cmd.StdinSource,
		Ref: regionRef(pc.src, pc.file, pc.cmd.Pos, "commands", order)}
	for _, f := range pc.cmd.Flags {
		k := len(c.Flags[f.Name])
		path := []any{"commands", order, "flags", f.Name, k}
		whole := f.Pos
		if f.HasValue && !f.Value.Pos.IsZero() && (f.Value.Pos.Line > whole.EndLine || f.Value.Pos.Line == whole.EndLine && f.Value.Pos.EndCol > whole.EndCol) {
			whole.EndLine, whole.EndCol = f.Value.Pos.EndLine, f.Value.Pos.EndCol
		}
		vr := f.Pos
		if f.HasValue && !f.Value.Pos.IsZero() {
			vr = f.Value.Pos
		}
		c.Flags[f.Name] = append(c.Flags[f.Name], FlagValue{Value: f.Value.Text, Known: !f.HasValue || f.Value.Known,
			HasValue: f.HasValue, Spelling: f.Spelling, Defined: !f.Unknown,
			Ref:      regionRef(pc.src, pc.file, whole, path...),
			ValueRef: regionRef(pc.src, pc.file, vr, append(path, "value")...)})
	}
	for i, w := range pc.cmd.Positionals() {
		c.Positionals = append(c.Positionals, Word{Value: w.Text, Known: w.Known,
			Ref: regionRef(pc.src, pc.file, w.Pos, "commands", order, "positionals", i)})
	}
	b.m.Commands = append(b.m.Commands, c)
	return &b.m.Commands[order]
}

// last returns the last occurrence of a flag (pflag keeps the last value).
func (c *Command) last(name string) (FlagValue, bool) {
	fs := c.Flags[name]
	if len(fs) == 0 {
		return FlagValue{}, false
	}
	return fs[len(fs)-1], true
}

// boolFlag reads a boolean flag: given without a value, or with a value
// strconv accepts as true. An unresolved value counts as given.
func (c *Command) boolFlag(name string) bool {
	f, ok := c.last(name)
	if !ok {
		return false
	}
	if !f.HasValue || !f.Known {
		return true
	}
	v, err := strconv.ParseBool(f.Value)
	return err == nil && v
}

// intFlag reads a numeric flag the way the docker CLI's uint32 flags do.
func (c *Command) intFlag(name string) IntFlag {
	f, ok := c.last(name)
	if !ok {
		return IntFlag{}
	}
	v := IntFlag{Set: true, Raw: f.Value, Known: f.Known, Ref: f.Ref}
	if f.Known {
		if n, err := strconv.ParseUint(f.Value, 0, 32); err == nil {
			v.Valid, v.Value = true, int(n)
		}
	}
	return v
}

// swarmInit records a swarm init and applies what Docker accepts of it.
func (b *builder) swarmInit(c *Command) {
	sw := &b.m.Swarm
	si := SwarmInit{Present: true, Command: c.Order, Pools: []Pool{}, Ref: c.Ref,
		MaskLength: c.intFlag("default-addr-pool-mask-length"), DataPathPort: c.intFlag("data-path-port")}
	allKnown := true
	for _, f := range c.Flags["default-addr-pool"] {
		// pflag's IP-net slice flag takes comma-separated lists too
		for _, part := range strings.Split(f.Value, ",") {
			p := Pool{CIDR: part}
			ref := f.ValueRef
			p.Ref = &ref
			if !f.Known {
				allKnown = false
			} else if pfx, err := netip.ParsePrefix(strings.TrimSpace(part)); err == nil {
				p.Prefix, p.Valid = pfx.Masked().String(), true
			}
			si.Pools = append(si.Pools, p)
		}
	}
	addrs := b.nodeAddresses(c, "advertise-addr", "data-path-addr", "listen-addr")
	for i := range addrs {
		a := addrs[i]
		switch a.Flag {
		case "advertise-addr":
			si.AdvertiseAddr = &a
		case "data-path-addr":
			si.DataPathAddr = &a
		case "listen-addr":
			si.ListenAddr = &a
		}
	}
	// What Docker validates (docs/swarm-behaviour.md#pool-mask-length-range, docs/swarm-behaviour.md#pool-mask-shorter-than-pool, docs/swarm-behaviour.md#data-path-port-range). Known pools always enter
	// the model (pool rules point at them); the mask length and the data
	// path port only when Docker accepts them.
	mask := 24
	maskOK := true
	if si.MaskLength.Set {
		maskOK = si.MaskLength.Valid && si.MaskLength.Value <= 29
		if si.MaskLength.Valid && si.MaskLength.Value != 0 {
			mask = si.MaskLength.Value
		}
	}
	var pools []Pool
	for _, p := range si.Pools {
		if !p.Valid {
			continue
		}
		if pfx, err := netip.ParsePrefix(p.Prefix); err == nil && pfx.Bits() > mask {
			maskOK = false
		}
		pools = append(pools, p)
	}
	portOK := !si.DataPathPort.Set || si.DataPathPort.Valid && (si.DataPathPort.Value == 0 || si.DataPathPort.Value >= 1024 && si.DataPathPort.Value <= 49151)
	poolsOK := allKnown && len(pools) == len(si.Pools)
	si.Applied = maskOK && portOK && poolsOK
	if allKnown && len(pools) > 0 {
		sw.DefaultAddrPools = pools
		sw.PoolsExplicit = true
		if maskOK {
			sw.MaskLength = mask
		}
	}
	if portOK && si.DataPathPort.Set {
		sw.DataPathPort = si.DataPathPort.Value
		if sw.DataPathPort == 0 {
			sw.DataPathPort = 4789
		}
	}
	// The default ingress network is created by this init.
	if ing := b.m.Networks[sw.Ingress]; ing != nil && ing.Origin == "default" {
		ing.Ref = c.Ref
	}
	sw.Inits = append(sw.Inits, si)
	sw.Init = si
}

// nodeAddresses checks the address flags of a swarm init or join.
func (b *builder) nodeAddresses(c *Command, flags ...string) []NodeAddress {
	var out []NodeAddress
	for _, name := range flags {
		f, ok := c.last(name)
		if !ok {
			continue
		}
		a := NodeAddress{Command: c.Order, Kind: c.Kind, Flag: name, Raw: f.Value, Known: f.Known, Ref: f.Ref}
		if f.Known {
			a.Host, a.Port, a.IP, a.Problem = checkNodeAddr(name, f.Value)
		}
		b.m.Swarm.NodeAddresses = append(b.m.Swarm.NodeAddresses, a)
		out = append(out, a)
	}
	return out
}

// checkNodeAddr splits and checks an address flag value as Docker reads it
// (docs/swarm-behaviour.md#advertise-addr, #data-path-addr, #listen-addr): an IP address or a network interface name, with an
// optional port except for --data-path-addr; 0.0.0.0 only for --listen-addr.
func checkNodeAddr(flag, raw string) (host, port string, isIP bool, problem string) {
	v := strings.TrimSpace(raw)
	if flag == "listen-addr" {
		if scheme, rest, ok := strings.Cut(v, "://"); ok {
			if scheme != "tcp" {
				return "", "", false, fmt.Sprintf("scheme %s:// is not tcp://", scheme)
			}
			v = rest
		}
	}
	if v == "" {
		return "", "", false, "empty address"
	}
	hasPort := false
	switch {
	case strings.HasPrefix(v, "["):
		end := strings.Index(v, "]")
		if end < 0 {
			return "", "", false, "unclosed [ in an IPv6 address"
		}
		host = v[1:end]
		rest := v[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return host, "", false, "text after ] that is not :PORT"
			}
			port, hasPort = rest[1:], true
		}
	case strings.Count(v, ":") == 1:
		host, port, _ = strings.Cut(v, ":")
		hasPort = true
	default:
		host = v
	}
	if hasPort {
		if flag == "data-path-addr" {
			return host, port, false, fmt.Sprintf("it has a port (%s)", port)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return host, port, false, fmt.Sprintf("port %q is not a number from 1 to 65535", port)
		}
	}
	if host == "" {
		if flag == "listen-addr" {
			return host, port, false, "" // ":PORT" listens on every address
		}
		return host, port, false, "no host before the port"
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.IsUnspecified() && flag != "listen-addr" {
			return host, port, true, fmt.Sprintf("%s is not an address other nodes can reach", host)
		}
		return host, port, true, ""
	}
	// Not an IP address: Docker takes it as a network interface name.
	switch {
	case strings.Contains(host, "/"):
		return host, port, false, "it is a CIDR range, not an address"
	case strings.Trim(host, "0123456789.") == "":
		return host, port, false, "it is not a valid IPv4 address"
	case strings.Contains(host, ":"):
		return host, port, false, "it is not a valid IPv6 address"
	case len(host) > 15 || strings.ContainsAny(host, " \t"):
		return host, port, false, "it is neither an IP address nor a network interface name (at most 15 characters); host names are not accepted"
	}
	return host, port, false, ""
}

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

// scriptService adds a `docker service create` to the model.
func (b *builder) scriptService(c *Command, st *runState) {
	if len(c.Positionals) == 0 {
		return
	}
	order := c.Order
	image := c.Positionals[0].Value
	name := ""
	if f, ok := c.last("name"); ok {
		name = f.Value
	}
	key := name
	if key == "" {
		key = image // Docker picks a random name
	}
	s := &Service{Name: name, Key: key, Image: image, Mode: "replicated", Replicas: 1, EndpointMode: "vip",
		UpdateParallelism: 1, UpdateOrder: "stop-first", Networks: []ServiceNetwork{}, Ports: []Port{},
		DependsOn: []Dependency{}, Hostnames: []Hostname{}, Expose: []string{}, Origin: "script", Command: &order, Ref: c.Ref,
		InvalidPorts: []InvalidPort{}, DuplicatePorts: []DuplicatePort{},
		Environment: map[string]string{}, CommandLine: []string{}}
	initSettings(s)
	for _, f := range c.Flags["env"] {
		if k, v, ok := strings.Cut(f.Value, "="); ok && f.Known {
			s.Environment[k] = v
		}
	}
	for _, w := range c.Positionals[1:] {
		s.CommandLine = append(s.CommandLine, w.Value)
	}
	if f, ok := c.last("mode"); ok && f.Known {
		s.Mode = strings.TrimSuffix(f.Value, "-job")
	}
	if v := c.intFlag("replicas"); v.Valid {
		s.Replicas = v.Value
	}
	if f, ok := c.last("endpoint-mode"); ok {
		s.EndpointModeRaw, s.EndpointMode = f.Value, strings.ToLower(f.Value)
	}
	if v := c.intFlag("replicas-max-per-node"); v.Valid {
		s.MaxReplicasPerNode = v.Value
	}
	if v := c.intFlag("update-parallelism"); v.Valid {
		s.UpdateParallelism = v.Value
	}
	if f, ok := c.last("update-order"); ok && f.Known {
		s.UpdateOrder = f.Value
	}
	s.Tasks = s.Replicas
	if s.Mode == "global" {
		s.Tasks = b.settings.NodeCount
	}
	id := key
	if id == "" {
		id = fmt.Sprintf("service@%d", order)
	}
	for i := 2; b.m.Services[id] != nil; i++ {
		id = fmt.Sprintf("%s#%d", key, i)
	}
	s.ID = id
	for _, f := range c.Flags["network"] {
		b.attach(s, f)
	}
	for _, f := range c.Flags["publish"] {
		s.Ports = append(s.Ports, publishPorts(f)...)
	}
	// keys below the service, as stack paths name them
	in := st.in
	in.sub(s.Ref, c.Positionals[0].Ref, "image")
	for flag, path := range map[string][]any{"mode": {"deploy", "mode"}, "replicas": {"deploy", "replicas"},
		"endpoint-mode": {"deploy", "endpoint_mode"}, "replicas-max-per-node": {"deploy", "placement", "max_replicas_per_node"},
		"update-parallelism": {"deploy", "update_config", "parallelism"}, "update-order": {"deploy", "update_config", "order"},
		"name": {"name"}} {
		if f, ok := c.last(flag); ok {
			in.sub(s.Ref, f.Ref, path...)
		}
	}
	for i, p := range s.Ports {
		in.sub(s.Ref, p.Ref, "ports", i)
	}
	for _, sn := range s.Networks {
		in.sub(s.Ref, sn.Ref, "networks", sn.Key)
	}
	b.scriptSettings(c, s, in)
	finishDeploy(s)
	b.m.Services[s.ID] = s
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

// scriptServiceUpdate applies --publish-add and --network-add to a service
// the scripts created.
func (b *builder) scriptServiceUpdate(c *Command) {
	if len(c.Positionals) == 0 {
		return
	}
	s := b.serviceByName(c.Positionals[0].Value)
	if s == nil || s.Command == nil {
		return
	}
	for _, f := range c.Flags["network-add"] {
		b.attach(s, f)
	}
	for _, f := range c.Flags["publish-add"] {
		s.Ports = append(s.Ports, publishPorts(f)...)
	}
}

func (b *builder) serviceByName(name string) *Service {
	for _, id := range sortedKeys(b.m.Services) {
		if s := b.m.Services[id]; s.Name == name || s.ID == name {
			return s
		}
	}
	return nil
}

// attach adds a --network value ("NAME" or "name=NAME,alias=A,...").
func (b *builder) attach(s *Service, f FlagValue) {
	if !f.Known {
		return
	}
	target := f.Value
	var aliases []string
	if strings.Contains(f.Value, "=") {
		target = ""
		for _, field := range strings.Split(f.Value, ",") {
			k, v, _ := strings.Cut(field, "=")
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "name", "target":
				target = v
			case "alias":
				aliases = append(aliases, v)
			}
		}
	}
	sn := ServiceNetwork{Key: target, Aliases: append([]string{}, aliases...), Ref: f.ValueRef}
	for _, id := range sortedKeys(b.m.Networks) {
		if n := b.m.Networks[id]; n.Name == target || n.ID == target {
			sn.Network = id
			n.Used = true
			n.Services = append(n.Services, s.ID)
			break
		}
	}
	s.Networks = append(s.Networks, sn)
}

// publishPorts reads one --publish value: "8080:80[/udp]" (always ingress)
// or "published=8080,target=80,mode=host,protocol=udp".
func publishPorts(f FlagValue) []Port {
	if !f.Known || f.Value == "" {
		return nil
	}
	if strings.Contains(f.Value, "=") {
		p := Port{Protocol: "tcp", Mode: "ingress", Syntax: "long", Ref: f.ValueRef}
		for _, field := range strings.Split(f.Value, ",") {
			k, v, _ := strings.Cut(field, "=")
			v = strings.TrimSpace(v)
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "target":
				p.Target, _ = strconv.Atoi(v)
			case "published":
				p.PublishedRaw = v
				p.Published, _ = strconv.Atoi(v)
			case "protocol":
				p.Protocol = strings.ToLower(v)
			case "mode":
				p.Mode = strings.ToLower(v)
			}
		}
		return []Port{p}
	}
	pcs, err := types.ParsePortConfig(f.Value)
	if err != nil {
		return nil
	}
	var out []Port
	for _, pc := range pcs {
		p := Port{Target: int(pc.Target), PublishedRaw: pc.Published, Protocol: strings.ToLower(pc.Protocol),
			Mode: "ingress", Syntax: "short", HostIP: pc.HostIP, Raw: f.Value, Ref: f.ValueRef}
		if p.Protocol == "" {
			p.Protocol = "tcp"
		}
		p.Published, _ = strconv.Atoi(pc.Published)
		out = append(out, p)
	}
	return out
}

// scriptServiceRm removes services the scripts created; a stack service
// removed by name no longer depends on the ingress network.
func (b *builder) scriptServiceRm(c *Command, st *runState) {
	for _, w := range c.Positionals {
		if !w.Known {
			continue
		}
		s := b.serviceByName(w.Value)
		if s == nil {
			continue
		}
		if s.Command == nil {
			st.removed[s.ID] = true
			continue
		}
		delete(b.m.Services, s.ID)
		for _, n := range b.m.Networks {
			var keep []string
			for _, id := range n.Services {
				if id != s.ID {
					keep = append(keep, id)
				}
			}
			n.Services = append([]string{}, keep...)
			n.Used = len(n.Services) > 0 || n.Used && n.Origin != "script"
		}
	}
}

// scriptStackDeploy marks a linted stack as deployed by the script: by its
// name, or by a compose file that is one of the stack's files.
func (b *builder) scriptStackDeploy(c *Command, scriptFile string, st *runState) {
	for _, w := range c.Positionals {
		if w.Known && b.m.Stacks[w.Value] != nil {
			st.deployed[w.Value] = true
		}
	}
	dir := filepath.Dir(scriptFile)
	for _, f := range c.Flags["compose-file"] {
		if !f.Known {
			continue
		}
		want := f.Value
		if !filepath.IsAbs(want) {
			want = filepath.Join(dir, want)
		}
		want = absClean(want)
		for _, name := range sortedKeys(b.m.Stacks) {
			for _, sf := range b.m.Stacks[name].Files {
				if absClean(sf) == want {
					st.deployed[name] = true
				}
			}
		}
	}
}

func absClean(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// daemonConfig reads default-address-pools from a daemon.json.
func (b *builder) daemonConfig(d *Doc) {
	src := "daemon:" + d.File
	dc := &DaemonConfig{File: d.File, DefaultAddressPools: []DaemonPool{}, Ref: Ref{Src: src, Path: []any{}}}
	m := d.resolve([]any{"default-address-pools"})
	if m.depth == 1 {
		dc.Ref = Ref{Src: src, Path: []any{"default-address-pools"}}
		if seq := deref(m.value); seq != nil {
			for i := range seq.Content {
				p := DaemonPool{Ref: Ref{Src: src, Path: []any{"default-address-pools", i}}}
				if _, v, _ := mapLookup(seq.Content[i], "base", 0); v != nil {
					p.Base = deref(v).Value
				}
				if _, v, _ := mapLookup(seq.Content[i], "size", 0); v != nil {
					p.Size, _ = strconv.Atoi(deref(v).Value)
				}
				dc.DefaultAddressPools = append(dc.DefaultAddressPools, p)
			}
		}
	}
	b.m.Swarm.Daemon = dc
}
