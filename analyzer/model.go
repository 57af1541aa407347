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
	// Commands are the docker commands of the bootstrap scripts and of
	// --swarm-init, in run order (--swarm-init first, then each script).
	Commands []Command `json:"commands"`
	// LoadErrors are the reasons `docker stack deploy` would refuse to load
	// a stack's files (YAML syntax, schema, a value that does not decode, a
	// merge that fails), one per refused stack, at the offending token. Such
	// a stack has no networks or services in the model: what rules would
	// say about it cannot be decided.
	LoadErrors []LoadError `json:"load_errors"`
}

// LoadError is why one stack's files do not load.
type LoadError struct {
	// Stack is the name of the stack that does not load.
	Stack string `json:"stack"`
	// File is the file of the stack the error is in.
	File string `json:"file"`
	// Message says in plain words what is wrong, naming the key, service or
	// value (`unknown key "portz" in service "web"`).
	Message string `json:"message"`
	// Kind is what failed: yaml (the file is not valid YAML), schema (a key
	// or value the stack file format does not allow), merge (the files of
	// the stack do not merge) or file (the file is no stack file at all:
	// empty, not a mapping, too deeply nested).
	Kind string `json:"kind"`
	// Ref is the offending token: the key or value the message names.
	Ref Ref `json:"ref"`
}

// Ref points a model element at its source: a path in the YAML of a source
// (a stack's files, searched last to first) or an already-known region.
type Ref struct {
	Src  string `json:"src"`            // key into Model.Sources
	File string `json:"file,omitempty"` // pin to one file of the source
	Path []any  `json:"path,omitempty"` // YAML path: strings for keys, ints for list items
	// Line, Col, EndLine and EndCol, when Line > 0, are an exact region in
	// File (scripts, --swarm-init): Locate returns it as is. Columns are
	// 1-based code points, EndCol exclusive.
	Line    int `json:"line,omitempty"`
	Col     int `json:"col,omitempty"`
	EndLine int `json:"end_line,omitempty"`
	EndCol  int `json:"end_col,omitempty"`
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
	// Init is the `docker swarm init` in effect: the last one of the run
	// (Present is false when the inputs have none).
	Init SwarmInit `json:"init"`
	// Inits are every `docker swarm init` of the run, in order.
	Inits []SwarmInit `json:"inits"`
	// NodeAddresses are the --advertise-addr, --data-path-addr and
	// --listen-addr values of every swarm init and join, checked.
	NodeAddresses []NodeAddress `json:"node_addresses"`
	// GwbridgeCreates are the script commands that create docker_gwbridge.
	GwbridgeCreates []GwbridgeCreate `json:"docker_gwbridge_creates"`
	// IngressEvents are the script commands that remove or create an
	// ingress network, in order, with the state they ran against.
	IngressEvents []IngressEvent `json:"ingress_events"`
	// Daemon is the daemon.json given with --daemon-json (nil when none).
	Daemon *DaemonConfig `json:"daemon"`
	// Live is the engine the swarm was read from with --live (nil otherwise).
	Live *LiveEngine `json:"live"`
}

// LiveEngine is the running swarm read with --live.
type LiveEngine struct {
	// Engine is the address read (unix:///var/run/docker.sock, ssh://...).
	Engine string `json:"engine"`
	// Nodes are the swarm's nodes.
	Nodes []Node `json:"nodes"`
}

// Node is one node of the live swarm.
type Node struct {
	// ID is the node's swarm id.
	ID string `json:"id"`
	// Hostname is the node's host name.
	Hostname     string            `json:"hostname"`
	Role         string            `json:"role"`         // manager | worker
	Availability string            `json:"availability"` // active | pause | drain
	State        string            `json:"state"`        // ready | down | unknown | disconnected
	Addr         string            `json:"addr"`         // the address the node is reached at
	Labels       map[string]string `json:"labels"`       // node labels, for placement constraints
}

// Command is one docker command of a script or of --swarm-init.
type Command struct {
	Kind   string `json:"kind"`   // swarm init|join|update|leave, network create|rm, service create|update|rm, stack deploy
	Order  int    `json:"order"`  // index in Model.Commands: the run order
	Source string `json:"source"` // key into Model.Sources
	// Flags maps the long flag name (no dashes; "driver" for -d) to its
	// occurrences in order. Flags the command does not define keep the
	// name as written and have Defined false.
	Flags map[string][]FlagValue `json:"flags"`
	// Positionals are the operands: network names, image, stack name, ...
	Positionals []Word `json:"positionals"`
	// Dynamic is true when an unresolved expansion may shift flags and operands.
	Dynamic bool `json:"dynamic"`
	// Func is the shell function the command is in ("" at top level).
	Func string `json:"func"`
	// Stdin is where the command reads its standard input from: "" when it
	// inherits the script's own (a confirmation prompt then reads whatever
	// the script was started with), "pipe" or "redirect" (`<`, here-document,
	// here-string), on the command or a compound command around it.
	Stdin string `json:"stdin"`
	// StdinSource is, for a pipe, the simple command writing into it when
	// all its words are known ("echo y", "yes"); for a here-string its text;
	// "" otherwise.
	StdinSource string `json:"stdin_source"`
	Ref         Ref    `json:"ref"`
}

// FlagValue is one occurrence of a flag on a command line.
type FlagValue struct {
	Value    string `json:"value"`     // "" for a boolean flag without value
	Known    bool   `json:"known"`     // false when the value holds an unresolved variable
	HasValue bool   `json:"has_value"` // "--attachable=false" has one, "--attachable" not
	Spelling string `json:"spelling"`  // as written: "-d", "--driver"
	Defined  bool   `json:"defined"`   // false: the docker CLI has no such flag on this command
	Ref      Ref    `json:"ref"`       // the flag and its value
	ValueRef Ref    `json:"value_ref"` // the value alone (the flag when there is none)
}

// Word is one operand of a command line.
type Word struct {
	Value string `json:"value"`
	Known bool   `json:"known"`
	Ref   Ref    `json:"ref"`
}

// SwarmInit is what one `docker swarm init` was given.
type SwarmInit struct {
	Present bool `json:"present"`
	Command int  `json:"command"` // index in Model.Commands, -1 when absent
	// Pools are the --default-addr-pool values (comma lists split).
	Pools        []Pool  `json:"pools"`
	MaskLength   IntFlag `json:"mask_length"`    // --default-addr-pool-mask-length
	DataPathPort IntFlag `json:"data_path_port"` // --data-path-port
	// AdvertiseAddr, DataPathAddr and ListenAddr are nil when not given.
	AdvertiseAddr *NodeAddress `json:"advertise_addr"`
	DataPathAddr  *NodeAddress `json:"data_path_addr"`
	ListenAddr    *NodeAddress `json:"listen_addr"`
	// Applied is true when Docker accepts the pool settings, so the swarm
	// model (pools, mask length, data path port) uses them.
	Applied bool `json:"applied"`
	Ref     Ref  `json:"ref"`
}

// IntFlag is a numeric flag as written.
type IntFlag struct {
	Set   bool   `json:"set"`
	Raw   string `json:"raw"`
	Known bool   `json:"known"` // false when the value holds an unresolved variable
	Valid bool   `json:"valid"` // an unsigned 32-bit integer, as the docker CLI parses it
	Value int    `json:"value"`
	Ref   Ref    `json:"ref"`
}

// NodeAddress is one --advertise-addr, --data-path-addr or --listen-addr.
type NodeAddress struct {
	Command int    `json:"command"` // index in Model.Commands
	Kind    string `json:"kind"`    // swarm init | swarm join
	Flag    string `json:"flag"`    // advertise-addr | data-path-addr | listen-addr
	Raw     string `json:"raw"`
	Known   bool   `json:"known"`
	// Host and Port split the value ("" when absent); IP is true when the
	// host is an IP address rather than an interface name.
	Host string `json:"host"`
	Port string `json:"port"`
	IP   bool   `json:"ip"`
	// Problem says why Docker refuses the value ("" when it is acceptable
	// or unknown).
	Problem string `json:"problem"`
	Ref     Ref    `json:"ref"`
}

// GwbridgeCreate is a script's `docker network create ... docker_gwbridge`.
type GwbridgeCreate struct {
	Command int    `json:"command"` // index in Model.Commands
	Subnet  string `json:"subnet"`  // canonical --subnet, "" when absent or invalid
	// InSwarm is true when the node had already run swarm init or join
	// (and not left) in the script before this command.
	InSwarm bool `json:"in_swarm"`
	// SwarmCommand is the index of that init or join, -1 when none.
	SwarmCommand int `json:"swarm_command"`
	Ref          Ref `json:"ref"`
}

// IngressEvent is a script command that removes or creates an ingress network.
type IngressEvent struct {
	Action  string `json:"action"`  // rm | create
	Command int    `json:"command"` // index in Model.Commands
	Network string `json:"network"` // name removed or created
	// Existing, for create, is the name of an ingress network that still
	// exists at that point ("" when none).
	Existing string `json:"existing"`
	// Publishers, for rm, are the services publishing ingress ports at
	// that point: ids in Model.Services.
	Publishers []IngressPublisher `json:"publishers"`
	Ref        Ref                `json:"ref"`
}

// IngressPublisher is a service that depends on the ingress network when it is removed.
type IngressPublisher struct {
	Service string `json:"service"` // id in Model.Services (gone if a later command removes it)
	Name    string `json:"name"`    // the service's swarm name
	// Certain is true when the run itself creates the service before the
	// removal (service create, or stack deploy in a script); false for a
	// linted stack that may or may not be deployed yet.
	Certain bool `json:"certain"`
}

// DaemonConfig is the part of a daemon.json that matters to swarm networking.
type DaemonConfig struct {
	File string `json:"file"`
	// DefaultAddressPools are its default-address-pools entries.
	DefaultAddressPools []DaemonPool `json:"default_address_pools"`
	Ref                 Ref          `json:"ref"`
}

// DaemonPool is one daemon.json default-address-pools entry.
type DaemonPool struct {
	Base string `json:"base"`
	Size int    `json:"size"`
	Ref  Ref    `json:"ref"`
}

// Pool is one default address pool.
type Pool struct {
	CIDR   string `json:"cidr"`   // as written
	Prefix string `json:"prefix"` // canonical, "" when invalid
	Valid  bool   `json:"valid"`
	// MergedInto is the pool this one overlaps and is dropped for: swarm sorts
	// the pools by address and silently discards a later overlapping one (docs/swarm-behaviour.md#default-pools-overlap).
	MergedInto string `json:"merged_into"`
	Ref        *Ref   `json:"ref,omitempty"`
}

// Stack is one `docker stack deploy` unit: one or more files merged in order.
type Stack struct {
	Name string `json:"name"`
	// NameDerived is true when no stack name was given (--stack or the
	// configuration) and swarmlint took the first file's directory name:
	// docker stack deploy uses whatever NAME the user passes, so rules must
	// not be sure of names built from it (SWL007 length).
	NameDerived bool     `json:"name_derived"`
	Files       []string `json:"files"`
	Version     string   `json:"version"` // declared version ("" when absent)
	Ref         Ref      `json:"ref"`
	// Loaded is false when the stack's files do not load (see
	// Model.LoadErrors): none of its networks and services are in the model.
	Loaded bool `json:"loaded"`
	// FileVersions is the `version:` of every file of the stack, in merge
	// order: docker stack deploy requires them all to be equal (SWL013).
	FileVersions []FileVersion `json:"file_versions"`
}

// FileVersion is the compose file version one stack file declares.
type FileVersion struct {
	File    string `json:"file"`
	Version string `json:"version"` // as written, "" when absent
	// Effective is the version docker stack deploy reads: "" and "3" mean 3.13.
	Effective string `json:"effective"`
	// Supported is false when docker stack deploy has no schema for it (3.0–3.13 only).
	Supported bool `json:"supported"`
	Ref       Ref  `json:"ref"` // the file's `version` key (its top level when absent)
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
	// Live is true for an inventory network read from the running swarm (--live).
	Live bool `json:"live"`
	// CreatedByStack is the stack that created an inventory network (its
	// com.docker.stack.namespace label), "" when none did.
	CreatedByStack string `json:"created_by_stack"`
	// Attached counts the containers attached to a live network outside any
	// service (docker run --network on an attachable network): each holds an
	// address of its subnet, counted in Demand.Tasks.
	Attached  int  `json:"attached"`
	Encrypted bool `json:"encrypted"`
	// EncryptedValue is the raw driver_opts.encrypted value (Docker only checks the key).
	EncryptedValue string `json:"encrypted_value"`
	// EncryptedBare is true for `--opt encrypted` without a value: the
	// documented docker CLI form, not a value that looks false.
	EncryptedBare bool              `json:"encrypted_bare"`
	Options       map[string]string `json:"options"`
	MTU           *MTU              `json:"mtu"`
	Labels        map[string]string `json:"labels"`
	// LabelRefs point at each label (keyed like Labels).
	LabelRefs  map[string]Ref `json:"label_refs"`
	IPAMDriver string         `json:"ipam_driver"`
	Subnets    []Subnet       `json:"subnets"`
	// Subnet is the effective IPv4 subnet (explicit or allocated), "" if unknown.
	Subnet       string   `json:"subnet"`
	SubnetSource string   `json:"subnet_source"` // explicit | pool | inventory | script | unknown
	Usable       int      `json:"usable"`
	Demand       Demand   `json:"demand"`
	Used         bool     `json:"used"`
	Services     []string `json:"services"`
	// Replaced lists, for multi-file stacks, each later-file entry for this
	// network that replaces the earlier files' entries whole under docker
	// stack deploy, with the settings it drops (SWL014).
	Replaced []NetworkReplacement `json:"replaced"`
	// PoolExhausted is true when the network needed a pool subnet and the
	// default address pools had none left (SWL217).
	PoolExhausted bool `json:"pool_exhausted"`
	// Command is the index in Model.Commands of the script command that
	// creates the network (absent otherwise).
	Command *int `json:"command,omitempty"`
	Ref     Ref  `json:"ref"`
}

// NetworkReplacement is a later file's entry for a network that, under
// docker stack deploy's merge, replaces the earlier files' entries whole.
type NetworkReplacement struct {
	File    string   `json:"file"`    // the replacing (later) file
	Earlier []string `json:"earlier"` // earlier files that also declare the network
	// Dropped are settings the earlier files set and the replacing entry does
	// not: driver_opts.<key>, ipam, internal, attachable, labels, name,
	// external, driver.
	Dropped []string `json:"dropped"`
	Ref     Ref      `json:"ref"` // the entry in File
}

// MTU is the com.docker.network.driver.mtu option.
type MTU struct {
	Raw   string `json:"raw"`
	Value int    `json:"value"`
	Valid bool   `json:"valid"`
	// Effective is the MTU containers get: value (or 1500) − 50, −26 and rounded down to 4 if encrypted.
	// It is filled for every overlay network whose options are known, also without the option;
	// 0 when Docker cannot parse the option (docs/swarm-behaviour.md#mtu-option-value, docs/swarm-behaviour.md#overlay-mtu).
	Effective int `json:"effective"`
	// Set is true when com.docker.network.driver.mtu is written; false for an
	// overlay network that gets the default (Raw "", Value 0, Valid true).
	Set bool `json:"set"`
	Ref Ref  `json:"ref"`
}

// Subnet is one ipam.config entry (or --subnet flag).
type Subnet struct {
	CIDR        string `json:"cidr"`   // as written
	Prefix      string `json:"prefix"` // canonical network address, "" when invalid
	Valid       bool   `json:"valid"`
	HostBitsSet bool   `json:"host_bits_set"`
	IPv6        bool   `json:"ipv6"`
	// InAllocationPath is true when the pool's sequential allocation would hand
	// this range to an auto-allocated network of the linted inputs in some
	// creation order (explicit stack subnets only; SWL213).
	InAllocationPath bool `json:"in_allocation_path"`
	// Keys other than subnet in this ipam.config entry (gateway, ip_range, ...).
	OtherKeys []string `json:"other_keys"`
	// Gateway, IPRange and AuxAddresses are the entry's other settings as
	// written ("" and {} when absent).
	Gateway      string            `json:"gateway"`
	IPRange      string            `json:"ip_range"`
	AuxAddresses map[string]string `json:"aux_addresses"`
	Ref          Ref               `json:"ref"`
}

// Demand is the address demand on a network (docs/swarm-behaviour.md#overlay-address-demand).
type Demand struct {
	Total       int `json:"total"`
	VIPs        int `json:"vips"`
	Tasks       int `json:"tasks"`
	UpdateExtra int `json:"update_extra"`
	LB          int `json:"lb"`
	// UpdateBatch is the largest batch of new tasks a stop-first rolling
	// update of one attached service creates while the old tasks still hold
	// their addresses; not part of Total (SWL203).
	UpdateBatch int `json:"update_batch"`
	// UpdateBatchService is the id of the service with that batch.
	UpdateBatchService string `json:"update_batch_service"`
}

// Service is one swarm service.
type Service struct {
	ID    string `json:"id"`   // unique key in Model.Services
	Name  string `json:"name"` // <stack>_<key>
	Key   string `json:"key"`  // key in the stack file
	Stack string `json:"stack"`
	// Origin is stack, inventory (docker service inspect, --live) or script.
	Origin string `json:"origin"`
	// Live is true for an inventory service read from the running swarm (--live).
	Live bool `json:"live"`
	// CreatedByStack is the stack that deployed an inventory service (its
	// com.docker.stack.namespace label), "" when none did.
	CreatedByStack     string `json:"created_by_stack"`
	Image              string `json:"image"`
	Mode               string `json:"mode"` // replicated | global
	Replicas           int    `json:"replicas"`
	Tasks              int    `json:"tasks"`             // replicas, or node count for global
	EndpointMode       string `json:"endpoint_mode"`     // lower-cased, default vip
	EndpointModeRaw    string `json:"endpoint_mode_raw"` // as written ("" when absent)
	MaxReplicasPerNode int    `json:"max_replicas_per_node"`
	// ModeRef and ReplicasRef point at deploy.mode and deploy.replicas in
	// the last stack file that writes each (nil when none does, and
	// ReplicasRef also when the merged value is null): docker
	// stack deploy merges them key by key, so one file's replicas can meet
	// another file's global mode, which docker/cli refuses
	// (convertDeployMode: replicas can only be used with replicated or
	// replicated-job mode).
	ModeRef           *Ref             `json:"mode_ref"`
	ReplicasRef       *Ref             `json:"replicas_ref"`
	UpdateParallelism int              `json:"update_parallelism"`
	UpdateOrder       string           `json:"update_order"`
	Networks          []ServiceNetwork `json:"networks"`
	Ports             []Port           `json:"ports"`
	// InvalidPorts are short-syntax ports that do not parse (Docker's loader
	// rejects them: `invalid hostPort: 99999`); they are not in Ports.
	InvalidPorts []InvalidPort `json:"invalid_ports"`
	DependsOn    []Dependency  `json:"depends_on"`
	Hostnames    []Hostname    `json:"hostnames"`
	Expose       []string      `json:"expose"`
	// DuplicatePorts are `ports` items that repeat an earlier item or its
	// published port in the same file (docs/swarm-behaviour.md#duplicate-published-port, docs/swarm-behaviour.md#identical-port-entries). compose-go drops
	// identical items, so this is read from the raw YAML.
	DuplicatePorts []DuplicatePort `json:"duplicate_ports"`
	// Labels are the container labels (services.<s>.labels,
	// --container-label, the container spec's Labels); the service's own
	// labels are Deploy.Labels.
	Labels map[string]string `json:"labels"`
	// LabelRefs point at each container label (keyed like Labels).
	LabelRefs map[string]Ref `json:"label_refs"`
	// Deploy is the deploy section with Docker's defaults applied.
	Deploy Deploy `json:"deploy"`
	// Healthcheck is null when none is written (the image's applies).
	Healthcheck *Healthcheck `json:"healthcheck"`
	// Configs are the service's configs entries (--config).
	Configs []FileReference `json:"configs"`
	// Secrets are the service's secrets entries (--secret).
	Secrets []FileReference `json:"secrets"`
	// Mounts are the service's volumes (long and short syntax alike).
	Mounts []Mount `json:"mounts"`
	// Logging is null when none is written (the daemon's default applies).
	Logging  *Logging `json:"logging"`
	Hostname string   `json:"hostname"`  // "" when not written
	User     string   `json:"user"`      // "" when not written
	ReadOnly bool     `json:"read_only"` // read-only root file system
	// StopGracePeriod is a Go duration, "" when not written.
	StopGracePeriod string            `json:"stop_grace_period"`
	DNS             []string          `json:"dns"`         // name servers
	DNSSearch       []string          `json:"dns_search"`  // search domains
	ExtraHosts      []string          `json:"extra_hosts"` // "host:ip"
	CapAdd          []string          `json:"cap_add"`     // capabilities added
	CapDrop         []string          `json:"cap_drop"`    // capabilities dropped
	Sysctls         map[string]string `json:"sysctls"`     // kernel parameters
	// Environment is the service's environment after interpolation (a
	// variable without value is absent): environment, --env.
	Environment map[string]string `json:"environment"`
	// CommandLine is the service's entrypoint and command, word by word
	// (empty when the image's defaults are used).
	CommandLine []string `json:"command_line"`
	// Command is the index in Model.Commands of the script command that
	// creates the service (absent otherwise).
	Command *int `json:"command,omitempty"`
	Ref     Ref  `json:"ref"`
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

// DuplicatePort is a `ports` item that clashes with an earlier item of the
// same list in the same file: written identically (the schema's uniqueItems,
// docs/swarm-behaviour.md#identical-port-entries), or publishing the same (published, protocol) (docs/swarm-behaviour.md#duplicate-published-port). Unknown
// protocols count as tcp, as Docker maps them.
type DuplicatePort struct {
	Index     int    `json:"index"`     // position of the later item in the file's ports list
	First     int    `json:"first"`     // position of the earlier item
	Identical bool   `json:"identical"` // both items are the same YAML value
	Published int    `json:"published"` // the published port both use (0 when identical and unpublished)
	Protocol  string `json:"protocol"`
	Text      string `json:"text"`       // the later item as written: "8080:80", or "target: 80, published: 8080"
	FirstText string `json:"first_text"` // the earlier item as written
	Ref       Ref    `json:"ref"`        // the later item
}

// InvalidPort is a ports item that does not parse.
type InvalidPort struct {
	Raw   string `json:"raw"`
	Error string `json:"error"`
	Ref   Ref    `json:"ref"`
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
	// Operator is the substitution operator: "", ":-", "-", ":?", "?", ":+"
	// or "+" (docker stack deploy does not know ":+" and "+").
	Operator string `json:"operator"`
	// Field is the value's path as docker/cli names it in errors
	// (services.web.ports.[].published).
	Field string `json:"field"`
	// Cast is the type docker stack deploy converts the interpolated value
	// to ("int", "float", "bool"), "" when it stays a string.
	Cast string `json:"cast"`
	// CastFails is true when the value, interpolated with the current
	// environment, does not convert to Cast: docker stack deploy fails.
	CastFails bool `json:"cast_fails"`
	// Empty is true when the variable is set to the empty string.
	Empty bool `json:"empty"`
	// Message is the text after a required variable's ? or :? operator
	// (`${DOMAIN?Variable not set}`), the error the author wants shown.
	Message string `json:"message"`
	// Unknown is true when the file was linted without a value for the
	// variable (a required variable that is not set): values that contain
	// it are unknown to the rules, which stay silent about them.
	Unknown bool `json:"unknown"`
}

// KeyUse is a YAML key that matters to a rule because stack deploy treats it
// specially (unsupported, forbidden, deprecated, compose-only).
type KeyUse struct {
	Key   string `json:"key"`   // dotted path with * for names: services.*.links
	Class string `json:"class"` // unsupported | forbidden | deprecated | compose-only | not-deployable | ignored | needs-version
	Stack string `json:"stack"`
	Owner string `json:"owner"` // service or network id it belongs to, "" at top level
	Ref   Ref    `json:"ref"`
	// NeedsVersion is, for class needs-version, the first compose file
	// version whose v3 schema allows the key.
	NeedsVersion string `json:"needs_version,omitempty"`
	// FileVersion is, for class needs-version, the version the file
	// declares, as docker stack deploy reads it.
	FileVersion string `json:"file_version,omitempty"`
}

// Indexes are precomputed joins, so no rule joins a collection with itself.
type Indexes struct {
	// PublishedPorts maps "<port>/<protocol>" to the services publishing it.
	// A short-syntax host-port range with one target ("8000-8010:80") is
	// listed under every port of the range, as docker stack deploy expands it.
	PublishedPorts map[string][]PortUse `json:"published_ports"`
	// NetworkServices maps a network id to the ids of the services attached to it.
	NetworkServices map[string][]string `json:"network_services"`
	// Consumers maps a service id to the services that use it (depends_on or a host name).
	Consumers map[string][]Consumer `json:"consumers"`
	// SubnetOverlaps lists every pair of networks whose subnets overlap.
	SubnetOverlaps []Overlap `json:"subnet_overlaps"`
	// NameCollisions lists pairs of networks (or services) that swarm would
	// create under names equal ignoring case.
	NameCollisions []NameCollision `json:"name_collisions"`
}

// NameCollision is two objects swarm would create under names that are
// equal ignoring case (A < B by id).
type NameCollision struct {
	Kind  string `json:"kind"` // network | service
	A     string `json:"a"`    // id in Model.Networks or Model.Services
	B     string `json:"b"`
	NameA string `json:"name_a"`
	NameB string `json:"name_b"`
	// Exact is true when the names are identical, not only equal ignoring case.
	Exact bool `json:"exact"`
	// SameStack is true when both come from one stack.
	SameStack bool `json:"same_stack"`
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
