package swarmlint.rules.ingress.ingress_attachable_test

import data.swarmlint.rules.ingress.ingress_attachable as rule

_ref(line, col) := {"src": "script:b.sh", "file": "b.sh", "line": line, "col": col, "end_line": line, "end_col": col + 12}

test_attachable_ingress_points_at_the_flag if {
	findings := rule.report with input as {
		"networks": {"mesh": {"id": "mesh", "name": "mesh", "ingress": true, "attachable": true, "command": 0, "ref": _ref(3, 1)}},
		"commands": [{"kind": "network create", "flags": {"attachable": [{"value": "", "ref": _ref(3, 40)}]}}],
	}
	count(findings) == 1
	some f in findings
	f.ref.col == 40
}

test_attachable_ingress_from_inventory if {
	count(rule.report) == 1 with input as {
		"networks": {"ingress": {"id": "ingress", "name": "ingress", "ingress": true, "attachable": true, "ref": {"src": "inventory:n.json", "path": [0, "Name"]}}},
		"commands": [],
	}
}

test_attachable_overlay_is_fine if {
	count(rule.report) == 0 with input as {
		"networks": {"web_front": {"id": "web_front", "name": "web_front", "ingress": false, "attachable": true, "ref": {}}},
		"commands": [],
	}
}

test_ingress_not_attachable_is_fine if {
	count(rule.report) == 0 with input as {
		"networks": {"mesh": {"id": "mesh", "name": "mesh", "ingress": true, "attachable": false, "command": 0, "ref": _ref(3, 1)}},
		"commands": [{"kind": "network create", "flags": {"attachable": [{"value": "false", "has_value": true, "ref": _ref(3, 40)}]}}],
	}
}
