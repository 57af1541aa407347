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
#
#   Two **host-mode** publishers of one port are accepted, but a node can
#   bind the port only once: when both services want a task on the same node,
#   the second task stays pending (`host-mode port already in use on 1 node`),
#   observed on Engine 20.10. swarmlint reports such a pair
#
#   - as an **error** when it is certain: both services run on the same nodes
#     (no placement constraints, or the same ones) and their tasks cannot
#     spread over them: one of them is global (a task on every node), or
#     their replicas together outnumber the nodes (`--node-count`, default 3);
#   - as a **warning** when it is only possible: their placement constraints
#     differ but may select a common node (`node.role == manager` and no
#     constraint), and one is global or the replicas outnumber the nodes.
#
#   Constraints that exclude each other (`node.labels.edge == a` and
#   `node.labels.edge == b`, or `==` and `!=` of one value) never share a
#   node and are not reported.
# related_resources:
#   - description: Docker docs, publish ports on the routing mesh
#     ref: https://docs.docker.com/engine/swarm/ingress/
#   - description: Docker docs, bypass the routing mesh (host mode)
#     ref: https://docs.docker.com/engine/swarm/ingress/#bypass-the-routing-mesh
#   - description: "swarmlint, how Docker behaves: Two services on one published port"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#published-port-conflict
#   - description: "swarmlint, how Docker behaves: Two host-mode publishers of one port on a node"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#host-port-same-node
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

# Host-mode publishers of one port that can land on one node.
_host_clash contains {
	"service": use.service, "port": use.port, "key": key,
	"other": other.service, "level": level,
} if {
	some key, uses in input.indexes.published_ports
	some use in uses
	use.mode == "host"
	some other in uses
	other.mode == "host"
	other.service < use.service
	level := _overlap(input.services[use.service], input.services[other.service])
}

report contains finding if {
	some pair in {[c.service, c.port, c.level] | some c in _host_clash}
	[sid, index, level] := pair
	clashes := [c | some c in _host_clash; c.service == sid; c.port == index; c.level == level]
	service := input.services[sid]
	port := service.ports[index]
	others := sort({ports.label(input.services[c.other], service) | some c in clashes})
	finding := result.with_severity(
		result.finding(rego.metadata.chain(), port, sprintf(
			"service %q publishes %s in host mode, and so does %s; %s, so on %s one task binds it and the other stays pending: host-mode port already in use on 1 node",
			[service.key, _keys(clashes), _quoted(others), _why(service, input.services[clashes[0].other], level), _where(level)],
		)),
		_severity[level],
	)
}

_severity := {"certain": "error", "possible": "warning"}

_where("certain") := "such a node"

_where("possible") := "a node both may use"

_quoted(names) := concat(", ", [sprintf("service %q", [n]) | some n in names])

# Certain: the same nodes, and the tasks cannot spread over them.
_overlap(a, b) := "certain" if {
	_same_nodes(a, b)
	_crowded(a, b)
}

# Possible: constraints that differ but do not exclude each other.
_overlap(a, b) := "possible" if {
	not _same_nodes(a, b)
	not _disjoint(a, b)
	_crowded(a, b)
}

_constraint_list(s) := object.get(s, ["deploy", "placement", "constraints"], [])

_constraints(s) := {regex.replace(c.expr, `\s+`, "") | some c in _constraint_list(s)}

_same_nodes(a, b) if _constraints(a) == _constraints(b)

_runs(s) if s.mode == "global"

_runs(s) if {
	s.mode != "global"
	s.replicas > 0
}

# _crowded: a global service wants a task on every node it may use; two
# replicated ones fit when each task can have a node of its own.
_crowded(a, b) if {
	_runs(a)
	_runs(b)
	"global" in {a.mode, b.mode}
}

_crowded(a, b) if {
	a.mode != "global"
	b.mode != "global"
	a.replicas > 0
	b.replicas > 0
	a.replicas + b.replicas > input.swarm.node_count
}

_why(a, b, "certain") := "both run a task on every node" if {
	a.mode == "global"
	b.mode == "global"
}

_why(a, b, "certain") := "one runs a task on every node, so every task of the other lands on a node that already binds it" if {
	{a.mode, b.mode} == {"global", "replicated"}
}

_why(a, b, "certain") := sprintf("their %d replicas outnumber the %d nodes", [a.replicas + b.replicas, input.swarm.node_count]) if {
	a.mode != "global"
	b.mode != "global"
}

_why(_, _, "possible") := "their placement constraints differ but may select the same nodes"

# _disjoint: one constraint of each service on the same key that no node
# can satisfy together: `k == x` and `k == y`, or `k == x` and `k != x`.
_disjoint(a, b) if {
	some ca in _parsed(a)
	some cb in _parsed(b)
	ca.key == cb.key
	_exclusive(ca, cb)
}

_exclusive(x, y) if {
	x.op == "=="
	y.op == "=="
	x.value != y.value
}

_exclusive(x, y) if {
	x.op != y.op
	x.value == y.value
}

_parsed(s) := {{"key": c.key, "op": c.operator, "value": c.value} |
	some c in _constraint_list(s)
	c.operator != ""
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
