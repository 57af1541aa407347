# METADATA
# title: Ports published through the routing mesh while the swarm has no ingress network
# description: |
#   The routing mesh is the ingress network. When it has been removed
#   (`docker network rm ingress`, for instance to recreate it with another
#   subnet) and not yet created again, Docker refuses every service that
#   publishes a port in ingress mode: `service needs ingress network, but no
#   ingress network is present`. Short port syntax is always ingress
#   mode.
#
#   swarmlint knows the ingress network is missing from the bootstrap
#   scripts it reads (a `docker network rm` of the ingress network with no
#   `docker network create --ingress` after it) or from the cluster
#   inventory. A service a script creates is checked against the ingress
#   network at that point of the script; the services of the stack files
#   against the state the scripts leave. With stack files alone the swarm
#   has the ingress network it creates at `swarm init`, and this rule stays
#   silent.
# related_resources:
#   - description: Docker docs, customize the ingress network
#     ref: https://docs.docker.com/engine/swarm/networking/#customize-ingress
#   - description: "swarmlint, how Docker behaves: Ingress ports need an ingress network"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#ingress-network-required
# custom:
#   id: SWL107
#   name: ingress-port-without-ingress-network
#   severity: error
#   remediation: >-
#     Create the ingress network again (`docker network create --driver
#     overlay --ingress ...`) before deploying, or publish the ports with
#     `mode: host`.
package swarmlint.rules.ports.ingress_port_without_ingress_network

import data.swarmlint.lib.ports
import data.swarmlint.lib.result

report contains finding if {
	some service in input.services
	_no_ingress_when_created(service)
	index := ports.first_ingress(service)
	port := service.ports[index]
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q publishes %s in ingress mode, but the swarm has no ingress network; Docker rejects the service: service needs ingress network, but no ingress network is present",
		[ports.label(service, service), ports.published(port)],
	))
}

# A service a script creates meets the ingress network of that moment: an
# earlier removal with no creation in between means there is none.
_no_ingress_when_created(service) if {
	at := service.command
	is_number(at)
	some removal in input.swarm.ingress_events
	removal.action == "rm"
	removal.command < at
	not _created_between(removal.command, at)
}

# Services of the stack files are deployed after the scripts ran: they meet
# the final state. Inventory services exist already.
_no_ingress_when_created(service) if {
	not _scripted(service)
	service.origin != "inventory"
	not input.networks[input.swarm.ingress]
}

_created_between(after, before) if {
	some event in input.swarm.ingress_events
	event.action == "create"
	event.command > after
	event.command < before
}

_scripted(service) if is_number(service.command)
