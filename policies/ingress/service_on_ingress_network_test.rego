package swarmlint.rules.ingress.service_on_ingress_network_test

import data.swarmlint.rules.ingress.service_on_ingress_network as rule

_networks := {
	"ingress": {"id": "ingress", "name": "ingress", "ingress": true, "external": false, "ref": {}},
	"ingress#2": {"id": "ingress#2", "name": "ingress", "ingress": false, "external": true, "ref": {}},
	"web_public": {"id": "web_public", "name": "web_public", "ingress": false, "external": false, "ref": {}},
}

test_external_network_named_ingress_is_reported if {
	count(rule.report) == 1 with input as {
		"swarm": {"ingress": "ingress"},
		"networks": _networks,
		"services": {"web_proxy": {"key": "proxy", "name": "web_proxy", "networks": [
			{"key": "ingress", "network": "ingress#2", "ref": {"src": "stack:web", "path": ["services", "proxy", "networks", "ingress"]}},
			{"key": "public", "network": "web_public", "ref": {}},
		]}},
	}
}

test_script_service_on_renamed_ingress_is_reported if {
	findings := rule.report with input as {
		"swarm": {"ingress": "mesh"},
		"networks": {"mesh": {"id": "mesh", "name": "mesh", "ingress": true, "external": false, "ref": {}}},
		"services": {"api": {"key": "api", "name": "api", "networks": [{"key": "mesh", "network": "mesh", "ref": {"src": "script:b.sh", "file": "b.sh", "line": 4, "col": 30, "end_line": 4, "end_col": 34}}]}},
	}
	count(findings) == 1
	some f in findings
	contains(f.message, "the ingress network \"mesh\"")
}

test_external_ingress_after_rename_is_fine if {
	# the script renamed the ingress network, so "ingress" is an ordinary name now
	count(rule.report) == 0 with input as {
		"swarm": {"ingress": "mesh"},
		"networks": {
			"mesh": {"id": "mesh", "name": "mesh", "ingress": true, "external": false, "ref": {}},
			"ingress": {"id": "ingress", "name": "ingress", "ingress": false, "external": true, "ref": {}},
		},
		"services": {"web_proxy": {"key": "proxy", "name": "web_proxy", "networks": [{"key": "ingress", "network": "ingress", "ref": {}}]}},
	}
}

test_ordinary_network_is_fine if {
	count(rule.report) == 0 with input as {
		"swarm": {"ingress": "ingress"},
		"networks": _networks,
		"services": {"web_proxy": {"key": "proxy", "name": "web_proxy", "networks": [{"key": "public", "network": "web_public", "ref": {}}]}},
	}
}
