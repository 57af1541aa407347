package swarmlint.rules.ingress.ingress_rm_unconfirmed_test

import data.swarmlint.rules.ingress.ingress_rm_unconfirmed as rule

_ref := {"src": "script:b.sh", "file": "b.sh", "line": 5, "col": 1, "end_line": 5, "end_col": 26}

_input(command) := {
	"commands": [{"kind": "swarm init", "flags": {}}, object.union({"kind": "network rm", "flags": {}}, command), {"kind": "network create", "flags": {}}],
	"swarm": {"ingress_events": [
		{"action": "rm", "command": 1, "network": "ingress", "publishers": [], "ref": _ref},
		{"action": "create", "command": 2, "network": "my-ingress", "existing": "", "publishers": [], "ref": _ref},
	]},
}

test_script_stdin_is_reported if {
	findings := rule.report with input as _input({"stdin": "", "stdin_source": ""})
	count(findings) == 1
	some f in findings
	f.severity == "warning"
	contains(f.message, "removes nothing and still exits 0")
	contains(f.message, "docker network create --ingress (my-ingress) fails")
	not contains(f.message, "-f does not")
}

test_force_does_not_help if {
	some f in rule.report with input as _input({"stdin": "", "stdin_source": "", "flags": {"force": [{"value": ""}]}})
	contains(f.message, "-f does not skip the question")
}

test_confirmed_answers_are_not_reported if {
	every source in ["echo y", "echo Y", "echo -n y", "yes", "yes Y", `printf y\n`, "printf y"] {
		count(rule.report) == 0 with input as _input({"stdin": "pipe", "stdin_source": source})
	}
	count(rule.report) == 0 with input as _input({"stdin": "redirect", "stdin_source": "y"})
}

test_other_answers_are_reported if {
	every source in ["echo yes", "echo n", "yes yes", "printf yes"] {
		some f in rule.report with input as _input({"stdin": "pipe", "stdin_source": source})
		contains(f.message, "only y confirms")
	}
}

test_unknown_sources_are_left_alone if {
	count(rule.report) == 0 with input as _input({"stdin": "pipe", "stdin_source": ""})
	count(rule.report) == 0 with input as _input({"stdin": "pipe", "stdin_source": "cat answers"})
	count(rule.report) == 0 with input as _input({"stdin": "redirect", "stdin_source": ""})
}

test_without_a_later_create if {
	inp := _input({"stdin": "", "stdin_source": ""})
	some f in rule.report with input as object.union(inp, {"swarm": {"ingress_events": [inp.swarm.ingress_events[0]]}})
	contains(f.message, "so the old ingress network stays")
}
