# METADATA
# title: Swarm init flag given to swarm join or swarm update
# description: |
#   The default address pools and the data path port are fixed for the whole swarm
#   when it is created. Docker's documentation: "Default address pools can only be
#   configured on `swarm init` and cannot be altered after cluster creation",
#   and "The data path port can only be configured when initializing the swarm, and
#   applies to all nodes that join the swarm". `docker swarm join` and
#   `docker swarm update` have no `--default-addr-pool`,
#   `--default-addr-pool-mask-length` or `--data-path-port` flag, so the docker CLI
#   refuses the command as an unknown flag and the node never joins (or the update
#   never runs).
# related_resources:
#   - description: docker swarm join reference
#     ref: https://docs.docker.com/reference/cli/docker/swarm/join/
#   - description: docker swarm update reference
#     ref: https://docs.docker.com/reference/cli/docker/swarm/update/
#   - description: docker swarm init reference
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/
#   - description: "swarmlint, how Docker behaves: Pools are set once, at init"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#pools-at-init-only
#   - description: "swarmlint, how Docker behaves: Data path port 1024–49151"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#data-path-port-range
# custom:
#   id: SWL506
#   name: init-only-flag
#   severity: error
#   remediation: >-
#     Move the flag to the `docker swarm init` that creates the swarm; joining nodes
#     take the pools and the data path port from the swarm.
package swarmlint.rules.cluster.init_only_flag

import data.swarmlint.lib.result

_init_only := {"default-addr-pool", "default-addr-pool-mask-length", "data-path-port"}

report contains finding if {
	some command in input.commands
	command.kind in {"swarm join", "swarm update"}
	some name in _init_only
	some flag in command.flags[name]
	finding := result.finding(rego.metadata.chain(), flag, sprintf(
		"docker %s has no --%s flag: only docker swarm init sets it, for the whole swarm; the docker CLI refuses the command",
		[command.kind, name],
	))
}
