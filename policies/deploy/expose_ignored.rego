# METADATA
# title: Service sets expose, which swarm ignores
# description: |
#   `expose` has no effect in a stack: services on a shared overlay network
#   reach each other's containers on every port, and nothing is published.
#   `docker stack deploy` lists it under `Ignoring deprecated options` with
#   `Exposing ports is unnecessary - services on the same network can access
#   each other's containers on any port.` It suggests a port
#   restriction that does not exist.
# related_resources:
#   - description: Docker docs, compose file services (expose)
#     ref: https://docs.docker.com/reference/compose-file/services/#expose
#   - description: Docker docs, manage swarm service networks
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: "swarmlint, how Docker behaves: expose and container_name"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#expose-deprecated
# custom:
#   id: SWL017
#   name: expose-ignored
#   severity: note
#   remediation: >-
#     Remove `expose`. To limit who can reach the service, put it on a network
#     that only its consumers share, or mark that network `internal: true`.
#   fix:
#     description: >-
#       Removes `expose` with its list.
#     safe: true
package swarmlint.rules.deploy.expose_ignored

import data.swarmlint.lib.result

report contains finding if {
	some s in input.services
	object.get(s, "origin", "stack") == "stack"
	count(s.expose) > 0
	f := result.finding_at(rego.metadata.chain(), s, ["expose"], sprintf(
		"service %q exposes %s, which docker stack deploy ignores: services on a shared network reach each other on every port",
		[s.key, concat(", ", s.expose)],
	))
	finding := result.with_fix(f, result.fix("remove expose, which docker stack deploy ignores", true, [result.edit_remove(s, ["expose"])]))
}
