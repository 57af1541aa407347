package swarmlint.rules.encryption.invalid_mtu_test

import data.swarmlint.rules.encryption.invalid_mtu as rule

_net(raw, effective, encrypted) := {"networks": {"shop_backend": {
	"key": "backend", "name": "shop_backend", "origin": "stack", "driver": "overlay", "external": false,
	"used": true, "encrypted": encrypted, "ref": {},
	"mtu": {"raw": raw, "value": 0, "valid": false, "effective": effective, "set": true, "ref": {}},
}}}

_message(inp) := f.message if {
	some f in rule.report with input as inp
}

test_not_an_integer if {
	every raw in ["abc", "1450.0", " 1450", "1450 ", "1,450", ""] {
		contains(_message(_net(raw, 0, false)), "not an integer")
	}
}

test_negative if {
	contains(_message(_net("-1", 0, false)), "negative")
}

test_too_large if {
	contains(_message(_net("70000", 69950, false)), "above 65535")
}

test_too_small_for_the_encapsulation if {
	contains(_message(_net("100", 50, false)), "containers would get an MTU of 50 after the VXLAN overhead")
	contains(_message(_net("140", 64, true)), "VXLAN and IPsec")
}

test_valid_values_are_clean if {
	every case in [["1450", 1400, false], ["9000", 8950, false], ["118", 68, false], ["0", 1450, false], ["144", 68, true]] {
		count(rule.report) == 0 with input as _net(case[0], case[1], case[2])
	}
}

test_default_mtu_is_clean if {
	inp := json.patch(_net("", 1450, false), [{"op": "replace", "path": "/networks/shop_backend/mtu/set", "value": false}])
	count(rule.report) == 0 with input as inp
}

test_unused_network_is_clean if {
	inp := json.patch(_net("abc", 0, false), [{"op": "replace", "path": "/networks/shop_backend/used", "value": false}])
	count(rule.report) == 0 with input as inp
}
