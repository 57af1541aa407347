# METADATA
# title: Stack network uses a driver that is not swarm-scoped
# description: |
#   Services can only attach to swarm-scoped networks, which in practice means
#   the `overlay` driver (or a global-scope network plugin). `docker stack
#   deploy` sends the driver as written and no scope, so `bridge`, `macvlan` and
#   `ipvlan` networks are created as local networks on the manager, and then
#   every service on them is refused with `The network <name> cannot be used
#   with services. Only networks scoped to the swarm can be used, such as those
#   created with the overlay driver.` The `host` and `null` drivers fail at
#   once with `only one instance of "host" network is allowed`. There
#   is no `none` driver at all. External networks are not checked: they are not
#   created by the stack.
# related_resources:
#   - description: Docker docs, overlay network driver
#     ref: https://docs.docker.com/engine/network/drivers/overlay/
#   - description: Docker docs, manage swarm service networks
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: "swarmlint, how Docker behaves: A stack network must be swarm-scoped"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#driver-not-swarm-scoped
# custom:
#   id: SWL005
#   name: network-not-swarm-scoped
#   severity: error
#   remediation: >-
#     Use `driver: overlay`, or leave the driver out: stack deploy defaults to
#     overlay. For a macvlan or ipvlan network, create it beforehand with
#     `docker network create --scope swarm --config-from <config-only network>`
#     and declare it `external: true`; for the host network, declare an
#     external network with `name: host`.
package swarmlint.rules.deploy.network_not_swarm_scoped

import data.swarmlint.lib.result

_local := {"bridge", "macvlan", "ipvlan"}

_single := {"host", "null"}

report contains finding if {
	some n in input.networks
	_created(n)
	driver := lower(n.driver)
	driver in _local
	finding := result.finding_at(rego.metadata.chain(), n, ["driver"], sprintf(
		"network %q uses driver %q, which creates a local network on the manager only; swarm refuses services on it: The network %s cannot be used with services. Only networks scoped to the swarm can be used, such as those created with the overlay driver.",
		[n.key, n.driver, n.name],
	))
}

report contains finding if {
	some n in input.networks
	_created(n)
	driver := lower(n.driver)
	driver in _single
	finding := result.finding_at(rego.metadata.chain(), n, ["driver"], sprintf(
		"network %q uses driver %q, which cannot be created by a stack: only one instance of %q network is allowed",
		[n.key, n.driver, driver],
	))
}

report contains finding if {
	some n in input.networks
	_created(n)
	lower(n.driver) == "none"
	finding := result.finding_at(rego.metadata.chain(), n, ["driver"], sprintf(
		"network %q uses driver %q, but Docker has no network driver of that name (the null driver is node-local anyway); the network cannot be created",
		[n.key, n.driver],
	))
}

_created(n) if {
	n.origin == "stack"
	not n.external
	n.used
}
