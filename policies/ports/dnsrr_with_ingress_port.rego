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
#   fix:
#     description: >-
#       A short-syntax port becomes the long syntax with `mode: host` (target,
#       published and a protocol other than tcp kept; compose file format 3.2 or
#       later, and not for a port range); a long-syntax port gets `mode: host`.
#     safe: true
package swarmlint.rules.ports.dnsrr_with_ingress_port

import data.swarmlint.lib.result

report contains finding if {
	some service in input.services
	service.endpoint_mode == "dnsrr"
	some port in service.ports
	port.mode == "ingress"
	f := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q uses endpoint_mode dnsrr but publishes %s in ingress mode; Docker rejects it: port published with ingress mode can't be used with dnsrr mode",
		[service.key, _port_text(port)],
	))
	finding := _with_fix(f, port)
}

# The fix publishes the port in host mode, what a dnsrr service can do: a
# short-syntax port becomes the long syntax (compose file format 3.2 and
# later; a range has no long form), a long-syntax one gets `mode: host`.
_with_fix(f, port) := fixed if {
	port.syntax == "short"
	not contains(port.raw, "-")
	_long_syntax_allowed(port)
	fixed := result.with_fix(f, result.fix(
		sprintf("publish %s in host mode (long syntax, mode: host)", [_port_text(port)]),
		true,
		[result.edit_set(port, [], _long(port))],
	))
} else := fixed if {
	port.syntax == "long"
	fixed := result.with_fix(f, result.fix(
		sprintf("publish %s in host mode (mode: host)", [_port_text(port)]),
		true,
		[result.edit_set(port, ["mode"], "host")],
	))
} else := f

_long(port) := object.union(
	{"target": port.target, "mode": "host"},
	object.union(_published(port), _protocol(port)),
)

_published(port) := {"published": port.published} if port.published > 0

_published(port) := {} if port.published == 0

_protocol(port) := {"protocol": port.protocol} if port.protocol != "tcp"

_protocol(port) := {} if port.protocol == "tcp"

# Compose file format 3.0 and 3.1 have no long port syntax.
_long_syntax_allowed(port) if {
	every stack in input.stacks {
		stack.ref.src != port.ref.src
	}
}

_long_syntax_allowed(port) if {
	some stack in input.stacks
	stack.ref.src == port.ref.src
	every v in stack.file_versions {
		not v.effective in {"3.0", "3.1"}
	}
}

_port_text(port) := sprintf("%d/%s", [port.published, port.protocol]) if port.published > 0

_port_text(port) := sprintf("target %d/%s", [port.target, port.protocol]) if port.published == 0
