# METADATA
# title: About 1000 or more containers per node on overlay networks
# description: |
#   Docker documents a connection limit for overlay networks: "Due to
#   limitations set by the Linux kernel, overlay networks become unstable and
#   inter-container communications may break when 1000 containers are
#   co-located on the same host" (moby/moby#44973). Docker does not
#   check it.
#
#   swarmlint counts the tasks of every service attached to a swarm-scoped
#   network or publishing through the routing mesh: replicated tasks spread
#   evenly over the configured node count (default 3), plus one task per
#   node for each global service. It warns when that comes to 1000 or more
#   per node, at the service with the most tasks in each stack.
# related_resources:
#   - description: Docker docs, overlay network driver, connection limit
#     ref: https://docs.docker.com/engine/network/drivers/overlay/
#   - description: "swarmlint, how Docker behaves: About 1000 containers per node"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#containers-per-node
# custom:
#   id: SWL205
#   name: too-many-containers-per-node
#   severity: warning
#   remediation: >-
#     Add nodes (and set the node count in the configuration), lower the
#     replicas, or spread the workload over several swarms so that fewer
#     than 1000 containers share one host's overlay networks.
package swarmlint.rules.addressing.too_many_containers_per_node

import data.swarmlint.lib.addressing
import data.swarmlint.lib.result
import data.swarmlint.lib.util

report contains finding if {
	_per_node >= 1000
	some sid in _blamed
	s := input.services[sid]
	finding := result.finding_at(rego.metadata.chain(), s, _where(s), sprintf(
		"about %d containers per node on overlay networks (%d replicated %s over %d %s%s); service %q runs %d of them",
		[
			_per_node, _replicated, util.plural(_replicated, "task"), _nodes, util.plural(_nodes, "node"),
			_global_text, s.key, s.tasks,
		],
	))
}

_nodes := max([input.swarm.node_count, 1])

_on_overlay(s) if {
	some sn in s.networks
	addressing.swarm_scoped(input.networks[sn.network])
}

_on_overlay(s) if {
	some p in s.ports
	p.mode == "ingress"
}

# _services holds service ids: a set of whole service objects would hash
# every object, which dominated the cost on large stacks.
_services contains id if {
	some id, s in input.services
	s.tasks > 0
	_on_overlay(s)
}

_replicated := sum([s.tasks | some id in _services; s := input.services[id]; s.mode != "global"])

_globals := count([id | some id in _services; input.services[id].mode == "global"])

_per_node := ceil(_replicated / _nodes) + _globals

_global_text := "" if _globals == 0

_global_text := sprintf(", plus %d global %s", [_globals, util.plural(_globals, "service")]) if _globals > 0

# _blamed holds, per stack, the service with the most tasks.
_blamed contains sid if {
	some group in {input.services[id].stack | some id in _services}
	members := [s | some id in _services; s := input.services[id]; s.stack == group]
	top := max([s.tasks | some s in members])
	sid := min([s.id | some s in members; s.tasks == top])
}

_where(s) := ["deploy", "mode"] if s.mode == "global"

_where(s) := ["deploy", "replicas"] if s.mode != "global"
