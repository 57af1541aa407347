# METADATA
# title: Network docker_gwbridge customised after the node joined the swarm
# description: |
#   `docker_gwbridge` is the local bridge that connects a node's overlay networks
#   (ingress included) to the host. Docker creates it with default settings (a
#   subnet from the local pools, typically `172.18.0.0/16`) when the node runs
#   `docker swarm init` or `docker swarm join`. Docker's documentation:
#   "If you need to customize its settings, you must do so before joining the
#   Docker host to the swarm, or after temporarily removing the host from the
#   swarm." Created after init or join, the create fails because
#   `docker_gwbridge` already exists (`network with name docker_gwbridge already
#   exists`) and the node keeps the default subnet.
#
#   swarmlint follows each script's commands in order: `swarm init` or `swarm join`
#   puts the node in a swarm, `swarm leave` takes it out. `--swarm-init` says how the
#   swarm was created, not when, so it does not count here.
# related_resources:
#   - description: Docker docs, customize the docker_gwbridge interface
#     ref: https://docs.docker.com/engine/swarm/networking/#customize-the-docker_gwbridge
#   - description: Docker docs, overlay network driver
#     ref: https://docs.docker.com/engine/network/drivers/overlay/
#   - description: "swarmlint, how Docker behaves: Overlays and node-local bridges"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-vs-local-bridges
#   - description: "swarmlint, how Docker behaves: Network name already taken"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#network-name-taken
# custom:
#   id: SWL509
#   name: gwbridge-customised-too-late
#   severity: warning
#   remediation: >-
#     Create docker_gwbridge before `docker swarm init` or `docker swarm join` on each
#     node; on a node already in the swarm, run `docker swarm leave`, remove
#     docker_gwbridge, create it again and rejoin.
package swarmlint.rules.cluster.gwbridge_customised_too_late

import data.swarmlint.lib.result

report contains finding if {
	some create in input.swarm.docker_gwbridge_creates
	create.in_swarm
	swarm := input.commands[create.swarm_command]
	finding := result.finding(rego.metadata.chain(), _name_word(create), sprintf(
		"docker_gwbridge is created after docker %s on line %d: the node already has its default docker_gwbridge, so the create fails (network with name docker_gwbridge already exists) and %s never applies",
		[swarm.kind, swarm.ref.line, _what(create)],
	))
}

# _name_word points at the network name of the create command.
_name_word(create) := word if {
	some word in input.commands[create.command].positionals
	word.value == "docker_gwbridge"
} else := create

_what(create) := sprintf("subnet %s", [create.subnet]) if create.subnet != ""

_what(create) := "the customisation" if create.subnet == ""
