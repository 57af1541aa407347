# METADATA
# title: Service in dnsrr mode publishes a port through the routing mesh
# description: |
#   A service in `dnsrr` endpoint mode has no virtual IP, so the ingress routing
#   mesh has nothing to balance to. Docker refuses the service when the stack is
#   deployed: `EndpointSpec: port published with ingress mode can't be used with
#   dnsrr mode`. Short port syntax (`"8080:80"`) is always ingress mode; only a
#   long-syntax port with `mode: host` may be used with dnsrr.
# related_resources:
#   - description: Docker docs, routing mesh and endpoint modes
#     ref: https://docs.docker.com/engine/swarm/ingress/
# custom:
#   id: SWL101
#   name: dnsrr-with-ingress-port
#   severity: error
#   remediation: >-
#     Publish the port with the long syntax and `mode: host`, or switch the
#     service to `endpoint_mode: vip`.
package swarmlint.rules.ports.dnsrr_with_ingress_port

import data.swarmlint.lib.result

report contains finding if {
	some service in input.services
	service.endpoint_mode == "dnsrr"
	some port in service.ports
	port.mode == "ingress"
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q uses endpoint_mode dnsrr but publishes %s in ingress mode; Docker rejects it: port published with ingress mode can't be used with dnsrr mode",
		[service.key, _port_text(port)],
	))
}

_port_text(port) := sprintf("%d/%s", [port.published, port.protocol]) if port.published > 0

_port_text(port) := sprintf("target %d/%s", [port.target, port.protocol]) if port.published == 0
