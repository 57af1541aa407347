# METADATA
# title: Data path port equal to a swarm control port or a published port
# description: |
#   The VXLAN data path (`--data-path-port`, default 4789/udp) must have its port to
#   itself on every node. Docker only checks the range (no other check
#   exists), so it accepts a data path port that collides with:
#
#   - 2377, the managers' cluster management port (TCP), or 7946, the node
#     discovery port (TCP and UDP): firewall rules for the control plane and the
#     overlay data then share one number;
#   - a UDP port a service publishes through the routing mesh: the published
#     port's forwarding on every node then catches the overlay traffic;
#   - a UDP port a service publishes in host mode (`mode: host`): this is an
#     **error**. The task binds the port itself, and on every node with an
#     overlay network the kernel's VXLAN socket already holds it, so every task
#     fails to start: `listen udp4 0.0.0.0:4789: bind: address already in use`
#     (observed on Engine 20.10; see the engine verification report).
#
#   swarmlint compares the data path port with 2377, 7946 and every published UDP
#   port; a TCP port with the same number uses another socket and is not
#   reported.
# related_resources:
#   - description: docker swarm init reference, --data-path-port
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/#data-path-port
#   - description: Docker docs, ports swarm nodes use
#     ref: https://docs.docker.com/engine/swarm/swarm-tutorial/#open-protocols-and-ports-between-the-hosts
#   - description: "swarmlint, how Docker behaves: Data path port against other ports"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#data-path-port-conflicts
# custom:
#   id: SWL505
#   name: data-path-port-conflict
#   severity: warning
#   remediation: >-
#     Choose a data path port that is neither 2377, 7946 nor a published port (the
#     default 4789 is usually right), or publish the service on another port; a
#     host-mode UDP port can never be the data path port.
package swarmlint.rules.cluster.data_path_port_conflict

import data.swarmlint.lib.result

_control_ports := {
	2377: "the managers' cluster management port (2377/tcp)",
	7946: "the node discovery port (7946/tcp and udp)",
}

report contains finding if {
	some init in input.swarm.inits
	port := init.data_path_port
	port.set
	port.valid
	what := _control_ports[port.value]
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"--data-path-port %d is %s; the VXLAN data path needs a port of its own",
		[port.value, what],
	))
}

report contains finding if {
	dpp := input.swarm.data_path_port
	some use in input.indexes.published_ports[sprintf("%d/udp", [dpp])]
	use.mode != "host"
	service := input.services[use.service]
	port := service.ports[use.port]
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q publishes %d/udp, which is the swarm's VXLAN data path port (%s); overlay traffic and the published port collide on every node",
		[_name(service), dpp, _source(dpp)],
	))
}

# A host-mode port is bound by the task itself, and the node's VXLAN socket
# already holds the port: the bind fails on every node, every time.
report contains finding if {
	dpp := input.swarm.data_path_port
	some use in input.indexes.published_ports[sprintf("%d/udp", [dpp])]
	use.mode == "host"
	service := input.services[use.service]
	port := service.ports[use.port]
	finding := result.with_severity(
		result.finding(rego.metadata.chain(), port, sprintf(
			"service %q publishes %d/udp in host mode, but that is the swarm's VXLAN data path port (%s), which the kernel's VXLAN socket holds on every node with an overlay network; no task can start: listen udp4 0.0.0.0:%d: bind: address already in use",
			[_name(service), dpp, _source(dpp), dpp],
		)),
		"error",
	)
}

_source(dpp) := sprintf("--data-path-port %d", [dpp]) if {
	input.swarm.init.present
	input.swarm.init.data_path_port.set
	input.swarm.init.data_path_port.value == dpp
} else := "the default 4789"

_name(service) := service.key if service.key != ""

_name(service) := service.name if service.key == ""
