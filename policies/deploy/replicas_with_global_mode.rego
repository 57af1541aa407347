# METADATA
# title: Replicas on a service in global mode
# description: |
#   A `global` service runs one task on every eligible node; it has no
#   replica count. `docker stack deploy` refuses a service that has both:
#   docker/cli's `convertDeployMode` stops the whole deploy with
#   `replicas can only be used with replicated or replicated-job mode`, for
#   `global` and `global-job` alike, whatever the number (`replicas: 1` and
#   `replicas: 0` too).
#
#   It happens most with several `-c` files: stack deploy merges a service's
#   `deploy` section key by key, so `replicas: 3` in the base file survives
#   an override that switches the service to `mode: global` (confirmed on
#   the engine, docs/swarm-behaviour.md#global-mode-with-replicas). The finding points at the
#   `replicas` key and names the file that sets the mode.
# related_resources:
#   - description: Docker docs, compose deploy specification (mode, replicas)
#     ref: https://docs.docker.com/reference/compose-file/deploy/#mode
#   - description: docker/cli, cli/compose/convert/service.go (convertDeployMode)
#     ref: https://github.com/docker/cli/blob/master/cli/compose/convert/service.go
# custom:
#   id: SWL020
#   name: replicas-with-global-mode
#   severity: error
#   remediation: >-
#     Remove `replicas` where the service is global: in an override that
#     switches a service to `mode: global`, the base file's `replicas` has to
#     go from the base file (or keep the base replicated and set
#     `replicas` per environment instead).
package swarmlint.rules.deploy.replicas_with_global_mode

import data.swarmlint.lib.result

_global_modes := {"global", "global-job"}

report contains finding if {
	some s in input.services
	object.get(s, "origin", "stack") == "stack"
	s.mode in _global_modes
	s.replicas_ref != null
	finding := result.finding(rego.metadata.chain(), {"ref": s.replicas_ref}, sprintf(
		"service %q sets replicas but its mode is %s%s: docker stack deploy refuses it: replicas can only be used with replicated or replicated-job mode",
		[s.key, s.mode, _mode_from(s)],
	))
}

# Name the file that switches the mode when it is not the one with replicas.
_mode_from(s) := sprintf(" (set in %s)", [_base(s.mode_ref.file)]) if {
	s.mode_ref != null
	s.mode_ref.file != s.replicas_ref.file
} else := ""

_base(path) := parts[count(parts) - 1] if parts := split(path, "/")
