# METADATA
# title: Network declared but used by no service
# description: |
#   `docker stack deploy` creates only the networks that at least one service
#   of the stack attaches to; a declared network nobody uses is silently never
#   created (docker/cli `convert.Networks` iterates over the services'
#   networks). Anything that expects it to exist, such as `docker run
#   --network` on an attachable network or another stack declaring it
#   external, fails. Often the service that should use it lists another name.
# related_resources:
#   - description: Docker docs, deploy a stack to a swarm
#     ref: https://docs.docker.com/engine/swarm/stack-deploy/
#   - description: Docker docs, compose file networks
#     ref: https://docs.docker.com/reference/compose-file/networks/
#   - description: "swarmlint, how Docker behaves: Unused networks are not created"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#unused-network-not-created
# custom:
#   id: SWL016
#   name: network-never-created
#   severity: note
#   remediation: >-
#     Attach the services that need it (`networks:` under the service), or
#     remove the declaration. To create a network for other stacks, create it
#     with `docker network create` and declare it external everywhere.
package swarmlint.rules.deploy.network_never_created

import data.swarmlint.lib.result

report contains finding if {
	some n in input.networks
	n.origin == "stack"
	not n.implicit
	not n.external
	not n.used
	finding := result.finding(rego.metadata.chain(), n, sprintf(
		"network %q is declared but no service uses it: docker stack deploy never creates %s",
		[n.key, n.name],
	))
}
