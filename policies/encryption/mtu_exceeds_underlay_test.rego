package swarmlint.rules.encryption.mtu_exceeds_underlay_test

import data.swarmlint.rules.encryption.mtu_exceeds_underlay as rule

_input(underlay, set, value, effective, encrypted) := {
	"swarm": {"underlay_mtu": underlay},
	"networks": {"shop_backend": {
		"key": "backend", "name": "shop_backend", "origin": "stack", "driver": "overlay", "external": false,
		"used": true, "encrypted": encrypted, "ref": {},
		"mtu": {"raw": sprintf("%d", [value]), "value": value, "valid": true, "effective": effective, "set": set, "ref": {}},
	}},
}

test_jumbo_option_on_a_standard_underlay if {
	findings := rule.report with input as _input(1500, true, 9000, 8950, false)
	count(findings) == 1
	some f in findings
	f.sub == ["driver_opts", "com.docker.network.driver.mtu"]
	contains(f.message, "MTU of 8950")
	contains(f.message, "as 9000 bytes, more than the hosts' network MTU of 1500")
}

test_default_on_a_smaller_underlay_points_at_the_network if {
	findings := rule.report with input as _input(1400, false, 0, 1450, false)
	count(findings) == 1
	some f in findings
	f.sub == []
	contains(f.message, "default 1500 − 50 VXLAN")
}

test_encrypted_counts_the_esp_overhead if {
	findings := rule.report with input as _input(1450, false, 0, 1424, true)
	some f in findings
	contains(f.message, "as 1500 bytes")
}

test_default_on_a_standard_underlay_is_clean if {
	count(rule.report) == 0 with input as _input(1500, false, 0, 1450, false)
	count(rule.report) == 0 with input as _input(1500, false, 0, 1424, true)
}

test_lowered_option_fits if {
	count(rule.report) == 0 with input as _input(1400, true, 1400, 1350, false)
	count(rule.report) == 0 with input as _input(1400, true, 1400, 1324, true)
}

test_invalid_option_is_left_to_swl303 if {
	count(rule.report) == 0 with input as _input(1500, true, 70000, 69950, false)
	count(rule.report) == 0 with input as _input(1500, true, 100, 50, false)
}
