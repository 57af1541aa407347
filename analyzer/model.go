// Package analyzer turns stack files, scripts and configuration into one
// network model: the Rego input. Facts that rules need (address demand, pool
// allocation, indexes) are computed here so that every rule stays linear.
package analyzer

// SchemaVersion is the version of the model's JSON shape (the Rego input).
const SchemaVersion = 1

// Model is the whole swarm as swarmlint sees it. Its JSON form is the Rego
// `input` and a public contract for custom rules (docs/model.md).
type Model struct {
	SchemaVersion int                 `json:"schema_version"`
	Swarm         Swarm               `json:"swarm"`
	Sources       map[string]Source   `json:"sources"`
	Stacks        map[string]*Stack   `json:"stacks"`
	Networks      map[string]*Network `json:"networks"`
	Services      map[string]*Service `json:"services"`
	Indexes       Indexes             `json:"indexes"`
	Variables     []Variable          `json:"variables"`
	Keys          []KeyUse            `json:"keys"`
}

// Ref points a model element at its source: a path in the YAML of a source
// (a stack's files, searched last to first) or an already-known region.
type Ref struct {
	Src  string `json:"src"`            // key into Model.Sources
	File string `json:"file,omitempty"` // pin to one file of the source
	Path []any  `json:"path,omitempty"` // YAML path: strings for keys, ints for list items
}

// Source is one input a Ref can point into.
type Source struct {
	Kind  string   `json:"kind"` // stack | script | inventory | config | flag
	Files []string `json:"files"`
}

// Swarm holds the cluster-wide settings (swarm init flags, configuration).
type Swarm struct {
	DefaultAddrPools []Pool `json:"default_addr_pools"`
	// PoolsExplicit is true when --default-addr-pool was given.
	PoolsExplicit bool `json:"pools_explicit"`
	MaskLength    int  `json:"mask_length"`
	DataPathPort  int  `json:"data_path_port"`
	NodeCount     int  `json:"node_count"`
	UnderlayMTU   int  `json:"underlay_mtu"`
	// HostNetworks are the hosts' own networks (LAN, VPN), from configuration.
	HostNetworks []string `json:"host_networks"`
	Docker0      string   `json:"docker0"`
	Gwbridge     string   `json:"docker_gwbridge"`
	// LegacyIngress marks a swarm created before 2019 (ingress 10.255.0.0/16).
	LegacyIngress bool `json:"legacy_ingress"`
	// Ingress is the id of the ingress network in Model.Networks ("" if none).
	Ingress string `json:"ingress"`
	// PoolSubnetsLeft is how many subnets of MaskLength the pools can still give.
	PoolSubnetsLeft int `json:"pool_subnets_left"`
	// PoolShortfall is how many auto-allocated networks got no pool subnet.
	PoolShortfall int `json:"pool_shortfall"`
}

// Pool is one default address pool.
type Pool struct {
	CIDR   string `json:"cidr"`   // as written
	Prefix string `json:"prefix"` // canonical, "" when invalid
	Valid  bool   `json:"valid"`
	Ref    *Ref   `json:"ref,omitempty"`
}

// Stack is one `docker stack deploy` unit: one or more files merged in order.
type Stack struct {
	Name    string   `json:"name"`
	Files   []string `json:"files"`
	Version string   `json:"version"` // declared version ("" when absent)
	Ref     Ref      `json:"ref"`
}

// Network is one network: declared in a stack, implicit (default, ingress),
// or from scripts and inventory.
type Network struct {
	ID         string `json:"id"`   // unique key in Model.Networks
	Name       string `json:"name"` // the name swarm gives it
	Key        string `json:"key"`  // key in the stack file
	Stack      string `json:"stack"`
	Driver     string `json:"driver"`     // effective driver ("" becomes overlay)
	DriverRaw  string `json:"driver_raw"` // as written
	External   bool   `json:"external"`
	Internal   bool   `json:"internal"`
	Attachable bool   `json:"attachable"`
	Ingress    bool   `json:"ingress"`
	Implicit   bool   `json:"implicit"` // created by swarm or stack deploy, not declared
	Origin     string `json:"origin"`   // stack | default | inventory | script
	Encrypted  bool   `json:"encrypted"`
	// EncryptedValue is the raw driver_opts.encrypted value (Docker only checks the key).
	EncryptedValue string            `json:"encrypted_value"`
	Options        map[string]string `json:"options"`
	MTU            *MTU              `json:"mtu"`
	Labels         map[string]string `json:"labels"`
	IPAMDriver     string            `json:"ipam_driver"`
	Subnets        []Subnet          `json:"subnets"`
	// Subnet is the effective IPv4 subnet (explicit or allocated), "" if unknown.
	Subnet       string   `json:"subnet"`
	SubnetSource string   `json:"subnet_source"` // explicit | pool | inventory | script | unknown
	Usable       int      `json:"usable"`
	Demand       Demand   `json:"demand"`
	Used         bool     `json:"used"`
	Services     []string `json:"services"`
	Ref          Ref      `json:"ref"`
}

// MTU is the com.docker.network.driver.mtu option.
type MTU struct {
	Raw   string `json:"raw"`
	Value int    `json:"value"`
	Valid bool   `json:"valid"`
	// Effective is the MTU containers get: value (or 1500) − 50, −26 and rounded down to 4 if encrypted.
	Effective int `json:"effective"`
	Ref       Ref `json:"ref"`
}

// Subnet is one ipam.config entry (or --subnet flag).
type Subnet struct {
	CIDR        string `json:"cidr"`   // as written
	Prefix      string `json:"prefix"` // canonical network address, "" when invalid
	Valid       bool   `json:"valid"`
	HostBitsSet bool   `json:"host_bits_set"`
	IPv6        bool   `json:"ipv6"`
	// InAllocationPath is true when the pool's sequential allocation would hand
	// this range to an auto-allocated network of the linted inputs.
	InAllocationPath bool `json:"in_allocation_path"`
	// Keys other than subnet in this ipam.config entry (gateway, ip_range, ...).
	OtherKeys []string `json:"other_keys"`
	Ref       Ref      `json:"ref"`
}

// Demand is the address demand on a network (rules-catalog.md §SWL2xx).
type Demand struct {
	Total       int `json:"total"`
	VIPs        int `json:"vips"`
	Tasks       int `json:"tasks"`
	UpdateExtra int `json:"update_extra"`
	LB          int `json:"lb"`
}

// Service is one swarm service.
type Service struct {
	ID                 string           `json:"id"`   // unique key in Model.Services
	Name               string           `json:"name"` // <stack>_<key>
	Key                string           `json:"key"`  // key in the stack file
	Stack              string           `json:"stack"`
	Image              string           `json:"image"`
	Mode               string           `json:"mode"` // replicated | global
	Replicas           int              `json:"replicas"`
	Tasks              int              `json:"tasks"`             // replicas, or node count for global
	EndpointMode       string           `json:"endpoint_mode"`     // lower-cased, default vip
	EndpointModeRaw    string           `json:"endpoint_mode_raw"` // as written ("" when absent)
	MaxReplicasPerNode int              `json:"max_replicas_per_node"`
	UpdateParallelism  int              `json:"update_parallelism"`
	UpdateOrder        string           `json:"update_order"`
	Networks           []ServiceNetwork `json:"networks"`
	Ports              []Port           `json:"ports"`
	DependsOn          []Dependency     `json:"depends_on"`
	Hostnames          []Hostname       `json:"hostnames"`
	Expose             []string         `json:"expose"`
	Ref                Ref              `json:"ref"`
}

// ServiceNetwork is one network attachment of a service.
type ServiceNetwork struct {
	Key         string   `json:"key"`     // as written under services.<s>.networks
	Network     string   `json:"network"` // id in Model.Networks ("" when undefined)
	Aliases     []string `json:"aliases"`
	IPv4Address string   `json:"ipv4_address"`
	IPv6Address string   `json:"ipv6_address"`
	Ref         Ref      `json:"ref"`
}

// Port is one published port after expansion of ranges.
type Port struct {
	Target       int    `json:"target"`
	Published    int    `json:"published"` // 0 when not published
	PublishedRaw string `json:"published_raw"`
	Protocol     string `json:"protocol"` // as written, lower-cased; default tcp
	Mode         string `json:"mode"`     // as written, lower-cased; default ingress
	Syntax       string `json:"syntax"`   // short | long
	HostIP       string `json:"host_ip"`
	Raw          string `json:"raw"` // the short-syntax string, "" for long syntax
	Ref          Ref    `json:"ref"`
}

// Dependency is one depends_on entry.
type Dependency struct {
	Service string `json:"service"` // key of the other service in the same stack
	Ref     Ref    `json:"ref"`
}

// Hostname is a host name found in a service's environment or command that
// names another service (its key, swarm name or a network alias).
type Hostname struct {
	Host    string `json:"host"`
	Service string `json:"service"` // id of the service it names
	Where   string `json:"where"`   // environment | command | entrypoint
	Ref     Ref    `json:"ref"`
}

// Variable is one ${VAR} use in a stack file.
type Variable struct {
	Name       string `json:"name"`
	Set        bool   `json:"set"`
	HasDefault bool   `json:"has_default"`
	Required   bool   `json:"required"`
	Syntax     string `json:"syntax"` // the whole ${...} expression
	Stack      string `json:"stack"`
	Ref        Ref    `json:"ref"`
}

// KeyUse is a YAML key that matters to a rule because stack deploy treats it
// specially (unsupported, forbidden, deprecated, compose-only).
type KeyUse struct {
	Key   string `json:"key"`   // dotted path with * for names: services.*.links
	Class string `json:"class"` // unsupported | forbidden | deprecated | compose-only | not-deployable
	Stack string `json:"stack"`
	Owner string `json:"owner"` // service or network id it belongs to, "" at top level
	Ref   Ref    `json:"ref"`
}

// Indexes are precomputed joins, so no rule joins a collection with itself.
type Indexes struct {
	// PublishedPorts maps "<port>/<protocol>" to the services publishing it.
	PublishedPorts map[string][]PortUse `json:"published_ports"`
	// NetworkServices maps a network id to the ids of the services attached to it.
	NetworkServices map[string][]string `json:"network_services"`
	// Consumers maps a service id to the services that use it (depends_on or a host name).
	Consumers map[string][]Consumer `json:"consumers"`
	// SubnetOverlaps lists every pair of networks whose subnets overlap.
	SubnetOverlaps []Overlap `json:"subnet_overlaps"`
}

// PortUse is one service publishing one port.
type PortUse struct {
	Service string `json:"service"`
	Port    int    `json:"port"` // index into the service's ports
	Mode    string `json:"mode"`
}

// Consumer is evidence that one service uses another.
type Consumer struct {
	Service       string `json:"service"` // id of the consuming service
	Via           string `json:"via"`     // depends_on | hostname
	SharedNetwork bool   `json:"shared_network"`
}

// Overlap is a pair of overlapping subnets of two networks (A < B by id).
type Overlap struct {
	A       string `json:"a"`
	B       string `json:"b"`
	ASubnet string `json:"a_subnet"`
	BSubnet string `json:"b_subnet"`
	// ASubnetIndex and BSubnetIndex index Network.Subnets (-1 for an allocated subnet).
	ASubnetIndex int `json:"a_subnet_index"`
	BSubnetIndex int `json:"b_subnet_index"`
}
