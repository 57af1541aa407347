package swarmlint.rules.cluster.gwbridge_customised_too_late_test

import data.swarmlint.rules.cluster.gwbridge_customised_too_late as rule

_ref(line) := {"src": "script:node.sh", "file": "node.sh", "line": line, "col": 1, "end_line": line, "end_col": 80}

_commands := [
	{"kind": "swarm init", "ref": _ref(2)},
	{"kind": "network create", "ref": _ref(3)},
]

test_created_after_init_is_reported if {
	findings := rule.report with input as {"commands": _commands, "swarm": {"docker_gwbridge_creates": [
		{"command": 1, "subnet": "10.11.0.0/16", "in_swarm": true, "swarm_command": 0, "ref": _ref(3)},
	]}}
	count(findings) == 1
	some f in findings
	contains(f.message, "after docker swarm init on line 2")
	contains(f.message, "subnet 10.11.0.0/16")
}

test_created_before_init_is_fine if {
	count(rule.report) == 0 with input as {"commands": _commands, "swarm": {"docker_gwbridge_creates": [
		{"command": 0, "subnet": "10.11.0.0/16", "in_swarm": false, "swarm_command": -1, "ref": _ref(2)},
	]}}
}
