# METADATA
# title: Explicit subnet lies where the address pool hands out subnets
# description: |
#   A network without `subnet:` gets one from the default address pool:
#   "the subnet for this network will be allocated sequentially from the
#   next available subnet from the pool. If the specified network is already
#   allocated, that network will not be used for Swarm" (Docker docs). `docker stack
#   deploy` creates a stack's networks in no fixed order. So an explicit
#   subnet inside the range the pool is about to hand out works only if its
#   network happens to be created first; otherwise a network without
#   `subnet:` takes the range, and the explicit one fails in the manager's
#   log with `invalid pool request: Pool overlaps with other one on this
#   address space`.
#
#   swarmlint simulates the pool (ingress first, then the networks of the
#   linted stacks and inventory) and reports an explicit subnet that some
#   creation order hands to a network without one. A subnet inside the pool
#   but beyond the subnets those networks can reach (such as 10.200.0.0/24
#   with a few networks on the default 10.0.0.0/8) is not reported.
#   Overlaps with the ingress subnet itself are SWL212.
# related_resources:
#   - description: Docker docs, configure default address pools
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: docker swarm init, --default-addr-pool
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/
#   - description: "swarmlint, how Docker behaves: Subnets that collide with the pool"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#subnet-overlaps-ingress
#   - description: "swarmlint, how Docker behaves: Overlapping overlay subnets"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#subnet-overlap
# custom:
#   id: SWL213
#   name: subnet-in-allocation-path
#   severity: warning
#   remediation: >-
#     Move the explicit subnet out of the default address pool (for example
#     to 172.16.0.0/12 or 192.168.0.0/16), or give every network of the
#     stack an explicit subnet.
package swarmlint.rules.addressing.subnet_in_allocation_path

import data.swarmlint.lib.result
import data.swarmlint.lib.util

report contains finding if {
	some nw in input.networks
	some sn in nw.subnets
	sn.in_allocation_path
	finding := result.finding(rego.metadata.chain(), sn, sprintf(
		"subnet %s of network %q lies where the default address pool %s hands out subnets to the %d %s without one; if one of them is created first, %q never starts",
		[sn.prefix, nw.key, _pools(sn), _auto, util.plural(_auto, "network"), nw.key],
	))
}

_auto := count([n | some n in input.networks; n.subnet_source == "pool"; not n.ingress])

_pools(sn) := concat(", ", [p.prefix |
	some p in input.swarm.default_addr_pools
	p.valid
	p.merged_into == ""
	net.cidr_intersects(p.prefix, sn.prefix)
])
