# METADATA
# title: Service publishes the same port twice
# description: |
#   Docker refuses a service whose endpoint lists the same published port
#   and protocol twice, whatever the publish modes:
#   `EndpointSpec: duplicate published ports provided`. Ports
#   without a published port (`"80"`, or long syntax without `published`)
#   are exempt from that check. Separately, the stack file schema declares
#   `ports` with `uniqueItems`, so two identical items fail
#   `docker stack deploy` before anything is sent
#   (`array items[i,j] must be unique`); `docker compose` silently
#   keeps one of them, which is how such files survive local testing.
#
#   swarmlint compares the items of each file's `ports` list after variable
#   interpolation. A short-syntax host-port range with one target
#   (`"8000-8010:80"`) publishes every port of the range; a protocol Docker
#   does not know counts as tcp, as Docker maps it. Items in different
#   files of a multi-file stack are not compared: docker stack deploy
#   replaces an earlier file's port by a later file's port with the same
#   published port.
# related_resources:
#   - description: Docker docs, publish ports on the routing mesh
#     ref: https://docs.docker.com/engine/swarm/ingress/
#   - description: Compose file reference, ports
#     ref: https://docs.docker.com/reference/compose-file/services/#ports
#   - description: "swarmlint, how Docker behaves: One published port twice in a service"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#duplicate-published-port
#   - description: "swarmlint, how Docker behaves: Identical entries in a ports list"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#identical-port-entries
# custom:
#   id: SWL102
#   name: duplicate-published-port
#   severity: error
#   remediation: >-
#     Keep one entry per published port and protocol: delete the repeated
#     item, or give the second one a different published port.
package swarmlint.rules.ports.duplicate_published_port

import data.swarmlint.lib.result

report contains finding if {
	some service in input.services
	some dup in service.duplicate_ports
	finding := result.finding(rego.metadata.chain(), dup, _message(service, dup))
}

_message(service, dup) := sprintf(
	"service %q lists the port %q twice; docker stack deploy rejects the file: services.%s.ports array items[%d,%d] must be unique",
	[service.key, dup.text, service.key, dup.first, dup.index],
) if dup.identical

_message(service, dup) := sprintf(
	"service %q publishes %d/%s twice, with %q and %q; Docker rejects the service: EndpointSpec: duplicate published ports provided",
	[service.key, dup.published, dup.protocol, dup.first_text, dup.text],
) if not dup.identical
