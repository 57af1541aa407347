# METADATA
# title: More than one ingress network
# description: |
#   A swarm has exactly one ingress network: the routing mesh that carries every
#   port published in ingress mode. Docker's documentation says "You can name your
#   `ingress` network something other than `ingress`, but you can only have one. An
#   attempt to create a second one fails." SwarmKit refuses the create with
#   `ingress network (...) is already present`.
#
#   The usual cause is a bootstrap script that customises the ingress network with
#   `docker network create --ingress ...` but never runs `docker network rm ingress`
#   before it, so the old ingress network still exists. swarmlint follows the
#   scripts' commands in order; it also reports a second ingress network found in
#   the cluster inventory.
# related_resources:
#   - description: Docker docs, customize the ingress network
#     ref: https://docs.docker.com/engine/swarm/networking/#customize-ingress
#   - description: docker network create reference
#     ref: https://docs.docker.com/reference/cli/docker/network/create/
#   - description: "swarmlint, how Docker behaves: One ingress network"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#one-ingress-network
# custom:
#   id: SWL401
#   name: multiple-ingress-networks
#   severity: error
#   remediation: >-
#     Remove the existing ingress network with `docker network rm ingress` (after
#     removing the services that publish ports) before creating the new one with
#     `--ingress`.
package swarmlint.rules.ingress.multiple_ingress_networks

import data.swarmlint.lib.result

# A script creates an ingress network while another one still exists.
report contains finding if {
	some event in input.swarm.ingress_events
	event.action == "create"
	event.existing != ""
	finding := result.finding(rego.metadata.chain(), _ingress_flag(event), sprintf(
		"network %q is created with --ingress while the ingress network %q still exists; Docker refuses it: ingress network (<id of %s>) is already present; run docker network rm %s first",
		[event.network, event.existing, event.existing, event.existing],
	))
}

# Any other source (cluster inventory) holding a second ingress network.
report contains finding if {
	some net in input.networks
	net.ingress
	not _from_script(net)
	current := input.networks[input.swarm.ingress]
	net.id != current.id
	finding := result.finding(rego.metadata.chain(), net, sprintf(
		"network %q is a second ingress network besides %q; a swarm has only one",
		[net.name, current.name],
	))
}

_from_script(net) if net.command >= 0

_ingress_flag(event) := flag if {
	flags := input.commands[event.command].flags.ingress
	count(flags) > 0
	flag := flags[count(flags) - 1]
} else := event
