# METADATA
# title: Overlay subnet larger than /24 carries VIP-mode services
# description: |
#   Docker recommends /24 overlay networks when services use the default VIP
#   endpoint mode, because of limitations of swarm mode (moby/moby#30820:
#   the iptables and IPVS rules every load-balancer sandbox on the network
#   has to carry). The docs go on: "If you need more than 256 IP addresses,
#   do not increase the IP block size. You can either use `dnsrr` endpoint
#   mode with an external load balancer, or use multiple smaller overlay
#   networks".
#
#   Docker accepts the larger subnet without a message. swarmlint reports an
#   explicit IPv4 `subnet:` (or `--subnet` in a script) shorter than /24 (a /23, /16, ...) on a
#   swarm-scoped network that at least one service not in `dnsrr` mode
#   uses. Subnets handed out by the default address pool follow
#   `--default-addr-pool-mask-length` and are not reported here.
# related_resources:
#   - description: Docker docs, overlay network size limitations
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: docker network create, overlay network limitations
#     ref: https://docs.docker.com/reference/cli/docker/network/create/
#   - description: "swarmlint, how Docker behaves: Docker recommends /24 overlay networks"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-larger-than-24
# custom:
#   id: SWL202
#   name: overlay-subnet-larger-than-24
#   severity: warning
#   remediation: >-
#     Keep the overlay subnet at /24 and split the services over several
#     networks, or run the large services with `endpoint_mode: dnsrr` behind
#     an external load balancer.
package swarmlint.rules.addressing.overlay_subnet_larger_than_24

import data.swarmlint.lib.addressing
import data.swarmlint.lib.result
import data.swarmlint.lib.util

report contains finding if {
	some nw in input.networks
	not nw.ingress
	addressing.swarm_scoped(nw)
	nw.subnet_source in {"explicit", "script"}
	vips := sort([sprintf("%q", [s.key]) |
		some sid in nw.services
		s := input.services[sid]
		s.endpoint_mode != "dnsrr"
	])
	count(vips) > 0
	some sn in addressing.ipv4_subnets(nw)
	bits := to_number(split(sn.prefix, "/")[1])
	bits < 24
	finding := result.finding(rego.metadata.chain(), sn, sprintf(
		"network %q uses %s, larger than the /24 Docker recommends, for %d VIP-mode %s (%s)",
		[nw.key, sn.prefix, count(vips), util.plural(count(vips), "service"), addressing.join_and(vips)],
	))
}
