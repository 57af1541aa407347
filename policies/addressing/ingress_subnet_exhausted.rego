# METADATA
# title: Routing-mesh ingress subnet too small for the published services
# description: |
#   Every service that publishes a port in ingress mode (short syntax always
#   does) is attached to the single cluster-wide ingress network: it takes a
#   virtual IP there, each of its tasks one more address, and every node one
#   address for its `ingress-sbox` endpoint. The ingress subnet is a
#   /24 by default (the first subnet of the default address pool, 10.0.0.0/24;
#   10.255.0.0/16 on swarms created before 2019), shared by every stack of
#   the cluster. See moby/swarmkit#2958, "Ingress Network limited to 128
#   ports?".
#
#   Docker accepts the services; when the subnet runs out the allocator only
#   logs `could not find an available IP` on the manager and the tasks stay
#   in the `NEW` state. swarmlint reports an error when the demand on
#   the ingress subnet exceeds its usable addresses, and a warning above 80 %.
#   The ingress network is not in any stack file, so the finding points at
#   the first ingress-published port of the service with the most tasks in
#   each stack.
# related_resources:
#   - description: Docker docs, routing mesh
#     ref: https://docs.docker.com/engine/swarm/ingress/
#   - description: Docker docs, customize the ingress network
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: "swarmlint, how Docker behaves: The ingress subnet is shared by every publishing service"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#ingress-subnet-demand
#   - description: "swarmlint, how Docker behaves: Addresses an overlay network uses"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-address-demand
# custom:
#   id: SWL204
#   name: ingress-subnet-exhausted
#   severity: error
#   remediation: >-
#     Publish fewer services or tasks through the routing mesh (host-mode
#     ports, or one reverse proxy that publishes for the others), or recreate
#     the ingress network with a larger subnet.
package swarmlint.rules.addressing.ingress_subnet_exhausted

import data.swarmlint.lib.addressing
import data.swarmlint.lib.result
import data.swarmlint.lib.util

report contains finding if {
	ing := _ingress
	ing.demand.total > ing.usable
	some sid in _blamed
	s := input.services[sid]
	finding := result.finding(rego.metadata.chain(), _first_ingress_port(s), sprintf(
		"the ingress network %s needs about %d addresses for %s, but has %d; service %q %s",
		[ing.subnet, ing.demand.total, _breakdown(ing), ing.usable, s.key, _share(s)],
	))
}

report contains finding if {
	ing := _ingress
	ing.demand.total <= ing.usable
	ing.demand.total * 10 > ing.usable * 8
	some sid in _blamed
	s := input.services[sid]
	finding := result.with_severity(
		result.finding(rego.metadata.chain(), _first_ingress_port(s), sprintf(
			"the ingress network %s needs about %d of its %d addresses (%d%%) for %s; service %q %s",
			[
				ing.subnet, ing.demand.total, ing.usable, addressing.percent(ing.demand.total, ing.usable),
				_breakdown(ing), s.key, _share(s),
			],
		)),
		"warning",
	)
}

_ingress := ing if {
	ing := input.networks[input.swarm.ingress]
	ing.subnet != ""
	ing.usable > 0
}

_breakdown(ing) := sprintf("%d %s publishing through the routing mesh (%s)", [
	count(ing.services), util.plural(count(ing.services), "service"),
	addressing.breakdown(ing.demand),
])

_share(s) := sprintf("alone runs %d %s there", [s.tasks, util.plural(s.tasks, "task")])

# _blamed holds, per stack (or inventory), the publishing service with the
# most tasks: one finding per stack, at a line the user can change.
_blamed contains sid if {
	some group in {s.stack | some id in _ingress.services; s := input.services[id]}
	members := [s | some id in _ingress.services; s := input.services[id]; s.stack == group]
	top := max([s.tasks | some s in members])
	sid := min([s.id | some s in members; s.tasks == top])
}

_first_ingress_port(s) := [p | some p in s.ports; p.mode == "ingress"][0]
