package swarmlint.rules.encryption.encrypted_overlay_cost_test

import data.swarmlint.rules.encryption.encrypted_overlay_cost as rule

_net(over) := {"networks": {"shop_backend": object.union(
	{
		"key": "backend", "name": "shop_backend", "origin": "stack", "driver": "overlay",
		"external": false, "used": true, "encrypted": true, "encrypted_value": "true", "ref": {},
	},
	over,
)}}

test_encrypted_network_is_reported if {
	findings := rule.report with input as _net({})
	count(findings) == 1
	some f in findings
	f.sub == ["driver_opts", "encrypted"]
	contains(f.message, "IP protocol 50 (ESP)")
}

test_unencrypted_network_is_clean if {
	count(rule.report) == 0 with input as _net({"encrypted": false, "encrypted_value": ""})
}

test_unused_network_is_never_created if {
	count(rule.report) == 0 with input as _net({"used": false})
}

test_external_network_is_not_ours if {
	count(rule.report) == 0 with input as _net({"external": true, "origin": "external"})
}

test_script_network_is_reported_by_swarm_name if {
	findings := rule.report with input as _net({"origin": "script", "used": false})
	some f in findings
	contains(f.message, "network \"shop_backend\"")
}
