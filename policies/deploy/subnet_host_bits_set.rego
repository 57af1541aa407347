# METADATA
# title: Subnet has host bits set
# description: |
#   A subnet must be written with its network address: in `10.0.1.1/24` the
#   last octet lies inside the host part. compose-go and the docker CLI accept
#   it, but the daemon refuses to create the network with
#   `invalid network config: invalid subnet 10.0.1.1/24: it should be 10.0.1.0/24`
#   (moby `validateIpamConfig`), so `docker stack deploy` stops at that
#   network. IPv6 subnets are not checked by the daemon while IPv6 is off (see
#   SWL015 for IPv6 on swarm networks).
# related_resources:
#   - description: Docker docs, manage swarm service networks
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: Docker docs, docker network create (subnet)
#     ref: https://docs.docker.com/reference/cli/docker/network/create/
#   - description: "swarmlint, how Docker behaves: Subnet with host bits set"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#subnet-host-bits
# custom:
#   id: SWL004
#   name: subnet-host-bits-set
#   severity: error
#   remediation: >-
#     Write the network address of the subnet, as the message suggests (for
#     example `10.0.1.0/24` instead of `10.0.1.1/24`).
package swarmlint.rules.deploy.subnet_host_bits_set

import data.swarmlint.lib.result

report contains finding if {
	some n in input.networks
	_created(n)
	some s in n.subnets
	s.valid
	s.host_bits_set
	not s.ipv6
	finding := result.finding(rego.metadata.chain(), s, sprintf(
		"network %q: invalid subnet %s: it should be %s; the daemon refuses to create the network",
		[n.key, s.cidr, s.prefix],
	))
}

_created(n) if {
	n.origin == "stack"
	not n.external
	n.used
}

_created(n) if n.origin == "script"
