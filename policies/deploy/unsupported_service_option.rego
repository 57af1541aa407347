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
#   them: no host networking, no link aliases, no fixed MAC address, no
#   devices or extra privileges. The warning scrolls by in CI logs; this rule
#   points at each key.
#
#   Three keys are only **notes**, because the swarm still does what the file
#   means: `build` (the swarm runs the image named in `image`),
#   `container_name` (other services reach the service by its name) and
#   `restart`, which docker stack deploy lists as ignored but maps to the
#   restart policy when `deploy.restart_policy` is absent (docker/cli
#   `convertRestartPolicy`). The exception is `restart: "no"`: it maps to no
#   policy, so swarm's default restarts the task anyway, a **warning**.
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
#   fix:
#     description: >-
#       Removes a key docker stack deploy ignores (`links`, `network_mode`,
#       `container_name`, ..., and `restart` when `deploy.restart_policy`
#       decides). Not offered for `build`, which a file also used with docker
#       compose needs, nor for a `restart` that docker stack deploy applies or
#       that says "no": writing `deploy.restart_policy` instead is a decision
#       about behaviour.
#     safe: true
package swarmlint.rules.deploy.unsupported_service_option

import data.swarmlint.lib.result

report contains finding if {
	some k in input.keys
	k.class == "unsupported"
	startswith(k.key, "services.*.")
	svc := k.ref.path[1]
	opt := k.ref.path[2]
	not opt in _harmless
	f := result.finding(rego.metadata.chain(), k, sprintf(
		"service %q sets %s, which docker stack deploy ignores: Ignoring unsupported options: %s",
		[svc, opt, opt],
	))
	finding := _remove(f, k, opt)
}

# The fix removes a key docker stack deploy ignores: the service does the
# same without it. Not offered for build (the file may also be built with
# docker compose) nor for a restart that docker stack deploy applies or
# that means "no" (the fix there is a restart policy, which changes what
# swarm does).
_remove(f, k, opt) := result.with_fix(f, result.fix(
	sprintf("remove %s, which docker stack deploy ignores", [opt]),
	true,
	[result.edit_remove(k, [])],
))

# Keys whose absence leaves the service doing what the file means: a note,
# not a warning. `restart` is even applied (see below).
_harmless := {"build", "restart"}

report contains finding if {
	some k in input.keys
	k.class == "unsupported"
	k.key == "services.*.build"
	svc := k.ref.path[1]
	finding := result.with_severity(
		result.finding(rego.metadata.chain(), k, sprintf(
			"service %q sets build, which docker stack deploy ignores (Ignoring unsupported options: build): the swarm runs the image named in image, built and pushed beforehand",
			[svc],
		)),
		"note",
	)
}

# docker stack deploy prints `Ignoring unsupported options: restart`, but
# without deploy.restart_policy it maps `restart` to the restart policy
# (docker/cli convertRestartPolicy): always and unless-stopped become
# condition any (swarm's default), on-failure[:N] condition on-failure.
# Only "no" is lost: it maps to no policy, and swarm's default restarts the
# task anyway.
report contains finding if {
	some k in input.keys
	k.class == "unsupported"
	k.key == "services.*.restart"
	svc := k.ref.path[1]
	_restart_no(k.owner)
	finding := result.finding(rego.metadata.chain(), k, sprintf(
		"service %q sets restart: \"no\", but docker stack deploy maps it to no restart policy, and swarm's default policy (condition any) restarts the task whenever it exits; set deploy.restart_policy.condition: none",
		[svc],
	))
}

report contains finding if {
	some k in input.keys
	k.class == "unsupported"
	k.key == "services.*.restart"
	svc := k.ref.path[1]
	not _restart_no(k.owner)
	f := result.with_severity(
		result.finding(rego.metadata.chain(), k, sprintf(
			"service %q sets restart, which docker stack deploy reports as ignored (Ignoring unsupported options: restart) but %s",
			[svc, _restart_effect(k.owner)],
		)),
		"note",
	)
	finding := _restart_fix(f, k)
}

_restart_fix(f, k) := _remove(f, k, "restart") if not _restart_applied(k.owner)

_restart_fix(f, k) := f if _restart_applied(k.owner)

_restart_no(owner) if {
	rp := input.services[owner].deploy.restart_policy
	rp.condition == "none"
	rp.ref.path[count(rp.ref.path) - 1] == "restart"
}

_restart_effect(owner) := "applies it: without deploy.restart_policy it maps restart to the matching restart policy; write deploy.restart_policy to say it the swarm way" if {
	_restart_applied(owner)
} else := "deploy.restart_policy decides; remove restart"

# _restart_applied: the service's restart policy is the one docker stack
# deploy maps restart to.
_restart_applied(owner) if {
	rp := input.services[owner].deploy.restart_policy
	rp.ref.path[count(rp.ref.path) - 1] == "restart"
}

# The name of a task's container is <stack>_<service>.<slot>.<task id>;
# other services reach it by its service name, so a fixed container name
# changes nothing that works in a swarm: a note.
report contains finding if {
	some k in input.keys
	k.class == "deprecated"
	k.key == "services.*.container_name"
	svc := k.ref.path[1]
	f := result.with_severity(
		result.finding(rego.metadata.chain(), k, sprintf(
			"service %q sets container_name, which docker stack deploy ignores: Setting the container name is not supported. Other services reach it by its service name",
			[svc],
		)),
		"note",
	)
	finding := _remove(f, k, "container_name")
}
