# METADATA
# title: Ingress network removed while services publish ports through it
# description: |
#   Customising the ingress network means removing it and creating it again.
#   Docker's documentation: "If you have existing services which publish ports,
#   those services need to be removed before you can remove the `ingress` network."
#   SwarmKit refuses the removal with
#   `ingress network cannot be removed because service <name> depends on it`,
#   and a bootstrap script that goes on to create the new ingress network
#   then fails too.
#
#   swarmlint follows the scripts' commands in order. A service created earlier by
#   `docker service create --publish` (or deployed by `docker stack deploy`), or a
#   service of the cluster inventory, is certain to exist: error. A service of a
#   stack file linted in the same run publishes ingress ports too, but whether it
#   is already deployed when the script runs is unknown: warning. When the
#   script itself ran `docker swarm init` before the removal, the swarm is new
#   and no linted stack can be deployed in it yet, so those stacks are not
#   reported (customising ingress right after init is the documented way).
# related_resources:
#   - description: Docker docs, customize the ingress network
#     ref: https://docs.docker.com/engine/swarm/networking/#customize-ingress
#   - description: docker network rm reference
#     ref: https://docs.docker.com/reference/cli/docker/network/rm/
#   - description: "swarmlint, how Docker behaves: Removing the ingress network"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#ingress-removal
# custom:
#   id: SWL405
#   name: ingress-removed-while-published
#   severity: error
#   remediation: >-
#     Remove the services that publish ports (`docker service rm`, `docker stack rm`)
#     before `docker network rm ingress`, then recreate them once the new ingress
#     network exists; best customise ingress right after `docker swarm init`.
package swarmlint.rules.ingress.ingress_removed_while_published

import data.swarmlint.lib.result

report contains finding if {
	some event in input.swarm.ingress_events
	event.action == "rm"
	names := [p.name | some p in event.publishers; p.certain]
	count(names) > 0
	finding := result.finding(rego.metadata.chain(), event, sprintf(
		"ingress network %q is removed while %s ports through it; Docker refuses it: ingress network cannot be removed because service %s depends on it",
		[event.network, _list(names), names[0]],
	))
}

report contains finding if {
	some event in input.swarm.ingress_events
	event.action == "rm"
	names := [p.name | some p in event.publishers; not p.certain]
	count(names) > 0
	finding := result.with_severity(
		result.finding(rego.metadata.chain(), event, sprintf(
			"ingress network %q is removed while the linted stacks publish ports through it (%s); if they are already deployed, Docker refuses it: ingress network cannot be removed because service %s depends on it",
			[event.network, concat(", ", [sprintf("%q", [n]) | some n in names]), names[0]],
		)),
		"warning",
	)
}

_list(names) := sprintf("service %q publishes", [names[0]]) if count(names) == 1

_list(names) := sprintf("services %s publish", [concat(", ", [sprintf("%q", [n]) | some n in names])]) if count(names) > 1
