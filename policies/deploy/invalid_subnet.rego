# METADATA
# title: Network subnet is not a CIDR
# description: |
#   `docker stack deploy` parses each `ipam.config[].subnet` and ignores the
#   parse error: a value that is not a CIDR (`10.1.1/24`, `10.1.0.0`, a typo)
#   is sent as an empty subnet, and swarm refuses to create the network with
#   `ipam configuration: invalid subnet` followed by the empty value
#   (derived from the code of docker/cli `convert.Networks` and SwarmKit
#   `validateIPAMConfiguration`). The deploy stops at that network. swarmlint
#   parses the subnet the way the docker CLI does and reports every network the
#   stack would create (networks no service uses are never created).
# related_resources:
#   - description: Docker docs, manage swarm service networks
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: Docker docs, compose file networks (ipam)
#     ref: https://docs.docker.com/reference/compose-file/networks/
#   - description: "swarmlint, how Docker behaves: A subnet that is not a CIDR"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#invalid-subnet
# custom:
#   id: SWL003
#   name: invalid-subnet
#   severity: error
#   remediation: >-
#     Write the subnet as an address and a prefix length with the network
#     address, for example `10.20.0.0/24`, or remove `ipam` to let swarm
#     allocate a subnet from its default address pool.
package swarmlint.rules.deploy.invalid_subnet

import data.swarmlint.lib.result

report contains finding if {
	some n in input.networks
	_created(n)
	some s in n.subnets
	not s.valid
	finding := result.finding(rego.metadata.chain(), s, sprintf(
		"network %q: subnet %q is not a CIDR; docker stack deploy sends an empty subnet and swarm refuses the network: ipam configuration: invalid subnet",
		[n.key, s.cidr],
	))
}

# _created: the network is created by the linted inputs (a stack creates
# only networks a service uses; external networks already exist).
# A --default-addr-pool of docker swarm init (script, --swarm-init or
# configuration) that is not a CIDR: the docker CLI refuses the flag.
report contains finding if {
	some init in input.swarm.inits
	some p in init.pools
	not p.valid
	finding := result.finding(rego.metadata.chain(), p, sprintf(
		"--default-addr-pool %q is not a CIDR; docker swarm init refuses the flag (invalid argument for --default-addr-pool)",
		[p.cidr],
	))
}

_created(n) if {
	n.origin == "stack"
	not n.external
	n.used
}

_created(n) if n.origin == "script"
