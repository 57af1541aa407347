# METADATA
# title: Network key outside the v3 stack file schema
# description: |
#   `docker stack deploy` validates every file against the v3 schema of its
#   version, and a network entry may only use `name` (3.5+), `driver`,
#   `driver_opts`, `ipam` (`driver`, `config`), `external`, `internal`,
#   `attachable` (3.2+), `labels` and `x-*` keys. Compose-only
#   keys such as `enable_ipv6`, `enable_ipv4` or `ipam.options` make the whole
#   deploy fail with a schema error like
#   `networks.front Additional property enable_ipv6 is not allowed`. compose-go
#   accepts them, so `docker compose config` does not warn you. A key that a
#   later v3 version added (`attachable`, `name`) fails the same way when the
#   file declares an older version; a file without `version` counts as 3.13.
# related_resources:
#   - description: docker/cli v3.13 stack file schema (definitions.network)
#     ref: https://github.com/docker/cli/blob/master/cli/compose/schema/data/config_schema_v3.13.json
#   - description: Docker docs, docker stack deploy
#     ref: https://docs.docker.com/reference/cli/docker/stack/deploy/
#   - description: "swarmlint, how Docker behaves: Network keys a stack file may use"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#stack-network-keys
#   - description: "swarmlint, how Docker behaves: Compose file version decides the schema"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#compose-file-version
# custom:
#   id: SWL002
#   name: network-key-not-deployable
#   severity: error
#   remediation: >-
#     Remove the key from the stack file, or raise the file's `version` when
#     the key only needs a newer v3 version. For settings stack files cannot
#     express, create the network with `docker network create` and declare it
#     `external: true`.
package swarmlint.rules.deploy.network_key_not_deployable

import data.swarmlint.lib.result

report contains finding if {
	some k in input.keys
	k.class == "not-deployable"
	_network_level(k)
	net := k.ref.path[1]
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"network %q sets %s, which is not in the v3 stack file schema; docker stack deploy fails: %s Additional property %s is not allowed",
		[net, _dotted(array.slice(k.ref.path, 2, count(k.ref.path))), _dotted(array.slice(k.ref.path, 0, count(k.ref.path) - 1)), _last(k.ref.path)],
	))
}

report contains finding if {
	some k in input.keys
	k.class == "needs-version"
	startswith(k.key, "networks.*.")
	net := k.ref.path[1]
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"network %q sets %s, which needs compose file version %s or later but the file is version %s; docker stack deploy fails: networks.%s Additional property %s is not allowed",
		[net, _last(k.ref.path), k.needs_version, k.file_version, net, _last(k.ref.path)],
	))
}

# networks.<n>.<key> and networks.<n>.ipam.<key>; ipam.config entries are SWL001.
_network_level(k) if {
	startswith(k.key, "networks.*.")
	not startswith(k.key, "networks.*.ipam.config.")
}

_dotted(path) := concat(".", [sprintf("%v", [p]) | some p in path])

_last(path) := path[count(path) - 1]
