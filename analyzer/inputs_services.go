package analyzer

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

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
