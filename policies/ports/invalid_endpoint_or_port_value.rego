# METADATA
# title: Endpoint mode or port field with a value Docker does not accept
# description: |
#   Values that the compose loader lets through but Docker rejects or reads
#   as something else:
#
#   - `deploy.endpoint_mode` other than `vip` or `dnsrr` (the CLI lower-cases
#     it first): the service is refused with `invalid resolution mode: %q`.
#   - a long-syntax `protocol` other than tcp, udp or sctp, or `mode` other
#     than ingress or host: **not validated**, the daemon maps an unknown
#     string to the first enum value, so the port is silently published as
#     tcp, in ingress mode (code-derived). The short syntax rejects a
#     bad protocol itself (`invalid proto: %s`).
#   - a `target` outside 1–65535, or a `published` outside 0–65535 (0 means
#     "pick a free port"): the ingress port allocator only has ports
#     1–65535 and the tasks never get one (`requested id does not belong to
#     the set`); a host-mode port cannot be bound either.
#   - a long-syntax `published` that is not an integer (`"8080-8081"`,
#     `"http"`): the stack file schema wants an integer
#     (`services.web.ports.0.published must be a integer`).
#
#   - a short-syntax port that does not parse (`"80:80/http"`, `"abc:80"`,
#     `"70000:80"`, `"8000-8001:80-82"`): docker stack deploy refuses the
#     file with the parser's message (`invalid proto: http`, `invalid
#     hostPort: abc`, `invalid ranges specified for container and host
#     Ports: ...`).
#
#   For `docker service create --publish` in a script, the docker CLI
#   checks the protocol and mode itself and refuses the command (`invalid
#   protocol value '%s'`, `invalid publish mode value (%s): must be either
#   'ingress' or 'host'`).
# related_resources:
#   - description: Compose file reference, ports (long syntax)
#     ref: https://docs.docker.com/reference/compose-file/services/#ports
#   - description: Compose file reference, deploy endpoint_mode
#     ref: https://docs.docker.com/reference/compose-file/deploy/#endpoint_mode
#   - description: Docker Engine API, EndpointPortConfig
#     ref: https://docs.docker.com/reference/api/engine/version/v1.47/#tag/Service/operation/ServiceCreate
#   - description: "swarmlint, how Docker behaves: Endpoint mode values"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#endpoint-mode-values
#   - description: "swarmlint, how Docker behaves: Port protocol and mode values"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#port-protocol-mode-values
#   - description: "swarmlint, how Docker behaves: Published ports above 65535"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#published-port-range
#   - description: "swarmlint, how Docker behaves: Short port syntax errors"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#short-port-syntax
# custom:
#   id: SWL106
#   name: invalid-endpoint-or-port-value
#   severity: error
#   remediation: >-
#     Use `endpoint_mode: vip` or `dnsrr`, a port `protocol` of tcp, udp or
#     sctp, a `mode` of ingress or host, and port numbers from 1 to 65535
#     written as integers.
package swarmlint.rules.ports.invalid_endpoint_or_port_value

import data.swarmlint.lib.result

report contains finding if {
	some service in input.services
	service.endpoint_mode_raw != ""
	not service.endpoint_mode in {"vip", "dnsrr"}
	finding := result.finding_at(rego.metadata.chain(), service, ["deploy", "endpoint_mode"], sprintf(
		"service %q has endpoint_mode %q; Docker accepts only vip or dnsrr and rejects the service: invalid resolution mode: %q",
		[service.key, service.endpoint_mode_raw, service.endpoint_mode],
	))
}

report contains finding if {
	some service in input.services
	some port in service.ports
	not port.protocol in {"tcp", "udp", "sctp"}
	finding := result.finding_at(rego.metadata.chain(), port, ["protocol"], sprintf(
		"port %d of service %q has protocol %q; %s",
		[port.target, service.key, port.protocol, _protocol_outcome(service, port)],
	))
}

report contains finding if {
	some service in input.services
	some port in service.ports
	not port.mode in {"ingress", "host"}
	finding := result.finding_at(rego.metadata.chain(), port, ["mode"], sprintf(
		"port %d of service %q has mode %q; %s",
		[port.target, service.key, port.mode, _mode_outcome(service, port)],
	))
}

report contains finding if {
	some service in input.services
	some bad in service.invalid_ports
	finding := result.finding(rego.metadata.chain(), bad, sprintf(
		"service %q has the port %q, which does not parse; docker stack deploy rejects the file: %s",
		[service.key, bad.raw, bad.error],
	))
}

_protocol_outcome(service, _) := "Docker knows only tcp, udp and sctp and silently publishes it as tcp" if {
	not _script(service)
}

_protocol_outcome(service, port) := sprintf("the docker CLI accepts only tcp, udp or sctp and refuses the command: invalid protocol value '%s'", [port.protocol]) if {
	_script(service)
}

_mode_outcome(service, _) := "Docker knows only ingress and host and silently publishes it in ingress mode" if {
	not _script(service)
}

_mode_outcome(service, port) := sprintf("the docker CLI refuses the command: invalid publish mode value (%s): must be either 'ingress' or 'host'", [port.mode]) if {
	_script(service)
}

report contains finding if {
	some service in input.services
	some port in service.ports
	_out_of_range(port.target, 1)
	finding := result.finding_at(rego.metadata.chain(), port, ["target"], sprintf(
		"service %q has a port with target %d, outside 1-65535",
		[service.key, port.target],
	))
}

report contains finding if {
	some service in input.services
	some port in service.ports
	_out_of_range(port.published, 0)
	finding := result.finding_at(rego.metadata.chain(), port, ["published"], sprintf(
		"service %q publishes port %d, outside 1-65535: %s",
		[service.key, port.published, _consequence(port)],
	))
}

report contains finding if {
	some service in input.services
	some port in service.ports
	port.syntax == "long"
	port.published_raw != ""
	not regex.match(`^[+-]?[0-9]+$`, port.published_raw)
	finding := result.finding_at(rego.metadata.chain(), port, ["published"], sprintf(
		"service %q has published %q, which is not a port number; docker stack deploy rejects the file: services.%s.ports.%s.published must be a integer",
		[service.key, port.published_raw, service.key, _item(port)],
	))
}

_out_of_range(n, low) if n < low

_out_of_range(n, _) if n > 65535

_consequence(port) := "the ingress port allocator cannot reserve it (requested id does not belong to the set) and the tasks never start" if {
	port.mode != "host"
}

_consequence(port) := "no node can bind it and the tasks never start" if port.mode == "host"

_script(service) if service.origin == "script"

# _item is the position of the port's item in the file's ports list.
_item(port) := sprintf("%v", [port.ref.path[3]]) if is_number(port.ref.path[3])

_item(port) := "N" if not _item_known(port)

_item_known(port) if is_number(port.ref.path[3])
