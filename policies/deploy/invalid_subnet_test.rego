package swarmlint.rules.deploy.invalid_subnet_test

import data.swarmlint.rules.deploy.invalid_subnet as rule

_net(subnets, used) := {
	"key": "back", "name": "shop_back", "origin": "stack", "external": false, "used": used,
	"subnets": subnets, "ref": {"src": "stack:shop", "path": ["networks", "back"]},
}

_sub(cidr, valid) := {
	"cidr": cidr, "valid": valid, "ipv6": false, "host_bits_set": false,
	"ref": {"src": "stack:shop", "path": ["networks", "back", "ipam", "config", 0, "subnet"]},
}

test_not_a_cidr_is_reported if {
	findings := rule.report with input as {"networks": {"shop_back": _net([_sub("10.1.1/24", false)], true)}}
	count(findings) == 1
	some f in findings
	contains(f.message, `subnet "10.1.1/24" is not a CIDR`)
	f.ref.path == ["networks", "back", "ipam", "config", 0, "subnet"]
}

test_valid_subnet_is_fine if {
	count(rule.report) == 0 with input as {"networks": {"shop_back": _net([_sub("10.1.1.0/24", true)], true)}}
}

test_unused_network_is_never_created if {
	count(rule.report) == 0 with input as {"networks": {"shop_back": _net([_sub("10.1.1/24", false)], false)}}
}

test_external_network_is_not_created if {
	n := object.union(_net([_sub("bogus", false)], true), {"external": true, "origin": "external"})
	count(rule.report) == 0 with input as {"networks": {"back": n}}
}

test_script_network_is_checked if {
	n := object.union(_net([_sub("10.0.300.0/24", false)], false), {"origin": "script"})
	count(rule.report) == 1 with input as {"networks": {"back": n}}
}

test_invalid_init_pool_is_reported if {
	count(rule.report) == 1 with input as {"networks": {}, "swarm": {"inits": [{"pools": [
		{"cidr": "10.60.0.0/33", "valid": false, "ref": {"src": "flag:swarm-init"}},
		{"cidr": "10.70.0.0/16", "valid": true, "ref": {"src": "flag:swarm-init"}},
	]}]}}
}
