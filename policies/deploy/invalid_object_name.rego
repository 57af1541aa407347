# METADATA
# title: Network or service name swarm refuses
# description: |
#   Swarm names every network `<stack>_<key>` (or the `name:` you give) and
#   every service `<stack>_<key>`, and validates each name as a DNS label:
#   letters and digits, with `-` or `_` only between them
#   (`^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$`), at most 63 characters. The compose
#   schema allows `.` in keys, but swarm does not: creation fails with
#   `name must be valid as a DNS name component` or
#   `name must be 63 characters or fewer`. Swarm also compares names
#   ignoring case, so `MyNet` and `mynet` cannot both exist
#   (`name conflicts with an existing object`), and a network name already
#   taken in the cluster, by another stack or outside any stack, fails with
#   `network with name <name> already exists`. Two entries of one stack
#   with the same `name:` are not an error, but stack deploy keeps only one of
#   the two definitions (reported as a warning). The stack name comes from
#   `--stack`, the configuration, or the directory of the first file; a name
#   over 63 characters only because of a stack name taken from the directory
#   is a warning, since docker stack deploy uses the NAME you give it.
# related_resources:
#   - description: Docker docs, deploy a stack to a swarm
#     ref: https://docs.docker.com/engine/swarm/stack-deploy/
#   - description: Docker docs, compose file networks (name)
#     ref: https://docs.docker.com/reference/compose-file/networks/#name
#   - description: "swarmlint, how Docker behaves: Network and service names must be DNS labels"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#object-name-dns-label
#   - description: "swarmlint, how Docker behaves: Network name already taken"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#network-name-taken
# custom:
#   id: SWL007
#   name: invalid-object-name
#   severity: error
#   summary: >-
#     Swarm refuses a network or service whose full name (`<stack>_<key>` or
#     `name:`) is not a DNS label of at most 63 characters, or clashes with an
#     existing network, also when only the case differs.
#   remediation: >-
#     Rename the network or service (or the stack) so that the full name uses
#     only letters, digits, `-` and `_`, stays within 63 characters and is
#     unique in the swarm regardless of case.
package swarmlint.rules.deploy.invalid_object_name

import data.swarmlint.lib.result

_dns := `^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$`

# names SWL008 reports (predefined networks)
_predefined := {"bridge", "host", "none", "default", "ingress", "docker_gwbridge"}

report contains finding if {
	some n in input.networks
	_created(n)
	not regex.match(_dns, n.name)
	finding := _net_finding(n, sprintf(
		"network %q would be named %q, which swarm refuses: name must be valid as a DNS name component (letters, digits, and - or _ between them)",
		[n.key, n.name],
	))
}

report contains finding if {
	some n in input.networks
	_created(n)
	count(n.name) > 63
	finding := _length_finding(n, _net_finding(n, sprintf(
		"network %q would be named %q (%d characters), which swarm refuses: name must be 63 characters or fewer%s",
		[n.key, n.name, count(n.name), _derived_note(n)],
	)))
}

report contains finding if {
	some s in input.services
	object.get(s, "origin", "stack") == "stack"
	not regex.match(_dns, s.name)
	finding := result.finding(rego.metadata.chain(), s, sprintf(
		"service %q would be named %q, which swarm refuses: name must be valid as a DNS name component (letters, digits, and - or _ between them)",
		[s.key, s.name],
	))
}

report contains finding if {
	some s in input.services
	object.get(s, "origin", "stack") == "stack"
	count(s.name) > 63
	finding := _length_finding(s, result.finding(rego.metadata.chain(), s, sprintf(
		"service %q would be named %q (%d characters), which swarm refuses: name must be 63 characters or fewer%s",
		[s.key, s.name, count(s.name), _derived_note(s)],
	)))
}

# Two networks of one stack with the same name: stack deploy creates one.
report contains finding if {
	some c in input.indexes.name_collisions
	c.kind == "network"
	c.exact
	c.same_stack
	not lower(c.name_b) in _predefined
	a := input.networks[c.a]
	b := input.networks[c.b]
	finding := result.with_severity(
		_net_finding(b, sprintf(
			"networks %q and %q both have the name %q; docker stack deploy creates one network and keeps only one of the two definitions",
			[a.key, b.key, b.name],
		)),
		"warning",
	)
}

# The same name in two stacks, or a network that already exists.
report contains finding if {
	some c in input.indexes.name_collisions
	c.kind == "network"
	c.exact
	not c.same_stack
	not lower(c.name_b) in _predefined
	[n, other] := _created_first(c)
	finding := _net_finding(n, sprintf(
		"network %q would be named %q, which %s already uses; docker stack deploy fails: network with name %s already exists",
		[n.key, n.name, _describe(other), n.name],
	))
}

# Names equal ignoring case.
report contains finding if {
	some c in input.indexes.name_collisions
	c.kind == "network"
	not c.exact
	not lower(c.name_b) in _predefined
	[n, other] := _created_first(c)
	finding := _net_finding(n, sprintf(
		"network %q would be named %q, the same name ignoring case as %s (%s); swarm compares names ignoring case and refuses it: name conflicts with an existing object",
		[n.key, n.name, _describe(other), other.name],
	))
}

report contains finding if {
	some c in input.indexes.name_collisions
	c.kind == "service"
	a := input.services[c.a]
	b := input.services[c.b]
	finding := result.finding(rego.metadata.chain(), b, sprintf(
		"service %q would be named %q, which equals %q (service %q of stack %q) ignoring case; swarm refuses the second one: name conflicts with an existing object",
		[b.key, b.name, a.name, a.key, a.stack],
	))
}

# _derived_name holds for a name built as <stack>_<key> when no stack name was
# given and swarmlint took the directory's: docker stack deploy uses the NAME
# the user passes, so the length is a likely failure, not a certain one.
_derived_name(x) if {
	x.name == sprintf("%s_%s", [x.stack, x.key])
	input.stacks[x.stack].name_derived
}

_length_finding(x, f) := result.with_severity(f, "warning") if _derived_name(x)

_length_finding(x, f) := f if not _derived_name(x)

_derived_note(x) := sprintf(" (if deployed as %q, the stack name swarmlint took from the directory; pass the real one with --stack)", [x.stack]) if {
	_derived_name(x)
}

_derived_note(x) := "" if not _derived_name(x)

_created(n) if {
	n.origin == "stack"
	not n.external
	n.used
}

# _net_finding points at `name:` when the file sets it, else at the network key.
_net_finding(n, msg) := result.finding_at(rego.metadata.chain(), n, ["name"], msg) if {
	n.name != sprintf("%s_%s", [n.stack, n.key])
	not n.implicit
}

_net_finding(n, msg) := result.finding(rego.metadata.chain(), n, msg) if {
	n.name == sprintf("%s_%s", [n.stack, n.key])
}

_net_finding(n, msg) := result.finding(rego.metadata.chain(), n, msg) if {
	n.name != sprintf("%s_%s", [n.stack, n.key])
	n.implicit
}

# _created_first orders a collision as [network the stack creates, the other].
_created_first(c) := [input.networks[c.b], input.networks[c.a]] if _created(input.networks[c.b])

_created_first(c) := [input.networks[c.a], input.networks[c.b]] if not _created(input.networks[c.b])

_describe(n) := sprintf("network %q of stack %q", [n.key, n.stack]) if n.origin == "stack"

_describe(n) := sprintf("the existing network %q", [n.name]) if n.origin != "stack"
