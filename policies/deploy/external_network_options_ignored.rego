# METADATA
# title: External network with settings that stack deploy ignores
# description: |
#   A network with `external: true` already exists; `docker stack deploy` only
#   checks that it is there and swarm-scoped. Everything else written for it
#   (`driver`, `driver_opts`, `ipam`, `labels`, `internal`, `attachable`) is
#   silently ignored: the network keeps the settings it was created with
#   (docker/cli `convert.Networks` skips external networks). A reader
#   of the file, and `docker compose config`, see an encrypted or
#   fixed-subnet network that may not be one. With several `-c` files only the
#   last file's entry for the network counts.
# related_resources:
#   - description: Docker docs, compose file networks (external)
#     ref: https://docs.docker.com/reference/compose-file/networks/#external
#   - description: Docker docs, deploy a stack to a swarm
#     ref: https://docs.docker.com/engine/swarm/stack-deploy/
#   - description: "swarmlint, how Docker behaves: Settings on an external network are ignored"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#external-network-options-ignored
# custom:
#   id: SWL009
#   name: external-network-options-ignored
#   severity: warning
#   remediation: >-
#     Remove the settings from the external network's entry and apply them
#     where the network is created (`docker network create` or the stack that
#     owns it); check them with `docker network inspect`.
package swarmlint.rules.deploy.external_network_options_ignored

import data.swarmlint.lib.result

report contains finding if {
	some k in input.keys
	k.class == "external-ignored"
	net := k.ref.path[1]
	opt := k.ref.path[2]
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"network %q is external, so docker stack deploy ignores its %s: the existing network keeps the settings it was created with",
		[net, opt],
	))
}
