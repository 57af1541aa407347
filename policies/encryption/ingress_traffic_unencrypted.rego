# METADATA
# title: Routing-mesh traffic stays unencrypted while the stack encrypts its networks
# description: |
#   Encryption is an option of each overlay network. A port published in
#   ingress mode (the default) travels over the swarm's ingress network
#   from the node that receives the request to the node that runs the task,
#   and that network is created at `swarm init` without encryption. Docker's
#   docs: "You must customize the automatically created ingress to enable
#   encryption. By default, all ingress traffic is unencrypted, as
#   encryption is a network-level option." A stack that encrypts
#   its own networks probably expects the published traffic to be
#   encrypted too.
#
#   swarmlint notes each service of such a stack that publishes a port
#   through the routing mesh, unless the scripts or the inventory show an
#   encrypted ingress network.
# related_resources:
#   - description: Docker docs, customize the ingress network
#     ref: https://docs.docker.com/engine/swarm/networking/#customize-ingress
#   - description: Docker docs, encrypt traffic on an overlay network
#     ref: https://docs.docker.com/engine/network/drivers/overlay/#encrypt-traffic-on-an-overlay-network
#   - description: "swarmlint, how Docker behaves: Ingress is not encrypted"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#ingress-unencrypted
# custom:
#   id: SWL305
#   name: ingress-traffic-unencrypted
#   severity: note
#   remediation: >-
#     Recreate the ingress network with encryption (remove the services that
#     publish ports, `docker network rm ingress`, then `docker network create
#     --driver overlay --ingress --opt encrypted ingress`), or publish the
#     port with `mode: host` and terminate TLS in the service.
package swarmlint.rules.encryption.ingress_traffic_unencrypted

import data.swarmlint.lib.overlay
import data.swarmlint.lib.ports
import data.swarmlint.lib.result

report contains finding if {
	ingress := input.networks[input.swarm.ingress]
	not ingress.encrypted
	some service in input.services
	encrypted := overlay.encrypted_networks[service.stack]
	index := ports.first_ingress(service)
	port := service.ports[index]
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q publishes %s through the ingress network %q, which is not encrypted, while this stack encrypts %s; routing-mesh traffic between nodes stays in clear",
		[service.key, ports.published(port), ingress.name, _networks(encrypted)],
	))
}

_networks(keys) := sprintf("network %q", [k]) if {
	count(keys) == 1
	some k in keys
}

_networks(keys) := sprintf("networks %s", [concat(", ", [sprintf("%q", [k]) | some k in sort(keys)])]) if {
	count(keys) > 1
}
