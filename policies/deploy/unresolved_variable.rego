# METADATA
# title: Variable with no value and no default
# description: |
#   `docker stack deploy` interpolates `${VAR}` from its own environment only
#   (it reads no `.env` file). An unset variable without a default becomes an
#   empty string without any warning, so `image: nginx:${TAG}` deploys
#   `nginx:` and a `${PORT}` in a port string publishes no fixed port. Where
#   docker/cli converts the value to a number or boolean (ports `published`
#   and `target`, `deploy.replicas`, `internal`, ...), the empty value makes
#   the deploy fail instead:
#   `error while interpolating services.web.ports.[].published: failed to cast to expected type`
#   (reported as an error). compose-go, and thus `docker compose`, only warns
#   and leaves the port unpublished. swarmlint
#   looks variables up in its own environment and any `--env-file`.
#
#   An empty value is a **warning** where it silently changes what the swarm
#   does: published ports, the image, `deploy.mode`, `replicas` and
#   `endpoint_mode`, the networks a service joins, and a network's name,
#   driver, options and subnets. Elsewhere (environment, labels, commands,
#   health checks) it is a **note**: the environment that runs the deploy
#   often sets it (a project's own scripts export it).
# related_resources:
#   - description: Docker docs, interpolation in compose files
#     ref: https://docs.docker.com/reference/compose-file/interpolation/
#   - description: Docker docs, docker stack deploy
#     ref: https://docs.docker.com/reference/cli/docker/stack/deploy/
#   - description: "swarmlint, how Docker behaves: Variables: environment only, empty when unset"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#variable-interpolation
# custom:
#   id: SWL018
#   name: unresolved-variable
#   severity: warning
#   remediation: >-
#     Give the variable a default (`${TAG:-1.27}`), make it required with a
#     message (`${TAG:?set TAG to the image tag}`), or set it in the
#     environment that runs `docker stack deploy`.
package swarmlint.rules.deploy.unresolved_variable

import data.swarmlint.lib.result

report contains finding if {
	some v in input.variables
	not v.set
	v.operator == ""
	not v.cast_fails
	_shapes_the_swarm(v.field)
	finding := result.finding(rego.metadata.chain(), v, sprintf(
		"variable %q is not set and has no default: docker stack deploy silently substitutes an empty string in %s",
		[v.name, v.field],
	))
}

# Elsewhere (environment, labels, commands, ...) the empty value is the
# application's business, and the environment that deploys often sets the
# variable: a note.
report contains finding if {
	some v in input.variables
	not v.set
	v.operator == ""
	not v.cast_fails
	not _shapes_the_swarm(v.field)
	finding := result.with_severity(
		result.finding(rego.metadata.chain(), v, sprintf(
			"variable %q is not set here and has no default: unless the environment that runs docker stack deploy sets it, %s is deployed with an empty string",
			[v.name, v.field],
		)),
		"note",
	)
}

# _shapes_the_swarm: fields where an empty value silently changes what the
# swarm does: published ports, the image, modes and replicas, the networks a
# service joins, and a network's name, driver, options and subnets.
_shapes_the_swarm(field) if regex.match(
	`^services\.[^.]+\.(ports\.|image$|deploy\.(mode|replicas|endpoint_mode)$|networks)`,
	field,
)

_shapes_the_swarm(field) if regex.match(`^networks\.[^.]+\.(name|driver|driver_opts|external|ipam)`, field)

report contains finding if {
	some v in input.variables
	not v.set
	v.operator == ""
	v.cast_fails
	finding := result.with_severity(
		result.finding(rego.metadata.chain(), v, sprintf(
			"variable %q is not set and has no default; docker stack deploy fails: error while interpolating %s: failed to cast to expected type (%s)",
			[v.name, v.field, v.cast],
		)),
		"error",
	)
}
