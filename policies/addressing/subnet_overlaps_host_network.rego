# METADATA
# title: Overlay subnet overlaps docker0, docker_gwbridge or the hosts' networks
# description: |
#   Overlay networks draw from the swarm's global address space, node-local
#   bridges from the local one, and Docker does not compare the two: a
#   libnetwork maintainer explains that "the two pools belong to two
#   distinct address spaces and respective bridges are located on two
#   distinct network namespaces" (moby/moby#26912). Yet every
#   container on an overlay network also has an interface on
#   `docker_gwbridge` (by default 172.18.0.0/16, the first free local pool,
#   not fixed) and the node has `docker0` (172.17.0.0/16), so an overlapping
#   overlay subnet makes the container's routes ambiguous. Nor does swarm
#   exclude the hosts' own LAN or VPN routes from overlay subnets:
#   an overlay subnet that covers them cuts the containers off from those
#   hosts. Docker says nothing at deploy time. On the node it is worse for
#   docker0 and docker_gwbridge: Engine 20.10 refuses to create an overlay
#   network whose subnet overlaps either bridge there, and every task on it is
#   rejected with `Pool overlaps with other one on this address space`
#   (observed, docs/engine-verification.md), so those overlaps are errors.
#
#   swarmlint compares every explicit, pool-allocated or inventory overlay subnet with
#   docker0 and docker_gwbridge (defaults, or the configured values), the
#   host networks of the configuration, and the nodes' advertise and
#   data-path addresses when the inputs give them.
# related_resources:
#   - description: Docker docs, docker_gwbridge and swarm networking
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: Docker docs, overlay network driver
#     ref: https://docs.docker.com/engine/network/drivers/overlay/
#   - description: "swarmlint, how Docker behaves: Overlays and node-local bridges"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-vs-local-bridges
#   - description: "swarmlint, how Docker behaves: Overlays and the hosts' own networks"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-vs-host-routes
# custom:
#   id: SWL214
#   name: subnet-overlaps-host-network
#   severity: warning
#   summary: >-
#     An overlay subnet overlaps docker0, docker_gwbridge or the hosts' own
#     networks. Docker does not compare them at deploy time, but containers'
#     routes become ambiguous, and Engine 20.10 rejects the tasks when the
#     overlap is with docker0 or docker_gwbridge.
#   remediation: >-
#     Choose an overlay subnet outside 172.17.0.0/16, the docker_gwbridge
#     subnet and the hosts' LAN and VPN ranges, or customise docker_gwbridge
#     and docker0 before the nodes join the swarm.
package swarmlint.rules.addressing.subnet_overlaps_host_network

import data.swarmlint.lib.addressing
import data.swarmlint.lib.result

report contains finding if {
	some r in _ranges
	some nw in input.networks
	not _implicit_ingress(nw)
	addressing.swarm_scoped(nw)
	some s in _subnets(nw)
	net.cidr_intersects(s.prefix, r.cidr)
	finding := _bridge_severity(r, result.finding(rego.metadata.chain(), s.element, sprintf(
		"network %q (%s) overlaps %s %s on the nodes%s",
		[nw.key, s.prefix, r.what, r.cidr, _bridge_effect(r)],
	)))
}

# A node refuses an overlay network that overlaps its own docker0 or
# docker_gwbridge (Engine 20.10: tasks rejected, "Pool overlaps with other
# one on this address space").
_bridge_ranges := {"the docker0 bridge", "docker_gwbridge"}

_bridge_effect(r) := ": the node refuses the network and rejects its tasks (Pool overlaps with other one on this address space)" if r.what in _bridge_ranges

_bridge_effect(r) := "" if not r.what in _bridge_ranges

_bridge_severity(r, f) := result.with_severity(f, "error") if r.what in _bridge_ranges

_bridge_severity(r, f) := f if not r.what in _bridge_ranges

report contains finding if {
	some host, flags in _node_addresses
	some nw in input.networks
	not _implicit_ingress(nw)
	addressing.swarm_scoped(nw)
	some s in _subnets(nw)
	net.cidr_contains(s.prefix, host)
	finding := result.finding(rego.metadata.chain(), s.element, sprintf(
		"network %q (%s) contains the node address %s (%s)",
		[nw.key, s.prefix, host, flags],
	))
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

# The ingress network swarm creates at init is in no file: SWL216 reports
# its pool instead. An ingress network a script recreates is checked.
_implicit_ingress(nw) if {
	nw.ingress
	nw.implicit
}

# _node_addresses maps each usable node IP address to the flags that give it.
_node_addresses[host] := concat(", ", sort({sprintf("--%s", [a.flag]) | some a in _addresses; a.host == host})) if {
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

# _subnets are the IPv4 ranges of a network with what a finding points at.
_subnets(nw) := [{"prefix": sn.prefix, "element": sn} | some sn in addressing.ipv4_subnets(nw)] if addressing.given(nw)

_subnets(nw) := [{"prefix": nw.subnet, "element": nw}] if {
	not addressing.given(nw)
	nw.subnet != ""
}
