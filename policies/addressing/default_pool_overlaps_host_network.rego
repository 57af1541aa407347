# METADATA
# title: Default address pool overlaps docker0, docker_gwbridge or the hosts' networks
# description: |
#   Swarm hands overlay subnets out of the default address pools without
#   looking at the hosts' routes: host routes are excluded only for
#   node-local networks, never for the swarm's global ones. The
#   Docker docs warn: "if the default `10.0.0.0/8` range conflicts with
#   already allocated address space in your network, then it is desirable
#   to ensure that networks use a different range". A pool that overlaps
#   the hosts' LAN or VPN, the nodes' own addresses, `docker0`
#   (172.17.0.0/16) or `docker_gwbridge` (172.18.0.0/16 by default) sooner
#   or later gives an overlay network a subnet that clashes with them, and
#   Docker says nothing.
#
#   swarmlint reads the pools from the swarm init flags and the
#   configuration (10.0.0.0/8 by default), the host networks from the
#   configuration and the node addresses from `--advertise-addr` and
#   `--data-path-addr`. A finding about the built-in default pool and a node
#   address points at the address.
# related_resources:
#   - description: Docker docs, configure default address pools
#     ref: https://docs.docker.com/engine/swarm/swarm-mode/
#   - description: Docker docs, swarm networking
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: "swarmlint, how Docker behaves: Overlays and the hosts' own networks"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-vs-host-routes
#   - description: "swarmlint, how Docker behaves: Overlays and node-local bridges"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-vs-local-bridges
# custom:
#   id: SWL216
#   name: default-pool-overlaps-host-network
#   severity: warning
#   remediation: >-
#     Initialise the swarm with a `--default-addr-pool` range that the hosts'
#     networks, docker0 and docker_gwbridge do not use.
package swarmlint.rules.addressing.default_pool_overlaps_host_network

import data.swarmlint.lib.result

report contains finding if {
	some pool in _pools
	some r in _ranges
	net.cidr_intersects(pool.prefix, r.cidr)
	finding := result.finding(rego.metadata.chain(), pool, sprintf(
		"default address pool %s overlaps %s %s: swarm may give an overlay network a subnet inside it",
		[pool.cidr, r.what, r.cidr],
	))
}

report contains finding if {
	some pool in _pools
	some host, addrs in _node_addresses
	net.cidr_contains(pool.prefix, host)
	finding := result.finding(rego.metadata.chain(), _located(pool, addrs[0]), sprintf(
		"default address pool %s contains the node address %s (%s): swarm may give an overlay network a subnet around it",
		[pool.cidr, host, concat(", ", sort({sprintf("--%s", [a.flag]) | some a in addrs}))],
	))
}

# _located is the pool when it comes from a file (swarm init flags), else
# the node address: the built-in 10.0.0.0/8 pool has no line of its own.
_located(pool, _) := pool if pool.ref

_located(pool, a) := a if not pool.ref

# _node_addresses maps each usable node IP address to the flags giving it.
_node_addresses[host] := [a | some a in _addresses; a.host == host] if {
	some x in _addresses
	host := x.host
}

_addresses contains a if {
	some a in input.swarm.node_addresses
	a.known
	a.ip
	a.problem == ""
	net.cidr_is_valid(sprintf("%s/32", [a.host]))
}

_pools contains pool if {
	some pool in input.swarm.default_addr_pools
	pool.valid
	pool.merged_into == ""
}

_ranges contains {"what": "the docker0 bridge", "cidr": input.swarm.docker0} if _valid(input.swarm.docker0)

_ranges contains {"what": "docker_gwbridge", "cidr": input.swarm.docker_gwbridge} if _valid(input.swarm.docker_gwbridge)

_ranges contains {"what": "the host network", "cidr": h} if {
	some h in input.swarm.host_networks
	_valid(h)
}

_valid(cidr) if {
	is_string(cidr)
	net.cidr_is_valid(cidr)
}
