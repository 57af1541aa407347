# METADATA
# title: Service attached explicitly to the ingress network
# description: |
#   Services reach the ingress network only through ports published in ingress
#   mode; swarm attaches them itself. A service that names the ingress network in
#   its networks (in a stack file usually as an `external: true` network called
#   `ingress`, or `docker service create --network ingress`) is refused:
#   `Service cannot be explicitly attached to the ingress network "ingress"`
#   (SwarmKit).
#
#   swarmlint compares each attached network with the swarm's ingress network:
#   `ingress` by default, or the name a bootstrap script or the cluster inventory
#   gives it.
# related_resources:
#   - description: Docker docs, routing mesh
#     ref: https://docs.docker.com/engine/swarm/ingress/
#   - description: Docker docs, swarm networking
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: "swarmlint, how Docker behaves: Services cannot join the ingress network"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#service-on-ingress-network
# custom:
#   id: SWL404
#   name: service-on-ingress-network
#   severity: error
#   remediation: >-
#     Remove the ingress network from the service's networks and publish the
#     service's ports instead; attach the service to an ordinary overlay network for
#     traffic between services.
package swarmlint.rules.ingress.service_on_ingress_network

import data.swarmlint.lib.result

report contains finding if {
	ingress := input.networks[input.swarm.ingress]
	some service in input.services
	some attachment in service.networks
	net := input.networks[attachment.network]
	_is_ingress(net, ingress)
	finding := result.finding(rego.metadata.chain(), attachment, sprintf(
		"service %q is attached to network %q, which is the swarm's ingress network; Docker refuses it: Service cannot be explicitly attached to the ingress network %q",
		[_name(service), attachment.key, ingress.name],
	))
}

_is_ingress(net, ingress) if net.id == ingress.id

_is_ingress(net, ingress) if {
	net.external
	net.name == ingress.name
}

_name(service) := service.key if service.key != ""

_name(service) := service.name if service.key == ""
