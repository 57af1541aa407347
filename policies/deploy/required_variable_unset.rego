# METADATA
# title: Required variable without a value
# description: |
#   `${VAR?message}` and `${VAR:?message}` make a variable required:
#   `docker stack deploy` refuses the file with
#   `required variable VAR is missing a value: message` unless the variable
#   is set (and, with `:?`, not empty) in the environment it runs in. Stack
#   templates use this on purpose for values only known at deploy time (a
#   domain name, a password hash). swarmlint reports each such variable that
#   has no value where it runs, at the variable itself, as a note, and lints
#   the file with the value unknown: rules that need the value stay silent,
#   all others run as usual. Pass the values with `--env-file FILE` to lint
#   with them.
# related_resources:
#   - description: Docker docs, interpolation in compose files
#     ref: https://docs.docker.com/reference/compose-file/interpolation/
#   - description: Docker docs, docker stack deploy
#     ref: https://docs.docker.com/reference/cli/docker/stack/deploy/
# custom:
#   id: SWL019
#   name: required-variable-unset
#   severity: note
#   remediation: >-
#     Set the variable in the environment that runs `docker stack deploy`; to
#     lint with it, pass a file of `NAME=value` lines with `--env-file`.
package swarmlint.rules.deploy.required_variable_unset

import data.swarmlint.lib.result

report contains finding if {
	some v in input.variables
	_missing(v)
	finding := result.finding(rego.metadata.chain(), v, sprintf(
		"required variable %q has no value%s: docker stack deploy fails unless it is set; linted with the value unknown (give it with --env-file to lint with it)",
		[v.name, _quoted(v.message)],
	))
}

_missing(v) if {
	v.operator in {"?", ":?"}
	not v.set
}

_missing(v) if {
	v.operator == ":?"
	v.empty
}

_quoted(msg) := "" if msg == ""

_quoted(msg) := sprintf(" (%q)", [msg]) if msg != ""
