package enginetest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// IPAMConfig is one entry of a network's IPAM configuration.
type IPAMConfig struct {
	Subnet  string
	IPRange string `json:"IPRange,omitempty"`
	Gateway string
}

// Endpoint is one attachment listed under a network's Containers.
type Endpoint struct {
	Name        string
	EndpointID  string
	IPv4Address string
}

// Network is the part of `docker network inspect` the experiments read.
// Raw holds the whole object.
type Network struct {
	Name       string
	ID         string `json:"Id"`
	Scope      string
	Driver     string
	Internal   bool
	Attachable bool
	Ingress    bool
	IPAM       struct {
		Driver  string
		Options map[string]string
		Config  []IPAMConfig
	}
	Options    map[string]string
	Labels     map[string]string
	Containers map[string]Endpoint
	Raw        json.RawMessage `json:"-"`
}

// NetworkInspect inspects one network.
func NetworkInspect(name string) (Network, error) {
	var nets []Network
	raw, err := inspect(&nets, "network", "inspect", name)
	if err != nil {
		return Network{}, err
	}
	nets[0].Raw = raw[0]
	return nets[0], nil
}

// PortConfig is one published port of a service.
type PortConfig struct {
	Name          string `json:",omitempty"`
	Protocol      string
	TargetPort    uint32
	PublishedPort uint32
	PublishMode   string
}

// EndpointSpec is a service's endpoint specification.
type EndpointSpec struct {
	Mode  string
	Ports []PortConfig
}

// VirtualIP is a service VIP on one network.
type VirtualIP struct {
	NetworkID string
	Addr      string
}

// Service is the part of `docker service inspect` the experiments read.
// Raw holds the whole object.
type Service struct {
	ID   string
	Spec struct {
		Name         string
		Labels       map[string]string
		TaskTemplate struct {
			Networks []struct {
				Target  string
				Aliases []string
			}
		}
		EndpointSpec *EndpointSpec
	}
	Endpoint struct {
		Spec       EndpointSpec
		Ports      []PortConfig
		VirtualIPs []VirtualIP
	}
	Raw json.RawMessage `json:"-"`
}

// ServiceInspect inspects one service.
func ServiceInspect(name string) (Service, error) {
	var svcs []Service
	raw, err := inspect(&svcs, "service", "inspect", name)
	if err != nil {
		return Service{}, err
	}
	svcs[0].Raw = raw[0]
	return svcs[0], nil
}

// inspect runs an inspect command that prints a JSON array of one object.
func inspect(v any, args ...string) ([]json.RawMessage, error) {
	out, err := dockerOut(args...)
	if err != nil {
		return nil, err
	}
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	if len(raw) != 1 {
		return nil, fmt.Errorf("%s: %d objects, want 1", strings.Join(args, " "), len(raw))
	}
	return raw, json.Unmarshal([]byte(out), v)
}
