# METADATA
# title: IPv6 subnet on a swarm network
# description: |
#   Swarm does not support IPv6 on its networks. An IPv6 `subnet` in a stack
#   network passes the daemon's checks (they skip IPv6 while IPv6 is off), but
#   the swarm allocator only handles the IPv4 pool, so tasks get no IPv6
#   address and managers log errors such as
#   `cannot find address pool for poolID`. A Docker maintainer on
#   moby/moby#48116: "Swarm pretends it doesn't support IPv6 ... the compose
#   file format used by `docker stack` doesn't support `enable_ipv6` (since
#   Swarm isn't supposed to support IPv6 networks)". `enable_ipv6`
#   itself is a schema error (SWL002). Networks with a node-local driver
#   (`bridge`, `macvlan`, ...) are not swarm networks and are left to SWL005.
# related_resources:
#   - description: moby/moby#48116, IPv6 in swarm overlay networks
#     ref: https://github.com/moby/moby/issues/48116
#   - description: Docker docs, manage swarm service networks
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: "swarmlint, how Docker behaves: IPv6 on swarm networks"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#ipv6-swarm-networks
# custom:
#   id: SWL015
#   name: ipv6-on-swarm-network
#   severity: warning
#   remediation: >-
#     Remove the IPv6 subnet; reach IPv6 clients through a load balancer or
#     reverse proxy in front of the swarm that forwards to an IPv4 published
#     port.
package swarmlint.rules.deploy.ipv6_on_swarm_network

import data.swarmlint.lib.addressing
import data.swarmlint.lib.result

report contains finding if {
	some n in input.networks
	_created(n)
	addressing.swarm_scoped(n)
	some s in n.subnets
	s.valid
	s.ipv6
	finding := result.finding(rego.metadata.chain(), s, sprintf(
		"network %q has the IPv6 subnet %s, but swarm does not allocate IPv6 on its networks: tasks get no IPv6 address",
		[n.key, s.cidr],
	))
}

_created(n) if {
	n.origin == "stack"
	not n.external
	n.used
}

_created(n) if n.origin == "script"
