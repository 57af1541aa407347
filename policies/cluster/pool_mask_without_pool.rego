# METADATA
# title: Default address pool mask length without a default address pool
# description: |
#   `--default-addr-pool-mask-length` only sizes the subnets cut from the pools
#   given with `--default-addr-pool`. Without a pool, swarm falls back to its
#   built-in `10.0.0.0/8` split into /24 subnets, so the mask length is silently
#   ignored (code-derived) and overlay networks do not get the size the
#   command asks for. A mask length of 24 (the default) or 0 changes nothing and is
#   not reported; a value above 29 is SWL501.
# related_resources:
#   - description: docker swarm init reference
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/
#   - description: Docker docs, configure default address pools
#     ref: https://docs.docker.com/engine/swarm/networking/#using-custom-default-address-pools
#   - description: "swarmlint, how Docker behaves: Mask length without a pool"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#pool-mask-without-pool
# custom:
#   id: SWL503
#   name: pool-mask-without-pool
#   severity: warning
#   remediation: >-
#     Add the pool the mask applies to, for example
#     `--default-addr-pool 10.20.0.0/16 --default-addr-pool-mask-length 26`, or drop
#     the mask length.
package swarmlint.rules.cluster.pool_mask_without_pool

import data.swarmlint.lib.result

report contains finding if {
	some init in input.swarm.inits
	count(init.pools) == 0
	mask := init.mask_length
	mask.set
	mask.valid
	mask.value <= 29
	not mask.value in {0, 24}
	finding := result.finding(rego.metadata.chain(), mask, sprintf(
		"--default-addr-pool-mask-length %d is ignored without --default-addr-pool: overlay networks still get /24 subnets from 10.0.0.0/8",
		[mask.value],
	))
}
