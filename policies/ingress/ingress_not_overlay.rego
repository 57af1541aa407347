# METADATA
# title: Ingress network with a driver other than overlay
# description: |
#   The ingress network spans every node, so it must use the swarm-scoped
#   `overlay` driver. `docker network create` defaults to `bridge` when `--driver`
#   is left out, so `docker network create --ingress my-ingress` asks for a
#   node-local ingress network. Docker refuses it: the daemon answers
#   `Ingress network can only be global scope network` for a local-scope driver
#   (bridge, macvlan, ipvlan, host, null), and SwarmKit answers
#   `only overlay driver is currently supported for ingress network` for any other
#   driver.
# related_resources:
#   - description: Docker docs, customize the ingress network
#     ref: https://docs.docker.com/engine/swarm/networking/#customize-ingress
#   - description: docker network create reference
#     ref: https://docs.docker.com/reference/cli/docker/network/create/
#   - description: "swarmlint, how Docker behaves: Ingress must be an overlay"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#ingress-overlay-only
# custom:
#   id: SWL403
#   name: ingress-not-overlay
#   severity: error
#   remediation: >-
#     Create the ingress network with `--driver overlay`, for example
#     `docker network create --driver overlay --ingress --subnet 10.11.0.0/16 my-ingress`.
package swarmlint.rules.ingress.ingress_not_overlay

import data.swarmlint.lib.result

report contains finding if {
	some net in input.networks
	net.ingress
	net.driver != "overlay"
	finding := result.finding(rego.metadata.chain(), _where(net), sprintf(
		"ingress network %q %s; Docker refuses it: %s",
		[net.name, _driver_text(net), _docker_message(net.driver)],
	))
}

_local_drivers := {"bridge", "macvlan", "ipvlan", "host", "null", "none"}

_docker_message(driver) := "Ingress network can only be global scope network" if driver in _local_drivers

_docker_message(driver) := "only overlay driver is currently supported for ingress network" if not driver in _local_drivers

_driver_text(net) := "has no --driver, so docker network create makes it a bridge network" if {
	net.command >= 0
	net.driver_raw == ""
} else := sprintf("uses driver %q instead of overlay", [net.driver])

# _where points at --driver, else at --ingress, else at the network.
_where(net) := flag if {
	flag := _last(input.commands[net.command].flags.driver)
} else := flag if {
	flag := _last(input.commands[net.command].flags.ingress)
} else := net

_last(flags) := flags[count(flags) - 1] if count(flags) > 0
