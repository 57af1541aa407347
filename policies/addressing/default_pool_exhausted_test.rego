package swarmlint.rules.addressing.default_pool_exhausted_test

import data.swarmlint.rules.addressing.default_pool_exhausted as rule

_input(exhausted) := {
	"swarm": {
		"mask_length": 26, "pool_shortfall": 1,
		"default_addr_pools": [{"prefix": "10.20.0.0/25", "valid": true, "merged_into": ""}],
	},
	"networks": {
		"ingress": {"key": "ingress", "pool_exhausted": false},
		"s_front": {"key": "front", "pool_exhausted": false, "ref": {"src": "stack:s", "path": ["networks", "front"]}},
		"s_back": {"key": "back", "pool_exhausted": exhausted, "ref": {"src": "stack:s", "path": ["networks", "back"]}},
	},
}

test_network_without_subnet if {
	fs := rule.report with input as _input(true)
	count(fs) == 1
	some f in fs
	f.message == "network \"back\" gets no /26 subnet: the default address pool 10.20.0.0/25 is fully subnetted (1 network without a subnet)"
	f.ref.path == ["networks", "back"]
}

test_every_network_got_one if {
	count(rule.report) == 0 with input as _input(false)
}
