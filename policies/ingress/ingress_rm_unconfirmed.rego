# METADATA
# title: Ingress network removed without an answer to the confirmation prompt
# description: |
#   `docker network rm` asks before it removes the ingress network ("WARNING!
#   Before removing the routing-mesh network, ... Are you sure you want to
#   continue? [y/N]") and reads the answer from its standard input; only `y`
#   or `Y` confirms (docker/cli `internal/prompt.Confirm`). `-f` does not skip
#   the question: it only ignores networks that do not exist. In a script run
#   without a terminal (CI, cloud-init, `ssh host sh script`), standard input
#   is empty or not the operator's: the prompt reads end of input, nothing is
#   removed, and the command still exits 0 (docker/cli `runRemove` skips the
#   network and reports no error), so `set -e` does not stop the script. The
#   `docker network create --ingress` that usually follows then fails: Docker
#   refuses a second ingress network (`ingress network (...) is already
#   present`). Observed with CLI 28 on Engine 20.10; see the engine
#   verification report.
#
#   Re-creating the network under the same name `ingress` right after a
#   confirmed removal can fail as well (`network with name ingress already
#   exists`, observed for about 2.6 s on Engine 20.10): the removal
#   completes asynchronously.
#
#   swarmlint reports a removal of the ingress network whose standard input is
#   the script's own (no pipe, no redirection), and one fed an answer that is
#   not `y` (`echo yes |`, `yes no |`). A pipe or redirection from something
#   swarmlint cannot read (a file, `cat answers |`) is left alone.
# related_resources:
#   - description: Docker docs, customize the ingress network
#     ref: https://docs.docker.com/engine/swarm/networking/#customize-ingress
#   - description: docker network rm reference
#     ref: https://docs.docker.com/reference/cli/docker/network/rm/
#   - description: "swarmlint, how Docker behaves: `docker network rm ingress` asks first"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#ingress-rm-confirmation
# custom:
#   id: SWL406
#   name: ingress-rm-unconfirmed
#   severity: warning
#   remediation: >-
#     Answer the prompt in the script: `echo y | docker network rm ingress`.
#     Before creating the new ingress network under the same name, wait until
#     the old one is gone, e.g.
#     `while docker network inspect ingress >/dev/null 2>&1; do sleep 1; done`.
package swarmlint.rules.ingress.ingress_rm_unconfirmed

import data.swarmlint.lib.result

report contains finding if {
	some event in input.swarm.ingress_events
	event.action == "rm"
	command := input.commands[event.command]
	object.get(command, "stdin", "") == ""
	finding := result.finding(rego.metadata.chain(), event, sprintf(
		"docker network rm %s asks for confirmation and reads the answer from the script's standard input%s; run without a terminal it reads end of input, removes nothing and still exits 0, %s",
		[event.network, _force(command), _consequence(event)],
	))
}

report contains finding if {
	some event in input.swarm.ingress_events
	event.action == "rm"
	command := input.commands[event.command]
	answer := _answer(command)
	not _confirms(answer)
	finding := result.finding(rego.metadata.chain(), event, sprintf(
		"docker network rm %s is answered %q, but only y confirms the prompt; nothing is removed and the command still exits 0, %s",
		[event.network, answer, _consequence(event)],
	))
}

# _answer is the first line a known pipe source or here-string writes.
_answer(command) := "y" if {
	command.stdin == "pipe"
	command.stdin_source == "yes"
}

_answer(command) := word if {
	command.stdin == "pipe"
	regex.match(`^yes [^ ]+$`, command.stdin_source)
	word := substring(command.stdin_source, 4, -1)
}

_answer(command) := trim_space(split(text, "\n")[0]) if {
	command.stdin == "pipe"
	regex.match(`^echo( -[neE]+)? `, command.stdin_source)
	text := regex.replace(command.stdin_source, `^echo( -[neE]+)? `, "")
}

_answer(command) := trim_space(split(replace(text, `\n`, "\n"), "\n")[0]) if {
	command.stdin == "pipe"
	regex.match(`^printf [^%\\]`, command.stdin_source)
	not contains(command.stdin_source, "%")
	text := substring(command.stdin_source, 7, -1)
}

_answer(command) := trim_space(split(command.stdin_source, "\n")[0]) if {
	command.stdin == "redirect"
	command.stdin_source != ""
}

_confirms(answer) if lower(answer) == "y"

_force(command) := " (-f does not skip the question)" if command.flags.force

_force(command) := "" if not command.flags.force

# The create --ingress after the removal is what fails.
_consequence(event) := sprintf("so the next docker network create --ingress (%s) fails: ingress network (...) is already present", [create.network]) if {
	create := _next_create(event)
} else := "so the old ingress network stays"

_next_create(event) := [e |
	some e in input.swarm.ingress_events
	e.action == "create"
	e.command > event.command
][0]
