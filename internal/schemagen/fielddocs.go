package main

import "reflect"

// Descriptions for model fields whose Go declaration has no doc comment.
// A doc comment in the Go source always wins, so the way to change one of
// these is to write the comment in analyzer/model.go (and then delete the
// entry here). The test fails for a field that has neither, and for an
// entry whose field no longer exists.

// conventionalDocs describe fields by their JSON name, for names that mean
// the same thing in every type of the model.
var conventionalDocs = map[string]string{
	"ref":   "Where the element is written in its source (see Ref): a finding built for this element is located there.",
	"raw":   "The value as written, before parsing.",
	"valid": "True when the value parses.",
	"known": "False when the value holds a variable or expansion that could not be resolved.",
	"stack": "Name of the stack it comes from (a key of the model's stacks), \"\" when it does not come from a stack.",
}

// fallbackDocs describe single fields, by Go type and field name.
var fallbackDocs = map[string]string{
	"Model.SchemaVersion": "Version of this shape. It changes only when a field is removed, renamed or changes meaning; new fields may be added in any release.",
	"Model.Swarm":         "Cluster-wide settings and facts.",
	"Model.Sources":       "Every input a Ref can point into, by source key (e.g. stack:shop).",
	"Model.Stacks":        "Every stack, by name.",
	"Model.Networks":      "Every network, by id: declared in a stack, implicit (a stack's default network, ingress), or from scripts or --cluster inventory.",
	"Model.Services":      "Every service, by id (<stack>_<key> for a stack's service).",
	"Model.Indexes":       "Precomputed joins, so that no rule joins a collection with itself.",
	"Model.Variables":     "Every ${VAR} use in the stack files.",
	"Model.Keys":          "YAML keys that docker stack deploy treats specially.",

	"Source.Files": "The files of the source, in merge order.",

	"Swarm.DefaultAddrPools": "The default address pools that networks without an explicit subnet get theirs from (default 10.0.0.0/8).",
	"Swarm.MaskLength":       "Prefix length of the subnets handed out from the pools (default 24).",
	"Swarm.DataPathPort":     "UDP port of the overlay data path, VXLAN (default 4789).",
	"Swarm.NodeCount":        "Number of swarm nodes assumed by the sizing rules (default 3).",
	"Swarm.UnderlayMTU":      "MTU of the hosts' network (default 1500).",
	"Swarm.Docker0":          "Subnet of the docker0 bridge (default 172.17.0.0/16).",
	"Swarm.Gwbridge":         "Subnet of the docker_gwbridge bridge (default 172.18.0.0/16).",

	"Command.Ref": "The whole command line.",

	"DaemonConfig.File": "Path of the daemon.json.",
	"DaemonPool.Base":   "The pool's base CIDR, as written.",
	"DaemonPool.Size":   "Prefix length of the subnets handed out from it.",

	"Demand.Total":       "All addresses the network needs: vips + tasks + update_extra + lb.",
	"Demand.VIPs":        "One virtual IP per attached service that is not in dnsrr endpoint mode (on the ingress network: per service publishing an ingress port).",
	"Demand.Tasks":       "One address per task of the attached services.",
	"Demand.UpdateExtra": "Extra addresses held during start-first rolling updates: the update parallelism (or all tasks) of each such service.",
	"Demand.LB":          "Load-balancer addresses: one per node that runs a task of the network (every node for global services and on the ingress network).",

	"Consumer.SharedNetwork": "True when both services are attached to a common network, so the consumer can reach the service by name.",

	"DuplicatePort.Protocol": "Protocol of the published port both items use.",
	"FileVersion.File":       "The stack file.",
	"Hostname.Host":          "The host name as written.",

	"IntFlag.Set":   "True when the flag is given.",
	"IntFlag.Value": "The parsed value (0 when not valid or not known).",

	"InvalidPort.Error": "Why the item does not parse.",

	"MTU.Value": "The parsed option value (0 when absent or not valid).",

	"NameCollision.B":     "Id of the other object.",
	"NameCollision.NameA": "The name swarm would give a.",
	"NameCollision.NameB": "The name swarm would give b.",

	"Network.External":   "True for `external: true`: the network must exist already; the stack does not create it.",
	"Network.Internal":   "True for `internal: true`: no route to the outside.",
	"Network.Attachable": "True for `attachable: true`: standalone containers may join it.",
	"Network.Ingress":    "True for the swarm's ingress network (the routing mesh).",
	"Network.Encrypted":  "True when driver_opts has the encrypted key (Docker checks only that the key is present).",
	"Network.Options":    "driver_opts as written, by option name.",
	"Network.MTU":        "The com.docker.network.driver.mtu option and the MTU containers get (null when not computed for this network).",
	"Network.Labels":     "The network's labels.",
	"Network.IPAMDriver": "ipam.driver as written (\"\" for the default driver).",
	"Network.Subnets":    "The network's ipam.config entries (or --subnet flags), in order.",
	"Network.Usable":     "How many addresses swarm can hand out in its IPv4 subnet(s): all minus network, broadcast and gateway; 0 when the subnet is unknown.",
	"Network.Demand":     "The address demand of the services attached to it.",
	"Network.Used":       "True when a service is attached to it.",
	"Network.Services":   "Ids of the services attached to it.",

	"Overlap.A":       "Id of one network (the smaller id).",
	"Overlap.B":       "Id of the other network.",
	"Overlap.ASubnet": "The subnet of a that overlaps.",
	"Overlap.BSubnet": "The subnet of b that overlaps.",

	"Port.Target":       "The container port.",
	"Port.PublishedRaw": "The published port or port range as written (\"\" when not published).",
	"Port.HostIP":       "The host IP the port is bound to, \"\" when none is given.",

	"PortUse.Service": "Id of the service.",
	"PortUse.Mode":    "The port's publish mode: ingress or host.",

	"Service.Image":              "The image, as written after variable interpolation.",
	"Service.Replicas":           "deploy.replicas (default 1).",
	"Service.MaxReplicasPerNode": "deploy.placement.max_replicas_per_node (0 when not set).",
	"Service.UpdateParallelism":  "deploy.update_config.parallelism (default 1).",
	"Service.UpdateOrder":        "deploy.update_config.order: stop-first (the default) or start-first.",
	"Service.Networks":           "The service's network attachments.",
	"Service.Ports":              "The service's ports, with port ranges expanded.",
	"Service.DependsOn":          "The service's depends_on entries (docker stack deploy ignores them).",
	"Service.Hostnames":          "Host names in the service's environment, command or entrypoint that name other services.",
	"Service.Expose":             "The service's expose entries, as written.",

	"ServiceNetwork.Aliases":     "The service's aliases on this network.",
	"ServiceNetwork.IPv4Address": "ipv4_address as written (\"\" when absent).",
	"ServiceNetwork.IPv6Address": "ipv6_address as written (\"\" when absent).",

	"Stack.Name":  "The stack name, as in docker stack deploy NAME.",
	"Stack.Files": "The stack's files, in merge order.",

	"Subnet.HostBitsSet": "True when the CIDR has host bits set (10.0.0.1/24 instead of 10.0.0.0/24).",
	"Subnet.IPv6":        "True for an IPv6 subnet.",

	"SwarmInit.Present": "True when the inputs contain this swarm init (false for the empty init of inputs without one).",

	"Variable.Name":       "The variable's name.",
	"Variable.Set":        "True when the variable is set in the environment (or an --env-file).",
	"Variable.HasDefault": "True when the expression gives a value for an unset variable (:-, -, :+ or +).",
	"Variable.Required":   "True for ${VAR:?message} and ${VAR?message}.",

	"Word.Value": "The operand as written (expanded when known).",
}

// fieldDoc returns a field's description: its Go doc comment, else a
// fallback for this field, else the conventional meaning of its JSON name.
func fieldDoc(docs *pkgDocs, t reflect.Type, goName, jsonName string) string {
	if d := docs.fields[t.Name()+"."+goName]; d != "" {
		return d
	}
	if d := fallbackDocs[t.Name()+"."+goName]; d != "" {
		return d
	}
	return conventionalDocs[jsonName]
}
