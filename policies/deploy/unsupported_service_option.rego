# METADATA
# title: Service option that stack deploy ignores
# description: |
#   `docker stack deploy` accepts some compose service keys but does not apply
#   them, printing only `Ignoring unsupported options: network_mode, links`:
#   `network_mode`, `links`, `external_links`, `mac_address`,
#   `domainname`, and also `build`, `cgroupns_mode`, `cgroup_parent`,
#   `devices`, `ipc`, `pid`, `privileged`, `restart`, `security_opt`,
#   `shm_size` and `userns_mode`. `container_name` is ignored as deprecated
#   (`Setting the container name is not supported.`). The services run without
#   them: no host networking, no link aliases, no fixed MAC address, the
#   default restart behaviour of swarm. The warning scrolls by in CI logs; this
#   rule points at each key.
# related_resources:
#   - description: Docker docs, deploy a stack to a swarm
#     ref: https://docs.docker.com/engine/swarm/stack-deploy/
#   - description: Docker docs, docker stack deploy
#     ref: https://docs.docker.com/reference/cli/docker/stack/deploy/
#   - description: "swarmlint, how Docker behaves: Service options stack deploy ignores"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#unsupported-service-options
# custom:
#   id: SWL011
#   name: unsupported-service-option
#   severity: warning
#   remediation: >-
#     Remove the key, or express it the swarm way - networks and aliases
#     instead of `links` and `network_mode`, `deploy.restart_policy` instead of
#     `restart`, an image built beforehand instead of `build`.
package swarmlint.rules.deploy.unsupported_service_option

import data.swarmlint.lib.result

report contains finding if {
	some k in input.keys
	k.class == "unsupported"
	startswith(k.key, "services.*.")
	svc := k.ref.path[1]
	opt := k.ref.path[2]
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"service %q sets %s, which docker stack deploy ignores: Ignoring unsupported options: %s",
		[svc, opt, opt],
	))
}

report contains finding if {
	some k in input.keys
	k.class == "deprecated"
	k.key == "services.*.container_name"
	svc := k.ref.path[1]
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"service %q sets container_name, which docker stack deploy ignores: Setting the container name is not supported.",
		[svc],
	))
}
