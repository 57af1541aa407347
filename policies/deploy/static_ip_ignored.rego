# METADATA
# title: Static IP address on a service network is dropped
# description: |
#   `ipv4_address` and `ipv6_address` under a service's network are allowed by
#   the v3 schema, but `docker stack deploy` drops them without a word: a swarm
#   network attachment carries only the target, aliases and driver options
#   (docker/cli `convertServiceNetworks`). Every task gets an address
#   that swarm allocates from the subnet, and with several replicas a single
#   fixed address could not work anyway. Anything that trusts the written
#   address (firewall rules, allow-lists, `extra_hosts`) points at nothing.
# related_resources:
#   - description: Docker docs, compose file services (ipv4_address, ipv6_address)
#     ref: https://docs.docker.com/reference/compose-file/services/#ipv4_address-ipv6_address
#   - description: Docker docs, manage swarm service networks
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: "swarmlint, how Docker behaves: Static addresses are dropped"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#static-ip-dropped
# custom:
#   id: SWL010
#   name: static-ip-ignored
#   severity: warning
#   remediation: >-
#     Remove the address and reach the service by its name or a network alias;
#     swarm's DNS resolves it to the service's virtual IP.
#   fix:
#     description: >-
#       Removes `ipv4_address` or `ipv6_address` from the service's network
#       entry.
#     safe: true
package swarmlint.rules.deploy.static_ip_ignored

import data.swarmlint.lib.result

report contains finding if {
	some s in input.services
	object.get(s, "origin", "stack") == "stack"
	some sn in s.networks
	some field in ["ipv4_address", "ipv6_address"]
	addr := object.get(sn, field, "")
	addr != ""
	f := result.finding_at(rego.metadata.chain(), sn, [field], sprintf(
		"service %q sets %s %s on network %q, which docker stack deploy drops: its tasks get addresses swarm allocates from the subnet",
		[s.key, field, addr, sn.key],
	))
	finding := result.with_fix(f, result.fix(
		sprintf("remove %s, which docker stack deploy drops", [field]),
		true,
		[result.edit_remove(sn, [field])],
	))
}
