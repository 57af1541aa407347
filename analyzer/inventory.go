package analyzer

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/swarmlint/swarmlint/internal/safeio"

	"go.yaml.in/yaml/v4"
)

// Inventory readers: `docker network inspect` and `docker service inspect`
// output (a JSON array) describe what already exists in the cluster.

type inspectNetwork struct {
	index      int               // position in the file's array
	Name       string            `json:"Name"`
	ID         string            `json:"Id"`
	Scope      string            `json:"Scope"`
	Driver     string            `json:"Driver"`
	Internal   bool              `json:"Internal"`
	Attachable bool              `json:"Attachable"`
	Ingress    bool              `json:"Ingress"`
	Options    map[string]string `json:"Options"`
	Labels     map[string]string `json:"Labels"`
	IPAM       struct {
		Driver string `json:"Driver"`
		Config []struct {
			Subnet  string `json:"Subnet"`
			Gateway string `json:"Gateway"`
		} `json:"Config"`
	} `json:"IPAM"`
}

type inspectService struct {
	index int    // position in the file's array
	ID    string `json:"ID"`
	// settings is the rest of Spec, read separately: its TaskTemplate
	// would clash with the one below.
	settings inspectSettings
	Spec     struct {
		Name string `json:"Name"`
		Mode struct {
			Replicated *struct {
				Replicas *int `json:"Replicas"`
			} `json:"Replicated"`
			Global *struct{} `json:"Global"`
		} `json:"Mode"`
		TaskTemplate struct {
			ContainerSpec struct {
				Image string `json:"Image"`
			} `json:"ContainerSpec"`
			Networks []struct {
				Target  string   `json:"Target"`
				Aliases []string `json:"Aliases"`
			} `json:"Networks"`
		} `json:"TaskTemplate"`
		EndpointSpec *struct {
			Mode  string        `json:"Mode"`
			Ports []inspectPort `json:"Ports"`
		} `json:"EndpointSpec"`
	} `json:"Spec"`
	// Endpoint holds the ports as the swarm assigned them: a port
	// published without a number gets one from 30000-32767.
	Endpoint struct {
		Ports []inspectPort `json:"Ports"`
	} `json:"Endpoint"`
}

type inspectPort struct {
	Protocol      string `json:"Protocol"`
	TargetPort    int    `json:"TargetPort"`
	PublishedPort int    `json:"PublishedPort"`
	PublishMode   string `json:"PublishMode"`
}

// inventoryDoc is one parsed inventory file, or the live swarm.
type inventoryDoc struct {
	file     string
	src      string
	networks []inspectNetwork
	services []inspectService
	// live is set for the swarm read with --live: attached counts, per
	// network id, the addresses of containers attached outside services,
	// and tasks, per service id, the tasks holding addresses now.
	live     bool
	attached map[string]int
	tasks    map[string]int
}

// readInventory reads one inventory file: a JSON array of network or
// service objects, as `docker network inspect $(docker network ls -q)` and
// `docker service inspect $(docker service ls -q)` print them.
func (a *Analysis) readInventory(file string) (*inventoryDoc, error) {
	src, err := ReadInput(file, safeio.MaxInventorySize)
	if err != nil {
		return nil, err
	}
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(src, &raw); err != nil {
		line, col := jsonErrorPos(src, err)
		return nil, &InputError{File: file, Line: line, Col: col, Msg: "not docker inspect output (a JSON array of objects): " + err.Error()}
	}
	var node yaml.Node
	if err := yaml.Unmarshal(src, &node); err != nil {
		return nil, yamlError(file, err)
	}
	inv := &inventoryDoc{file: file, src: "inventory:" + file}
	a.Docs[inv.src] = []*Doc{NewDoc(file, src, &node)}
	a.addFile(file, src, false)
	a.Model.Sources[inv.src] = Source{Kind: "inventory", Files: []string{file}}
	err = inv.parse(raw, func(path ...any) (int, int) {
		r, _ := Locate(a.Docs[inv.src], path)
		return r.StartLine, r.StartCol
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// parse reads the objects of an inventory: networks (with IPAM) and
// services (with Spec). at locates a path in the source for errors.
func (inv *inventoryDoc) parse(raw []map[string]json.RawMessage, at func(path ...any) (int, int)) error {
	file := inv.file
	fail := func(msg string, path ...any) error {
		line, col := at(path...)
		return &InputError{File: file, Line: line, Col: col, Msg: msg}
	}
	for i, obj := range raw {
		b, _ := json.Marshal(obj)
		switch {
		case obj["IPAM"] != nil:
			var n inspectNetwork
			if err := json.Unmarshal(b, &n); err != nil {
				return fail("network object: "+err.Error(), i)
			}
			for j, c := range n.IPAM.Config {
				// docker inspect prints subnets Docker parsed; anything else is
				// not real inspect output, and no rule could check it.
				if _, err := netip.ParsePrefix(c.Subnet); c.Subnet != "" && err != nil {
					return fail(fmt.Sprintf("network %q: subnet %q is not a CIDR, so this is not docker inspect output", n.Name, c.Subnet), i, "IPAM", "Config", j, "Subnet")
				}
			}
			n.index = i
			inv.networks = append(inv.networks, n)
		case obj["Spec"] != nil:
			var s inspectService
			if err := json.Unmarshal(b, &s); err != nil {
				return fail("service object: "+err.Error(), i)
			}
			if err := json.Unmarshal(obj["Spec"], &s.settings); err != nil {
				return fail("service spec: "+err.Error(), i, "Spec")
			}
			s.index = i
			inv.services = append(inv.services, s)
		default:
			return fail("object is neither a network (no IPAM) nor a service (no Spec) from docker inspect", i)
		}
	}
	return nil
}

func jsonErrorPos(src []byte, err error) (int, int) {
	var off int64
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	default:
		return 1, 1
	}
	line, col := 1, 1
	off-- // Offset counts the bytes read, including the bad one
	for i, c := range string(src) {
		if int64(i) >= off {
			break
		}
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// inventory adds the inventory's networks and services to the model. An
// ingress network in the inventory replaces the implicit one.
func (b *builder) inventory(inv *inventoryDoc) {
	for _, in := range inv.networks {
		i := in.index
		if in.Scope != "" && in.Scope != "swarm" {
			continue // node-local networks (bridge, host) do not take overlay addresses
		}
		n := &Network{Name: in.Name, Key: in.Name, Driver: in.Driver, DriverRaw: in.Driver, Internal: in.Internal,
			Attachable: in.Attachable, Ingress: in.Ingress || (in.Name == "ingress" && in.Labels["com.docker.swarm.internal"] == "true"),
			Origin: "inventory", Live: inv.live, CreatedByStack: in.Labels[stackLabel], Attached: inv.attached[in.ID],
			Options: map[string]string{}, Labels: map[string]string{}, LabelRefs: map[string]Ref{}, Subnets: []Subnet{}, Services: []string{},
			Used: true, Ref: Ref{Src: inv.src, Path: []any{i, "Name"}}}
		for k, v := range in.Options {
			n.Options[k] = v
		}
		for k, v := range in.Labels {
			n.Labels[k] = v
			n.LabelRefs[k] = Ref{Src: inv.src, Path: []any{i, "Labels", k}}
		}
		if v, ok := in.Options["encrypted"]; ok {
			n.Encrypted, n.EncryptedValue = true, v
		}
		for j, c := range in.IPAM.Config {
			sn := parseSubnet(c.Subnet)
			sn.Gateway = c.Gateway
			sn.Ref = Ref{Src: inv.src, Path: []any{i, "IPAM", "Config", j, "Subnet"}}
			n.Subnets = append(n.Subnets, sn)
			if sn.Valid && !sn.IPv6 && n.Subnet == "" {
				n.Subnet, n.SubnetSource = sn.Prefix, "inventory"
			}
		}
		if n.SubnetSource == "" {
			n.SubnetSource = "unknown"
		}
		if n.Ingress {
			if old := b.m.Networks[b.m.Swarm.Ingress]; old != nil && old.Implicit {
				delete(b.m.Networks, old.ID)
				b.dropAuto(old)
			}
			b.m.Swarm.Ingress = ""
		}
		n.ID = b.uniqueNetworkID(in.Name)
		b.m.Networks[n.ID] = n
		if n.Ingress && b.m.Swarm.Ingress == "" {
			b.m.Swarm.Ingress = n.ID
		}
	}
	for _, is := range inv.services {
		i := is.index
		s := &Service{ID: is.Spec.Name, Name: is.Spec.Name, Key: is.Spec.Name, Origin: "inventory", Live: inv.live, CreatedByStack: is.settings.Labels[stackLabel],
			Image: is.Spec.TaskTemplate.ContainerSpec.Image,
			Mode:  "replicated", Replicas: 1, EndpointMode: "vip", UpdateParallelism: 1, UpdateOrder: "stop-first",
			Networks: []ServiceNetwork{}, Ports: []Port{}, DependsOn: []Dependency{}, Hostnames: []Hostname{}, Expose: []string{},
			InvalidPorts: []InvalidPort{}, DuplicatePorts: []DuplicatePort{},
			Environment: map[string]string{}, CommandLine: []string{},
			Ref: Ref{Src: inv.src, Path: []any{i, "Spec", "Name"}}}
		initSettings(s)
		inventorySettings(inv.src, i, is.settings, s)
		if r := is.Spec.Mode.Replicated; r != nil && r.Replicas != nil {
			s.Replicas = *r.Replicas
		}
		if is.Spec.Mode.Global != nil {
			s.Mode = "global"
		}
		s.Tasks = s.Replicas
		if s.Mode == "global" {
			s.Tasks = b.settings.NodeCount
		}
		// Tasks of the live swarm beyond the spec's count still hold
		// addresses (a rolling update, tasks shutting down).
		s.Tasks = max(s.Tasks, inv.tasks[is.ID])
		if es := is.Spec.EndpointSpec; es != nil {
			if es.Mode != "" {
				s.EndpointMode, s.EndpointModeRaw = strings.ToLower(es.Mode), es.Mode
			}
			ports, where := es.Ports, []any{i, "Spec", "EndpointSpec", "Ports"}
			if len(is.Endpoint.Ports) > 0 {
				ports, where = is.Endpoint.Ports, []any{i, "Endpoint", "Ports"}
			}
			for j, p := range ports {
				port := Port{Target: p.TargetPort, Published: p.PublishedPort, PublishedRaw: fmt.Sprint(p.PublishedPort),
					Protocol: strings.ToLower(p.Protocol), Mode: strings.ToLower(p.PublishMode), Syntax: "long",
					Ref: Ref{Src: inv.src, Path: append(append([]any{}, where...), j)}}
				if port.Protocol == "" {
					port.Protocol = "tcp"
				}
				if port.Mode == "" {
					port.Mode = "ingress"
				}
				s.Ports = append(s.Ports, port)
			}
		}
		for j, nw := range is.Spec.TaskTemplate.Networks {
			sn := ServiceNetwork{Key: nw.Target, Aliases: append([]string{}, nw.Aliases...),
				Ref: Ref{Src: inv.src, Path: []any{i, "Spec", "TaskTemplate", "Networks", j}}}
			for _, n := range b.m.Networks {
				if n.Origin == "inventory" && n.Live == inv.live && (n.Name == nw.Target || inv.networkID(n.Name) == nw.Target) {
					sn.Network = n.ID
					n.Services = append(n.Services, s.ID)
				}
			}
			s.Networks = append(s.Networks, sn)
		}
		if _, dup := b.m.Services[s.ID]; dup {
			continue
		}
		finishDeploy(s)
		b.m.Services[s.ID] = s
	}
}

// stackLabel is the label docker stack deploy puts on every object it creates.
const stackLabel = "com.docker.stack.namespace"

func (inv *inventoryDoc) networkID(name string) string {
	for _, n := range inv.networks {
		if n.Name == name {
			return n.ID
		}
	}
	return ""
}

// dropAuto removes a network from the pool allocation order.
func (b *builder) dropAuto(n *Network) {
	out := b.autoOrder[:0]
	for _, x := range b.autoOrder {
		if x != n {
			out = append(out, x)
		}
	}
	b.autoOrder = out
}

// inventoryNetwork finds an inventory network by name (for external stack networks).
func (b *builder) inventoryNetwork(name string) *Network {
	var found *Network // the match with the smallest id, without sorting every id per call
	foundID := ""
	for id, n := range b.m.Networks {
		if n.Origin == "inventory" && n.Name == name && (found == nil || id < foundID) {
			found, foundID = n, id
		}
	}
	return found
}
