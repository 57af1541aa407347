package swarmlint.rules.addressing.subnet_in_allocation_path_test

import data.swarmlint.rules.addressing.subnet_in_allocation_path as rule

_input(in_path) := {
	"swarm": {"default_addr_pools": [{"prefix": "10.0.0.0/8", "valid": true, "merged_into": ""}]},
	"networks": {
		"ingress": {"key": "ingress", "ingress": true, "subnet_source": "pool", "subnets": []},
		"s_frontend": {"key": "frontend", "ingress": false, "subnet_source": "pool", "subnets": []},
		"s_cache": {"key": "cache", "ingress": false, "subnet_source": "explicit", "subnets": [{
			"prefix": "10.0.1.0/24", "in_allocation_path": in_path,
			"ref": {"src": "stack:s", "path": ["networks", "cache", "ipam", "config", 0, "subnet"]},
		}]},
	},
}

test_subnet_in_the_path if {
	fs := rule.report with input as _input(true)
	count(fs) == 1
	some f in fs
	f.message == "subnet 10.0.1.0/24 of network \"cache\" lies where the default address pool 10.0.0.0/8 hands out subnets to the 1 network without one; if one of them is created first, \"cache\" never starts"
	f.ref.path[1] == "cache"
}

test_subnet_far_from_the_front if {
	count(rule.report) == 0 with input as _input(false)
}
