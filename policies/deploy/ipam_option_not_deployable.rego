# METADATA
# title: IPAM config entry sets a key other than subnet
# description: |
#   The compose file format that `docker stack deploy` reads (versions 3.0 to
#   3.13) allows only `subnet` in a network's `ipam.config` entries. `gateway`,
#   `ip_range` and `aux_addresses` are compose-only: the v3 schema forbids any
#   other key, so the whole deploy fails before anything is created, with a
#   schema error such as
#   `networks.front.ipam.config.0 Additional property gateway is not allowed`.
#   Even through the API, swarm drops auxiliary addresses, so these
#   settings cannot be carried into a swarm network from a stack file.
# related_resources:
#   - description: docker/cli v3.13 stack file schema (networks.ipam.config)
#     ref: https://github.com/docker/cli/blob/master/cli/compose/schema/data/config_schema_v3.13.json
#   - description: Docker docs, docker stack deploy
#     ref: https://docs.docker.com/reference/cli/docker/stack/deploy/
#   - description: "swarmlint, how Docker behaves: Only subnet in ipam.config"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#ipam-config-subnet-only
# custom:
#   id: SWL001
#   name: ipam-option-not-deployable
#   severity: error
#   remediation: >-
#     Keep only `subnet` in each `ipam.config` entry; swarm picks the gateway
#     itself. If you need a fixed gateway or range, create the network with
#     `docker network create` and declare it `external: true` in the stack.
package swarmlint.rules.deploy.ipam_option_not_deployable

import data.swarmlint.lib.result

report contains finding if {
	some k in input.keys
	k.class == "not-deployable"
	startswith(k.key, "networks.*.ipam.config.*.")
	net := k.ref.path[1]
	idx := k.ref.path[4]
	opt := k.ref.path[5]
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"network %q sets %s in ipam.config, which stack files do not allow; docker stack deploy fails: networks.%s.ipam.config.%d Additional property %s is not allowed",
		[net, opt, net, idx, opt],
	))
}
