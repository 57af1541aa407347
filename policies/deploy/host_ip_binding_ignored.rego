# METADATA
# title: Port bound to a host IP, which swarm ignores
# description: |
#   In a stack, short port syntax with a host address, such as
#   `127.0.0.1:5432:5432`, does not restrict anything: swarm publishes ports
#   through the routing mesh on every address of every node. The docker CLI
#   drops the address and only logs
#   `ignoring IP-address (127.0.0.1:5432:5432/tcp) service will listen on '0.0.0.0'`.
#   A database meant to be reachable from the host only is then open
#   to the whole network: this is a security finding. The long syntax has no
#   `host_ip` in stack files at all (see SWL013).
# related_resources:
#   - description: Docker docs, use swarm mode routing mesh
#     ref: https://docs.docker.com/engine/swarm/ingress/
#   - description: Docker docs, compose file services (ports)
#     ref: https://docs.docker.com/reference/compose-file/services/#ports
#   - description: "swarmlint, how Docker behaves: Host IP in the short port syntax"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#host-ip-ignored
# custom:
#   id: SWL012
#   name: host-ip-binding-ignored
#   severity: warning
#   security: true
#   remediation: >-
#     Do not publish the port if only other services need it: they reach it
#     over a shared overlay network. If the host must reach it, publish it with
#     `mode: host` and restrict access with a firewall on the nodes.
#   fix:
#     description: >-
#       Drops the host IP from the port (`"127.0.0.1:5432:5432"` becomes
#       `"5432:5432"`) and adds a comment above it saying why: swarm publishes
#       on every address either way.
#     safe: true
package swarmlint.rules.deploy.host_ip_binding_ignored

import data.swarmlint.lib.result

_unspecified := {"0.0.0.0", "::", "[::]"}

report contains finding if {
	some s in input.services
	object.get(s, "origin", "stack") == "stack"
	some port in s.ports
	port.syntax == "short"
	port.host_ip != ""
	not port.host_ip in _unspecified
	f := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q publishes %q: swarm ignores the host IP %s and publishes port %s on every address of every node (ignoring IP-address ... service will listen on '0.0.0.0')",
		[s.key, port.raw, port.host_ip, port.published_raw],
	))
	finding := _with_fix(f, port)
}

# The fix drops the host IP, which changes nothing swarm does, and says so
# in a comment above the port.
_with_fix(f, port) := fixed if {
	rest := _without_host_ip(port)
	fixed := result.with_fix(f, result.fix(
		sprintf("drop the host IP %s, which swarm ignores", [port.host_ip]),
		true,
		[
			result.edit_set(port, [], rest),
			result.edit_comment(port, [], sprintf(
				"host IP %s dropped: docker stack deploy ignores it and publishes the port on every address of every node",
				[port.host_ip],
			)),
		],
	))
} else := f

_without_host_ip(port) := substring(port.raw, count(prefix), -1) if {
	some prefix in {concat("", [port.host_ip, ":"]), concat("", ["[", port.host_ip, "]:"])}
	startswith(port.raw, prefix)
}
