# METADATA
# title: Stack network would take a predefined network name
# description: |
#   A network given `name: bridge`, `host`, `none` or `default` (without
#   `external: true`) asks Docker to create a network with a predefined name,
#   which it refuses: `operation is not permitted on predefined host network`
#   (for `bridge` and `host`, `network with name host already exists`
#   may come first). `ingress` is the swarm's routing-mesh network and
#   `docker_gwbridge` exists on every node, so those names fail with
#   `network with name ingress already exists`. The label
#   `com.docker.swarm.predefined` is reserved too: `label
#   com.docker.swarm.predefined is for internally created predefined networks
#   and cannot be applied by users`. Names are compared ignoring case,
#   as swarm does.
# related_resources:
#   - description: Docker docs, manage swarm service networks
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: Docker docs, networking overview (predefined networks)
#     ref: https://docs.docker.com/engine/network/
#   - description: "swarmlint, how Docker behaves: Predefined network names"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#predefined-network-name
#   - description: "swarmlint, how Docker behaves: Network name already taken"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#network-name-taken
#   - description: "swarmlint, how Docker behaves: The predefined-network label"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#predefined-label
# custom:
#   id: SWL008
#   name: predefined-network-name
#   severity: error
#   remediation: >-
#     To attach services to an existing network such as `host` or `ingress`,
#     declare it with `external: true`; otherwise give the network another
#     name, and drop the `com.docker.swarm.predefined` label.
package swarmlint.rules.deploy.predefined_network_name

import data.swarmlint.lib.result

_predefined := {"bridge", "host", "none", "default"}

report contains finding if {
	some n in input.networks
	_created(n)
	name := lower(n.name)
	name in _predefined
	finding := result.finding_at(rego.metadata.chain(), n, ["name"], sprintf(
		"network %q would be named %q, a predefined network; Docker refuses to create it: operation is not permitted on predefined %s network",
		[n.key, n.name, n.name],
	))
}

report contains finding if {
	some n in input.networks
	_created(n)
	lower(n.name) == "ingress"
	finding := result.finding_at(rego.metadata.chain(), n, ["name"], sprintf(
		"network %q would be named %q, the name of the swarm's routing-mesh network; docker stack deploy fails: network with name %s already exists",
		[n.key, n.name, n.name],
	))
}

report contains finding if {
	some n in input.networks
	_created(n)
	lower(n.name) == "docker_gwbridge"
	finding := result.finding_at(rego.metadata.chain(), n, ["name"], sprintf(
		"network %q would be named %q, the local bridge every swarm node already has; docker stack deploy fails: network with name %s already exists",
		[n.key, n.name, n.name],
	))
}

report contains finding if {
	some n in input.networks
	_created(n)
	some label, _ in n.labels
	label == "com.docker.swarm.predefined"
	finding := result.finding_at(rego.metadata.chain(), n, ["labels", label], sprintf(
		"network %q carries the label %s; swarm refuses it: label com.docker.swarm.predefined is for internally created predefined networks and cannot be applied by users",
		[n.key, label],
	))
}

_created(n) if {
	n.origin == "stack"
	not n.external
	n.used
}
