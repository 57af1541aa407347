package swarmlint.rules.ingress.ingress_removed_while_published_test

import data.swarmlint.rules.ingress.ingress_removed_while_published as rule

_ref := {"src": "script:b.sh", "file": "b.sh", "line": 5, "col": 1, "end_line": 5, "end_col": 26}

_services := {"web_front": {"key": "front", "name": "web_front", "stack": "web"}}

test_service_created_by_the_script_is_an_error if {
	findings := rule.report with input as {
		"services": _services,
		"swarm": {"ingress_events": [{"action": "rm", "command": 2, "network": "ingress", "publishers": [{"service": "whoami", "name": "whoami", "certain": true}], "ref": _ref}]},
	}
	count(findings) == 1
	some f in findings
	f.severity == "error"
	contains(f.message, "service \"whoami\"")
}

test_linted_stack_is_a_warning if {
	findings := rule.report with input as {
		"services": _services,
		"swarm": {"ingress_events": [{"action": "rm", "command": 2, "network": "ingress", "publishers": [{"service": "web_front", "name": "web_front", "certain": false}], "ref": _ref}]},
	}
	count(findings) == 1
	some f in findings
	f.severity == "warning"
	contains(f.message, "if they are already deployed")
}

test_both_kinds_give_two_findings if {
	count(rule.report) == 2 with input as {
		"services": _services,
		"swarm": {"ingress_events": [{
			"action": "rm", "command": 2, "network": "ingress", "publishers": [
				{"service": "whoami", "name": "whoami", "certain": true},
				{"service": "web_front", "name": "web_front", "certain": false},
			],
			"ref": _ref,
		}]},
	}
}

test_rm_without_publishers_is_fine if {
	count(rule.report) == 0 with input as {
		"services": _services,
		"swarm": {"ingress_events": [
			{"action": "rm", "command": 2, "network": "ingress", "publishers": [], "ref": _ref},
			{"action": "create", "command": 3, "network": "mesh", "existing": "", "publishers": [], "ref": _ref},
		]},
	}
}
