package analyzer

import (
	"strconv"

	"github.com/swarmlint/swarmlint/analyzer/script"
)

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
