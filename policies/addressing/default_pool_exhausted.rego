# METADATA
# title: Default address pools have no subnet left for a network
# description: |
#   Each network created without `subnet:` takes one subnet of
#   `--default-addr-pool-mask-length` bits (default /24) from the default
#   address pools, after the ingress network took the first one at
#   `docker swarm init`. When the pools are fully subnetted, the network is
#   still created, but the allocator fails it with `all predefined address
#   pools have been fully subnetted` in the manager's log, and its tasks
#   never start.
#
#   swarmlint simulates the allocation from the configured pools and mask
#   length, with the explicit subnets of the linted stacks and the cluster
#   inventory already taken, and reports every network left without a
#   subnet. Pools that cannot be split at the mask length at all make
#   `docker swarm init` fail instead (SWL501, SWL502).
# related_resources:
#   - description: Docker docs, configure default address pools
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: docker swarm init, --default-addr-pool-mask-length
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/
#   - description: "swarmlint, how Docker behaves: Default address pools run out"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#default-pool-exhausted
# custom:
#   id: SWL217
#   name: default-pool-exhausted
#   severity: error
#   remediation: >-
#     Give the network an explicit subnet outside the pools, remove networks
#     the cluster no longer needs, or initialise the swarm with larger (or
#     more) `--default-addr-pool` ranges or a longer mask length.
package swarmlint.rules.addressing.default_pool_exhausted

import data.swarmlint.lib.addressing
import data.swarmlint.lib.result

report contains finding if {
	some nw in input.networks
	nw.pool_exhausted
	finding := result.finding(rego.metadata.chain(), nw, sprintf(
		"network %q gets no /%d subnet: the default address %s %s %s fully subnetted (%d %s without a subnet)",
		[
			nw.key, input.swarm.mask_length, _noun, addressing.join_and(_pools), _verb,
			input.swarm.pool_shortfall, _networks,
		],
	))
}

_pools := [p.prefix | some p in input.swarm.default_addr_pools; p.valid; p.merged_into == ""]

_noun := "pool" if count(_pools) == 1

_noun := "pools" if count(_pools) != 1

_verb := "is" if count(_pools) == 1

_verb := "are" if count(_pools) != 1

_networks := "network" if input.swarm.pool_shortfall == 1

_networks := "networks" if input.swarm.pool_shortfall != 1
