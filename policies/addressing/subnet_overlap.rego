# METADATA
# title: Two networks' subnets overlap
# description: |
#   Overlay subnets share one cluster-wide address space. Docker creates the
#   second network without complaint; its subnet is checked only later, when
#   the manager's allocator reserves it, and fails with `failed allocating
#   pools and gateway IP for network %s: invalid pool request: Pool overlaps
#   with other one on this address space` in the manager's log. The tasks on
#   that network never start (moby/swarmkit#2398, "Subnet overlap
#   error is ignored").
#
#   swarmlint compares the explicit subnets, the subnets the default address
#   pool hands to networks without one, and the networks of the cluster
#   inventory or of the running swarm (`--live`), within a stack and across
#   the stacks linted together.
#   Overlaps with the ingress network are SWL212. The finding points at the
#   more specific of the two subnets.
# related_resources:
#   - description: Docker docs, swarm networking and address pools
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: "swarmlint, how Docker behaves: Overlapping overlay subnets"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#subnet-overlap
# custom:
#   id: SWL211
#   name: subnet-overlap
#   severity: error
#   remediation: >-
#     Give each network a subnet of its own, or drop `subnet:` and let the
#     default address pool choose one.
#   fix:
#     description: >-
#       Moves the network reported to a free subnet of the same size from the
#       default address pools, overlapping no known network or host network,
#       chosen as `swarmlint plan` allocates. Services on the network get new
#       addresses.
#     safe: false
package swarmlint.rules.addressing.subnet_overlap

import data.swarmlint.lib.addressing
import data.swarmlint.lib.result

report contains finding if {
	some o in input.indexes.subnet_overlaps
	a := input.networks[o.a]
	b := input.networks[o.b]
	not a.ingress
	not b.ingress
	sides := _order({"nw": a, "subnet": o.a_subnet, "index": o.a_subnet_index}, {"nw": b, "subnet": o.b_subnet, "index": o.b_subnet_index})
	here := sides[0]
	there := sides[1]
	f := result.finding(rego.metadata.chain(), _element(here), sprintf(
		"network %s (%s) overlaps network %s (%s)",
		[addressing.named(here.nw, there.nw), here.subnet, addressing.named(there.nw, here.nw), there.subnet],
	))
	finding := _with_fix(f, here)
}

# The fix moves the network reported to a free subnet of the same size.
_with_fix(f, side) := fixed if {
	side.index >= 0
	sn := side.nw.subnets[side.index]
	fixed := addressing.with_subnet_fix(f, side.nw, sn, addressing.prefix_bits(sn))
} else := f

# _order puts first the side the finding points at: an explicit subnet
# before an allocated one, a linted stack before the inventory, then the
# more specific subnet (the second on a tie).
_order(a, b) := [b, a] if _rank(b) >= _rank(a)

_order(a, b) := [a, b] if _rank(b) < _rank(a)

_rank(side) := [
	to_number(side.index >= 0),
	to_number(side.nw.origin != "inventory"),
	to_number(split(side.subnet, "/")[1]),
]

_element(side) := side.nw.subnets[side.index] if side.index >= 0

_element(side) := side.nw if side.index < 0
