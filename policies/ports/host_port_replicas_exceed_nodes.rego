# METADATA
# title: More replicas than nodes for a service with a fixed host-mode port
# description: |
#   A port published with `mode: host` is bound on the node that runs the
#   task, so two tasks of the service cannot share a node. With more
#   replicas than nodes, the extra tasks never start: the scheduler leaves
#   them pending with `host-mode port already in use on 1 node` (or
#   `on %d nodes`). Docker's docs: "If you expect to run multiple
#   service tasks on each node (such as when you have 5 nodes but run 10
#   replicas), you cannot specify a static target port. Either allow Docker
#   to assign a random high-numbered port (by leaving off the `published`),
#   or ensure that only a single instance of the service runs on a given
#   node, by using a global service rather than a replicated one, or by
#   using placement constraints."
#
#   swarmlint compares the replicas of a replicated service with the node
#   count from the configuration (default 3). A service with
#   `max_replicas_per_node: 1` is left alone: it states one task per node on
#   purpose. Placement constraints can only lower the number of eligible
#   nodes, so the finding stands with them.
# related_resources:
#   - description: Docker docs, bypass the routing mesh (host mode)
#     ref: https://docs.docker.com/engine/swarm/ingress/#bypass-the-routing-mesh
#   - description: Compose file reference, deploy placement
#     ref: https://docs.docker.com/reference/compose-file/deploy/#placement
#   - description: "swarmlint, how Docker behaves: A fixed host-mode port runs one task per node"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#host-port-per-node
# custom:
#   id: SWL105
#   name: host-port-replicas-exceed-nodes
#   severity: warning
#   remediation: >-
#     Run the service in `mode: global`, lower `replicas` to the number of
#     nodes and set `max_replicas_per_node: 1`, or leave out `published` so
#     that each task gets its own port.
package swarmlint.rules.ports.host_port_replicas_exceed_nodes

import data.swarmlint.lib.result

report contains finding if {
	some service in input.services
	service.mode == "replicated"
	nodes := input.swarm.node_count
	service.replicas > nodes
	service.max_replicas_per_node != 1
	some port in service.ports
	port.mode == "host"
	port.published > 0
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q runs %d replicas on %d %s but publishes %d/%s in host mode: only one task per node can bind it, so %d %s stay pending (host-mode port already in use on %d %s)",
		[
			service.key, service.replicas, nodes, _plural(nodes, "node"), port.published, port.protocol,
			service.replicas - nodes, _plural(service.replicas - nodes, "task"), nodes, _plural(nodes, "node"),
		],
	))
}

_plural(1, word) := word

_plural(n, word) := concat("", [word, "s"]) if n != 1
