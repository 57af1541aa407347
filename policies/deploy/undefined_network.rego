# METADATA
# title: Service uses a network the stack does not declare
# description: |
#   Every network a service lists under `networks:` must be declared in the
#   top-level `networks:` section (only `default` is implicit). `docker stack
#   deploy` fails when it converts the service:
#   `service web: undefined network "backend"`. Worse, the networks are
#   converted first, so stack deploy has already created `<stack>_backend`
#   with default settings before it stops. swarmlint loads the file without
#   compose-go's consistency check so that this is a finding with a position
#   rather than a load error.
# related_resources:
#   - description: Docker docs, compose file services (networks)
#     ref: https://docs.docker.com/reference/compose-file/services/#networks
#   - description: Docker docs, deploy a stack to a swarm
#     ref: https://docs.docker.com/engine/swarm/stack-deploy/
#   - description: "swarmlint, how Docker behaves: Service on a network the file does not declare"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#undefined-network
# custom:
#   id: SWL006
#   name: undefined-network
#   severity: error
#   remediation: >-
#     Declare the network under the top-level `networks:` key (with
#     `external: true` if it already exists in the swarm), or fix the name in
#     the service's `networks:` list.
package swarmlint.rules.deploy.undefined_network

import data.swarmlint.lib.result

report contains finding if {
	some s in input.services
	object.get(s, "origin", "stack") == "stack"
	some sn in s.networks
	sn.network == ""
	finding := result.finding(rego.metadata.chain(), sn, sprintf(
		"service %q uses network %q, which the stack does not declare; docker stack deploy fails: service %s: undefined network %q",
		[s.key, sn.key, s.key, sn.key],
	))
}
