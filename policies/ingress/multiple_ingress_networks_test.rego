package swarmlint.rules.ingress.multiple_ingress_networks_test

import data.swarmlint.rules.ingress.multiple_ingress_networks as rule

_ref(line) := {"src": "script:b.sh", "file": "b.sh", "line": line, "col": 1, "end_line": line, "end_col": 9}

test_create_without_rm_is_reported if {
	findings := rule.report with input as {
		"swarm": {"ingress": "ingress", "ingress_events": [{"action": "create", "command": 0, "network": "mesh", "existing": "ingress", "publishers": [], "ref": _ref(2)}]},
		"networks": {"ingress": {"id": "ingress", "name": "ingress", "ingress": true, "ref": {}}, "mesh": {"id": "mesh", "name": "mesh", "ingress": true, "command": 0, "ref": _ref(2)}},
		"commands": [{"kind": "network create", "flags": {"ingress": [{"value": "", "ref": _ref(2)}]}}],
	}
	count(findings) == 1
	some f in findings
	f.ref.line == 2
	contains(f.message, "still exists")
}

test_create_after_rm_is_fine if {
	count(rule.report) == 0 with input as {
		"swarm": {"ingress": "mesh", "ingress_events": [
			{"action": "rm", "command": 0, "network": "ingress", "existing": "", "publishers": [], "ref": _ref(1)},
			{"action": "create", "command": 1, "network": "mesh", "existing": "", "publishers": [], "ref": _ref(2)},
		]},
		"networks": {"mesh": {"id": "mesh", "name": "mesh", "ingress": true, "command": 1, "ref": _ref(2)}},
		"commands": [],
	}
}

test_second_ingress_in_inventory_is_reported if {
	count(rule.report) == 1 with input as {
		"swarm": {"ingress": "ingress", "ingress_events": []},
		"networks": {
			"ingress": {"id": "ingress", "name": "ingress", "ingress": true, "ref": {"src": "inventory:n.json"}},
			"edge": {"id": "edge", "name": "edge", "ingress": true, "ref": {"src": "inventory:n.json"}},
		},
		"commands": [],
	}
}

test_one_ingress_is_fine if {
	count(rule.report) == 0 with input as {
		"swarm": {"ingress": "ingress", "ingress_events": []},
		"networks": {
			"ingress": {"id": "ingress", "name": "ingress", "ingress": true, "ref": {}},
			"web_front": {"id": "web_front", "name": "web_front", "ingress": false, "ref": {}},
		},
		"commands": [],
	}
}
