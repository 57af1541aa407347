# METADATA
# title: Two services publish the same port and one of them uses the routing mesh
# description: |
#   A port published in ingress mode is reserved on every node of the
#   swarm, so no other service may publish the same port and protocol, in
#   either mode. Only host-mode ports may share a published port (the
#   scheduler then keeps their tasks on different nodes). Docker refuses the
#   service created second: `port '%d' is already in use by service '%s'
#   (%s) as an ingress port`, or `... as a host-published port`.
#
#   swarmlint checks every service of the stacks linted together (and of the
#   cluster inventory when one is given). Which service Docker creates
#   second depends on the deploy order, so the finding is put on the port
#   of the service whose swarm name sorts later, and names the other one. A
#   service that already exists (cluster inventory, or the running swarm
#   read with `--live`) was created first: the finding goes on the new one.
#   A short-syntax host-port range (`"8000-8010:80"`) reserves every port of
#   the range. Omitted published ports (`"80"`) get a free port and never
#   conflict.
# related_resources:
#   - description: Docker docs, publish ports on the routing mesh
#     ref: https://docs.docker.com/engine/swarm/ingress/
#   - description: Docker docs, bypass the routing mesh (host mode)
#     ref: https://docs.docker.com/engine/swarm/ingress/#bypass-the-routing-mesh
#   - description: "swarmlint, how Docker behaves: Two services on one published port"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#published-port-conflict
# custom:
#   id: SWL103
#   name: published-port-conflict
#   severity: error
#   remediation: >-
#     Give one of the services another published port, or publish the port
#     with `mode: host` in both services if each node should run only one of
#     them.
package swarmlint.rules.ports.published_port_conflict

import data.swarmlint.lib.ports
import data.swarmlint.lib.result

# _clash has one entry per port of a later service that an earlier service
# publishes too, with at least one of the two in ingress mode.
_clash contains {
	"service": use.service, "port": use.port, "key": key,
	"number": to_number(parts[0]), "protocol": parts[1], "other": other,
} if {
	some key, uses in input.indexes.published_ports
	parts := split(key, "/")
	some use in uses
	some other in uses
	ports.before(input.services[other.service], input.services[use.service])
	_conflict(use, other)
}

_conflict(a, _) if a.mode != "host"

_conflict(_, b) if b.mode != "host"

report contains finding if {
	some pair in {[c.service, c.port] | some c in _clash}
	[sid, index] := pair
	clashes := [c | some c in _clash; c.service == sid; c.port == index]
	service := input.services[sid]
	port := service.ports[index]

	# the clash Docker would name: lowest port, then first service
	first := sort([[c.number, c.other.service, _as(c.other)] | some c in clashes])[0]
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q publishes %s in %s mode, but %s; only host-mode ports may share a published port, so Docker rejects whichever service is created second: port '%d' is already in use by service '%s' (...) as %s",
		[
			service.key, _keys(clashes), _mode(port.mode), _others(service, clashes),
			first[0], input.services[first[1]].name, first[2],
		],
	))
}

_mode("host") := "host"

_mode(mode) := "ingress" if mode != "host"

_as(use) := "an ingress port" if use.mode != "host"

_as(use) := "a host-published port" if use.mode == "host"

_keys(clashes) := key if {
	keys := {c.key | some c in clashes}
	count(keys) == 1
	some key in keys
}

# A range that clashes over its whole span reads as a range.
_keys(clashes) := sprintf("%d-%d/%s (%d ports)", [min(numbers), max(numbers), clashes[0].protocol, count(numbers)]) if {
	numbers := {c.number | some c in clashes}
	count(numbers) > 1
	count(numbers) == (max(numbers) - min(numbers)) + 1
}

_keys(clashes) := concat(", ", [sprintf("%d/%s", [n, clashes[0].protocol]) | some n in sort(numbers)]) if {
	numbers := {c.number | some c in clashes}
	count(numbers) > 1
	count(numbers) != (max(numbers) - min(numbers)) + 1
}

_others(service, clashes) := concat(", ", sort({sprintf("service %s publishes it in %s mode", [
	ports.named(input.services[c.other.service], service), _mode(c.other.mode),
]) |
	some c in clashes
}))
