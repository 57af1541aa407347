package swarmlint.rules.deploy.network_never_created_test

import data.swarmlint.rules.deploy.network_never_created as rule

_net(used, external) := {"networks": {"shop_monitoring": {
	"key": "monitoring", "name": "shop_monitoring", "origin": "stack",
	"implicit": false, "external": external, "used": used, "ref": {"src": "stack:shop", "path": ["networks", "monitoring"]},
}}}

test_unused_network_is_reported if {
	findings := rule.report with input as _net(false, false)
	count(findings) == 1
	some f in findings
	f.severity == "note"
}

test_used_network_is_fine if {
	count(rule.report) == 0 with input as _net(true, false)
}

test_unused_external_network_is_fine if {
	count(rule.report) == 0 with input as _net(false, true)
}
