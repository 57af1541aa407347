package swarmlint.rules.ingress.ingress_not_overlay_test

import data.swarmlint.rules.ingress.ingress_not_overlay as rule

_ref(line, col) := {"src": "script:b.sh", "file": "b.sh", "line": line, "col": col, "end_line": line, "end_col": col + 9}

test_missing_driver_defaults_to_bridge if {
	findings := rule.report with input as {
		"networks": {"mesh": {"id": "mesh", "name": "mesh", "ingress": true, "driver": "bridge", "driver_raw": "", "command": 0, "ref": _ref(2, 1)}},
		"commands": [{"kind": "network create", "flags": {"ingress": [{"value": "", "ref": _ref(2, 23)}]}}],
	}
	count(findings) == 1
	some f in findings
	f.ref.col == 23
	contains(f.message, "has no --driver")
	contains(f.message, "Ingress network can only be global scope network")
}

test_plugin_driver_gets_swarmkit_message if {
	findings := rule.report with input as {
		"networks": {"mesh": {"id": "mesh", "name": "mesh", "ingress": true, "driver": "weave", "driver_raw": "weave", "command": 0, "ref": _ref(2, 1)}},
		"commands": [{"kind": "network create", "flags": {"driver": [{"value": "weave", "ref": _ref(2, 23)}], "ingress": [{"value": "", "ref": _ref(2, 40)}]}}],
	}
	count(findings) == 1
	some f in findings
	f.ref.col == 23
	contains(f.message, "only overlay driver is currently supported")
}

test_overlay_ingress_is_fine if {
	count(rule.report) == 0 with input as {
		"networks": {"mesh": {"id": "mesh", "name": "mesh", "ingress": true, "driver": "overlay", "driver_raw": "overlay", "command": 0, "ref": _ref(2, 1)}},
		"commands": [{"kind": "network create", "flags": {}}],
	}
}

test_bridge_network_that_is_not_ingress_is_fine if {
	count(rule.report) == 0 with input as {
		"networks": {"web_front": {"id": "web_front", "name": "web_front", "ingress": false, "driver": "bridge", "driver_raw": "bridge", "ref": {}}},
		"commands": [],
	}
}
