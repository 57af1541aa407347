package swarmlint.rules.deploy.subnet_host_bits_set_test

import data.swarmlint.rules.deploy.subnet_host_bits_set as rule

_net(subnets) := {
	"key": "back", "name": "shop_back", "origin": "stack", "external": false, "used": true,
	"subnets": subnets, "ref": {"src": "stack:shop", "path": ["networks", "back"]},
}

_sub(cidr, prefix, host_bits, ipv6) := {
	"cidr": cidr, "prefix": prefix, "valid": true, "ipv6": ipv6,
	"host_bits_set": host_bits, "ref": {"src": "stack:shop", "path": ["networks", "back", "ipam", "config", 0, "subnet"]},
}

test_host_bits_are_reported_with_the_network_address if {
	findings := rule.report with input as {"networks": {"shop_back": _net([_sub("10.0.1.1/24", "10.0.1.0/24", true, false)])}}
	count(findings) == 1
	some f in findings
	contains(f.message, "invalid subnet 10.0.1.1/24: it should be 10.0.1.0/24")
}

test_network_address_is_fine if {
	count(rule.report) == 0 with input as {"networks": {"shop_back": _net([_sub("10.0.1.0/24", "10.0.1.0/24", false, false)])}}
}

test_ipv6_is_left_to_swl015 if {
	count(rule.report) == 0 with input as {"networks": {"shop_back": _net([_sub("fd00::1/64", "fd00::/64", true, true)])}}
}

test_unused_network_is_fine if {
	n := object.union(_net([_sub("10.0.1.1/24", "10.0.1.0/24", true, false)]), {"used": false})
	count(rule.report) == 0 with input as {"networks": {"shop_back": n}}
}
