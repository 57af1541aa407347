# METADATA
# title: Default address pools overlap each other
# description: |
#   `--default-addr-pool` may be given several times. Docker does not
#   reject overlapping pools: the global IPAM sorts them by address and
#   silently discards a pool that overlaps an earlier one, with only a code
#   comment to say so, "We need to discard longer overlapping prefixes"
#   (moby/moby `daemon/libnetwork/ipams/defaultipam/address_space.go`).
#   The swarm then has fewer addresses, or other ranges, than the
#   command line suggests.
#
#   swarmlint reads the pools from the swarm init flags and the
#   configuration, and reports each pool that Docker drops.
# related_resources:
#   - description: Docker docs, configure default address pools
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: docker swarm init, --default-addr-pool
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/
#   - description: "swarmlint, how Docker behaves: Overlapping default address pools"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#default-pools-overlap
# custom:
#   id: SWL215
#   name: default-pools-overlap
#   severity: warning
#   remediation: >-
#     Give `--default-addr-pool` ranges that do not overlap, and drop the
#     ones already inside another pool.
package swarmlint.rules.addressing.default_pools_overlap

import data.swarmlint.lib.result

report contains finding if {
	some pool in input.swarm.default_addr_pools
	pool.merged_into != ""
	pool.prefix != pool.merged_into
	finding := result.finding(rego.metadata.chain(), pool, sprintf(
		"default address pool %s overlaps the pool %s; swarm silently drops %s and allocates only from %s",
		[pool.cidr, pool.merged_into, pool.cidr, pool.merged_into],
	))
}

report contains finding if {
	some pool in input.swarm.default_addr_pools
	pool.merged_into != ""
	pool.prefix == pool.merged_into
	finding := result.finding(rego.metadata.chain(), pool, sprintf(
		"default address pool %s is given twice; swarm silently keeps one",
		[pool.cidr],
	))
}
