package swarmlint.rules.addressing.overlay_subnet_larger_than_24_test

import data.swarmlint.rules.addressing.overlay_subnet_larger_than_24 as rule

_input(prefix, mode) := {
	"networks": {"s_mesh": {
		"key": "mesh", "driver": "overlay", "ingress": false, "subnet": prefix, "subnet_source": "explicit",
		"subnets": [{"prefix": prefix, "valid": true, "ipv6": false, "ref": {"src": "stack:s", "path": ["networks", "mesh", "ipam", "config", 0, "subnet"]}}],
		"services": ["s_api", "s_web"],
		"ref": {"src": "stack:s", "path": ["networks", "mesh"]},
	}},
	"services": {
		"s_api": {"key": "api", "endpoint_mode": mode},
		"s_web": {"key": "web", "endpoint_mode": mode},
	},
}

test_slash_16_with_vip_services if {
	fs := rule.report with input as _input("10.10.0.0/16", "vip")
	count(fs) == 1
	some f in fs
	f.message == "network \"mesh\" uses 10.10.0.0/16, larger than the /24 Docker recommends, for 2 VIP-mode services (\"api\" and \"web\")"
	f.ref.path[5] == "subnet"
}

test_slash_23_is_larger if {
	count(rule.report) == 1 with input as _input("10.10.0.0/23", "vip")
}

test_slash_24_is_fine if {
	count(rule.report) == 0 with input as _input("10.10.0.0/24", "vip")
}

test_dnsrr_services_are_fine if {
	count(rule.report) == 0 with input as _input("10.10.0.0/16", "dnsrr")
}

test_pool_subnet_is_not_reported if {
	inp := json.patch(_input("10.10.0.0/16", "vip"), [{"op": "replace", "path": "/networks/s_mesh/subnet_source", "value": "pool"}])
	count(rule.report) == 0 with input as inp
}
