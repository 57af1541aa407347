# METADATA
# title: Default address pool mask length shorter than a pool's prefix
# description: |
#   Swarm cuts each `--default-addr-pool` into subnets of
#   `--default-addr-pool-mask-length` bits (24 when not given). A mask shorter than
#   the pool's own prefix (pool `10.20.0.0/16` with mask `12`) asks for subnets
#   larger than the pool, and Docker refuses `docker swarm init`:
#   `invalid CIDR: "<pool>". Subnet size is too small for pool: <mask>`.
#   A mask length of 0 is validated as 24.
# related_resources:
#   - description: docker swarm init reference
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/
#   - description: Docker docs, configure default address pools
#     ref: https://docs.docker.com/engine/swarm/networking/#using-custom-default-address-pools
#   - description: "swarmlint, how Docker behaves: Mask length shorter than the pool"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#pool-mask-shorter-than-pool
# custom:
#   id: SWL502
#   name: pool-mask-shorter-than-pool
#   severity: error
#   remediation: >-
#     Give a mask length at least as long as every pool's prefix (for pool
#     `10.20.0.0/16`, 16 to 29), or use larger pools.
package swarmlint.rules.cluster.pool_mask_shorter_than_pool

import data.swarmlint.lib.result

report contains finding if {
	some init in input.swarm.inits
	size := _size(init.mask_length)
	size <= 29
	some pool in init.pools
	pool.valid
	bits := to_number(split(pool.prefix, "/")[1])
	bits > size
	finding := result.finding(rego.metadata.chain(), pool, sprintf(
		"pool %s has a /%d prefix but the subnets cut from it are /%d (%s); Docker refuses swarm init: invalid CIDR: %q. Subnet size is too small for pool: %d",
		[pool.cidr, bits, size, _mask_text(init.mask_length), pool.cidr, size],
	))
}

# _size is the mask length Docker validates: 24 when unset or 0.
_size(mask) := mask.value if {
	mask.set
	mask.valid
	mask.value > 0
}

_size(mask) := 24 if not mask.set

_size(mask) := 24 if {
	mask.set
	mask.valid
	mask.value == 0
}

_mask_text(mask) := sprintf("--default-addr-pool-mask-length %d", [mask.value]) if {
	mask.set
	mask.value > 0
}

_mask_text(mask) := "the default mask length 24" if not mask.set

_mask_text(mask) := "mask length 0, validated as 24" if {
	mask.set
	mask.value == 0
}
