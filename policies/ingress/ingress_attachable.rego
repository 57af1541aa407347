# METADATA
# title: Ingress network created attachable
# description: |
#   The ingress network carries the routing mesh and nothing else: containers
#   started with `docker run --network` must not join it. Docker refuses an ingress
#   network created with `--attachable`: `ingress network cannot be attachable`
#   (SwarmKit). The `docker network create` reference lists every overlay
#   option as available for `--ingress` except `--attachable`.
#
#   swarmlint reads `--attachable` as Docker's CLI does: given without a value, or
#   with a value that parses as true (`--attachable=false` is not attachable).
# related_resources:
#   - description: Docker docs, customize the ingress network
#     ref: https://docs.docker.com/engine/swarm/networking/#customize-ingress
#   - description: docker network create reference
#     ref: https://docs.docker.com/reference/cli/docker/network/create/
#   - description: "swarmlint, how Docker behaves: Ingress cannot be attachable"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#ingress-not-attachable
# custom:
#   id: SWL402
#   name: ingress-attachable
#   severity: error
#   remediation: >-
#     Drop `--attachable` from the `docker network create --ingress` command; create
#     a separate attachable overlay network for standalone containers.
package swarmlint.rules.ingress.ingress_attachable

import data.swarmlint.lib.result

report contains finding if {
	some net in input.networks
	net.ingress
	net.attachable
	finding := result.finding(rego.metadata.chain(), _flag(net, "attachable"), sprintf(
		"ingress network %q is created attachable; Docker refuses it: ingress network cannot be attachable",
		[net.name],
	))
}

# _flag is the last occurrence of a flag on the script command that created
# the network, or the network itself.
_flag(net, name) := flag if {
	flags := input.commands[net.command].flags[name]
	count(flags) > 0
	flag := flags[count(flags) - 1]
} else := net
