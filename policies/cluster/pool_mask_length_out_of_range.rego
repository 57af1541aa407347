# METADATA
# title: Default address pool mask length above 29 or not a number
# description: |
#   `docker swarm init --default-addr-pool-mask-length` sets the size of the
#   subnets swarm hands to overlay networks. The daemon allows at most 29, because
#   every overlay network keeps 4 addresses for internal use, and refuses larger
#   values with `subnet size is out of range: <n>`. The check runs even
#   without `--default-addr-pool`, since the docker CLI always sends a pool list.
#   The flag is an unsigned integer, so a value that is not a number makes the
#   docker CLI refuse the command before it reaches the daemon.
# related_resources:
#   - description: docker swarm init reference
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/
#   - description: Docker docs, configure default address pools
#     ref: https://docs.docker.com/engine/swarm/networking/#using-custom-default-address-pools
#   - description: "swarmlint, how Docker behaves: Pool mask length at most 29"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#pool-mask-length-range
# custom:
#   id: SWL501
#   name: pool-mask-length-out-of-range
#   severity: error
#   remediation: >-
#     Use a mask length from the pool's prefix length up to 29, for example
#     `--default-addr-pool-mask-length 24`.
package swarmlint.rules.cluster.pool_mask_length_out_of_range

import data.swarmlint.lib.result

report contains finding if {
	some init in input.swarm.inits
	mask := init.mask_length
	mask.set
	mask.known
	mask.valid
	mask.value > 29
	finding := result.finding(rego.metadata.chain(), mask, sprintf(
		"--default-addr-pool-mask-length %d is above 29; Docker refuses swarm init: subnet size is out of range: %d",
		[mask.value, mask.value],
	))
}

report contains finding if {
	some init in input.swarm.inits
	mask := init.mask_length
	mask.set
	mask.known
	not mask.valid
	finding := result.finding(rego.metadata.chain(), mask, sprintf(
		"--default-addr-pool-mask-length %q is not a non-negative integer; the docker CLI refuses the command",
		[mask.raw],
	))
}
