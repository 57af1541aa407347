# METADATA
# title: Compose-only feature that docker stack deploy rejects
# description: |
#   `docker stack deploy` reads stack files with docker/cli's own loader, not
#   with Docker Compose, and validates each file against the v3 schema of its
#   `version` (3.0 to 3.13; a missing version or `3` means 3.13). Features of
#   the Compose Specification make the whole deploy fail:
#
#   - top-level keys other than `version`, `services`, `networks`, `volumes`,
#     `secrets`, `configs` and `x-*` (`name`, `include`, ...), and service keys
#     outside the v3 schema (`profiles`, `platform`, `pull_policy`, ...):
#     `Additional property profiles is not allowed`;
#   - `extends`, `volumes_from`, `volume_driver`, `cpu_quota`, `cpu_shares`,
#     `cpuset`, `mem_limit`, `memswap_limit`:
#     `compose file contains unsupported options`;
#   - `depends_on` with conditions (stack files take a list of names only),
#     `host_ip` or other extra keys in a long-syntax port, and service network
#     keys other than `aliases`, `ipv4_address`, `ipv6_address`, `driver_opts`;
#   - keys newer than the file's version, e.g. long-syntax ports and
#     `deploy.endpoint_mode` before 3.2, `configs` before 3.3;
#   - `${VAR:+text}` and `${VAR+text}` interpolation:
#     `invalid interpolation format for services.web.image`;
#   - a version outside 3.0 to 3.13: `unsupported Compose file version: 2.4`,
#     and different versions across the `-c` files:
#     `version mismatched between two composefiles : 3.8 and 3.13`.
#
#   compose-go, which `docker compose` uses, accepts all of these, so a file
#   that works with `docker compose up` can still fail to deploy. swarmlint
#   reads these rules from docker/cli's loader and schemas.
#   A numeric `version: 3.8` without quotes is
#   refused by both loaders (`version must be a string`) and stops the lint.
# related_resources:
#   - description: Docker docs, docker stack deploy
#     ref: https://docs.docker.com/reference/cli/docker/stack/deploy/
#   - description: docker/cli v3.13 stack file schema
#     ref: https://github.com/docker/cli/blob/master/cli/compose/schema/data/config_schema_v3.13.json
#   - description: Docker docs, compose file legacy versions
#     ref: https://docs.docker.com/reference/compose-file/legacy-versions/
#   - description: "swarmlint, how Docker behaves: Compose file version decides the schema"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#compose-file-version
#   - description: "swarmlint, how Docker behaves: Keys docker stack deploy accepts"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#stack-file-keys
# custom:
#   id: SWL013
#   name: compose-only-feature
#   severity: error
#   remediation: >-
#     Keep stack files to the v3 format: remove the compose-only key (or move
#     it to a compose-only override file that `docker stack deploy` never
#     reads), declare one `version` from 3.0 to 3.13 in every file, and use
#     only `${VAR}`, `${VAR:-default}` and `${VAR:?error}` interpolation.
package swarmlint.rules.deploy.compose_only_feature

import data.swarmlint.lib.result

# Top-level keys outside the v3 schema.
report contains finding if {
	some k in input.keys
	k.class == "compose-only"
	count(k.ref.path) == 1
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"top-level key %q is compose-only; docker stack deploy fails: (root) Additional property %s is not allowed",
		[k.ref.path[0], k.ref.path[0]],
	))
}

# Service keys, port and service-network keys outside the v3 schema.
report contains finding if {
	some k in input.keys
	k.class == "compose-only"
	k.ref.path[0] == "services"
	count(k.ref.path) > 2
	not _depends_on(k)
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"service %q uses %s, which is compose-only; docker stack deploy fails: %s",
		[k.ref.path[1], _what(k), _additional(k.ref.path)],
	))
}

# depends_on with conditions: stack files take a list of service names.
report contains finding if {
	some k in input.keys
	k.class == "compose-only"
	_depends_on(k)
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"service %q uses depends_on with a %s, which is compose-only; docker stack deploy fails: services.%s.depends_on must be a list",
		[k.ref.path[1], _last(k.ref.path), k.ref.path[1]],
	))
}

# Service keys docker/cli refuses outright.
report contains finding if {
	some k in input.keys
	k.class == "forbidden"
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"service %q uses %s, which docker stack deploy refuses: compose file contains unsupported options",
		[k.ref.path[1], _last(k.ref.path)],
	))
}

# Keys newer than the file's version (network keys are SWL002).
report contains finding if {
	some k in input.keys
	k.class == "needs-version"
	not startswith(k.key, "networks.*.")
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"%s needs compose file version %s or later, but the file is version %s; docker stack deploy fails: %s",
		[_versioned(k), k.needs_version, k.file_version, _version_error(k)],
	))
}

# ${VAR:+x} and ${VAR+x}.
report contains finding if {
	some v in input.variables
	v.operator in {":+", "+"}
	finding := result.finding(rego.metadata.chain(), v, sprintf(
		"%s uses the %s operator, which docker stack deploy does not support: invalid interpolation format for %s",
		[v.syntax, v.operator, v.field],
	))
}

# A version docker stack deploy has no schema for.
report contains finding if {
	some st in input.stacks
	some fv in st.file_versions
	not fv.supported
	finding := result.finding(rego.metadata.chain(), fv, sprintf(
		"version %q is not a stack file version (3.0 to 3.13); docker stack deploy fails: unsupported Compose file version: %s",
		[fv.version, fv.effective],
	))
}

# Files of one stack with different versions.
report contains finding if {
	some st in input.stacks
	first := st.file_versions[0]
	some i, fv in st.file_versions
	i > 0
	fv.effective != first.effective
	finding := result.finding(rego.metadata.chain(), fv, sprintf(
		"%s is version %s but %s is version %s (a file without version counts as 3.13); docker stack deploy fails: version mismatched between two composefiles : %s and %s",
		[_base(fv.file), fv.effective, _base(first.file), first.effective, first.effective, fv.effective],
	))
}

_depends_on(k) if startswith(k.key, "services.*.depends_on.*.")

_what(k) := sprintf("%s in a long-syntax port", [_last(k.ref.path)]) if startswith(k.key, "services.*.ports.*.")

_what(k) := sprintf("%s on network %q", [_last(k.ref.path), k.ref.path[3]]) if startswith(k.key, "services.*.networks.*.")

_what(k) := _last(k.ref.path) if {
	not startswith(k.key, "services.*.ports.*.")
	not startswith(k.key, "services.*.networks.*.")
}

# _additional is the v3 schema's error for a key it does not allow.
_additional(path) := sprintf("(root) Additional property %s is not allowed", [path[0]]) if count(path) == 1

_additional(path) := sprintf("%s Additional property %s is not allowed", [_dotted(array.slice(path, 0, count(path) - 1)), _last(path)]) if {
	count(path) > 1
}

_version_error(k) := sprintf("%s must be a string or number", [_dotted(k.ref.path)]) if k.key == "services.*.ports.*"

_version_error(k) := _additional(k.ref.path) if k.key != "services.*.ports.*"

_base(path) := parts[count(parts) - 1] if parts := split(path, "/")

_versioned(k) := sprintf("service %q uses a long-syntax port, which", [k.ref.path[1]]) if k.key == "services.*.ports.*"

_versioned(k) := sprintf("service %q uses %s, which", [k.ref.path[1], _dotted(array.slice(k.ref.path, 2, count(k.ref.path)))]) if {
	k.key != "services.*.ports.*"
	k.ref.path[0] == "services"
}

_versioned(k) := sprintf("top-level key %q", [k.ref.path[0]]) if k.ref.path[0] != "services"

_dotted(path) := concat(".", [sprintf("%v", [p]) | some p in path])

_last(path) := path[count(path) - 1]
