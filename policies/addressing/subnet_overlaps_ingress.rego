# METADATA
# title: Subnet overlaps the ingress network
# description: |
#   The routing-mesh ingress network is created at `docker swarm init`,
#   before any stack, and takes the first subnet of the default address pool:
#   10.0.0.0/24 with the default pool 10.0.0.0/8, or the first
#   `--default-addr-pool` subnet. Swarms created before moby/swarmkit commit
#   9ccb20b (2019) have 10.255.0.0/16 instead. A stack network whose
#   subnet overlaps it is created, but the allocator then fails it with
#   `invalid pool request: Pool overlaps with other one on this address
#   space` in the manager's log, and its tasks never start.
#   So `subnet: 10.0.0.0/16` collides on a default swarm.
#
#   swarmlint takes the ingress subnet from the cluster inventory when one is
#   given, else from the configured pools (`--default-addr-pool`, or the
#   legacy 10.255.0.0/16 when the configuration says the swarm is that old).
#   A bootstrap script that removes the ingress network and creates it again
#   without `--subnet` moves it: the pool's allocator continues after the last
#   subnet it handed out, so on a fresh default swarm the new ingress gets
#   10.0.1.0/24, not the freed 10.0.0.0/24, and a stack pinned to 10.0.1.0/24
#   fails for certain (confirmed on the engine,
#   docs/swarm-behaviour.md#pool-allocation-order).
# related_resources:
#   - description: Docker docs, customize the ingress network and address pools
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: docker swarm init, --default-addr-pool
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/
#   - description: "swarmlint, how Docker behaves: Subnets that collide with the pool"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#subnet-overlaps-ingress
#   - description: "swarmlint, how Docker behaves: Overlapping overlay subnets"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#subnet-overlap
# custom:
#   id: SWL212
#   name: subnet-overlaps-ingress
#   severity: error
#   remediation: >-
#     Choose a subnet outside the ingress subnet and outside the default
#     address pool (for example from 172.16.0.0/12 or 192.168.0.0/16), or
#     drop `subnet:` and let the pool choose one.
#   fix:
#     description: >-
#       Moves the network to a free subnet of the same size from the default
#       address pools, beyond what the pools hand out (the ingress network
#       included) and overlapping no known network or host network, chosen as
#       `swarmlint plan` allocates. Services on the network get new addresses.
#     safe: false
package swarmlint.rules.addressing.subnet_overlaps_ingress

import data.swarmlint.lib.addressing
import data.swarmlint.lib.result

report contains finding if {
	some o in input.indexes.subnet_overlaps
	some side in [
		{"ingress": o.a, "other": o.b, "subnet": o.b_subnet, "index": o.b_subnet_index, "ingress_subnet": o.a_subnet},
		{"ingress": o.b, "other": o.a, "subnet": o.a_subnet, "index": o.a_subnet_index, "ingress_subnet": o.b_subnet},
	]
	ing := input.networks[side.ingress]
	ing.ingress
	nw := input.networks[side.other]
	not nw.ingress
	f := result.finding(rego.metadata.chain(), _element(nw, side.index), sprintf(
		"network %q (%s) overlaps the ingress network %s (%s)",
		[nw.key, side.subnet, side.ingress_subnet, _origin(ing)],
	))
	finding := _with_fix(f, nw, side.index)
}

# The fix moves the network to a free subnet of the same size, away from
# the ingress network.
_with_fix(f, nw, i) := fixed if {
	i >= 0
	fixed := addressing.with_subnet_fix(f, nw, nw.subnets[i], addressing.prefix_bits(nw.subnets[i]))
} else := f

_element(nw, i) := nw.subnets[i] if i >= 0

_element(nw, i) := nw if i < 0

_origin(ing) := "the legacy ingress subnet of swarms created before 2019" if ing.subnet_source == "legacy"

_origin(ing) := sprintf("the first subnet of the default address pool %s", [_pool(ing)]) if {
	ing.subnet_source == "pool"
	object.get(ing, "origin", "default") != "script"
}

# A recreated ingress without --subnet: the allocator continues after the
# last subnet it handed out instead of returning to the freed one.
_origin(ing) := sprintf("network %q, created without --subnet: the pool %s hands it the subnet after the last one it gave out, not the one the removed ingress freed", [ing.name, _pool(ing)]) if {
	ing.subnet_source == "pool"
	object.get(ing, "origin", "default") == "script"
}

_origin(ing) := sprintf("network %q of the cluster", [ing.name]) if not ing.subnet_source in {"legacy", "pool"}

_pool(ing) := concat(", ", [p.prefix |
	some p in input.swarm.default_addr_pools
	p.valid
	p.merged_into == ""
	net.cidr_contains(p.prefix, ing.subnet)
])
