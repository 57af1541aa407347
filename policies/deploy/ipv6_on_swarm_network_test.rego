package swarmlint.rules.deploy.ipv6_on_swarm_network_test

import data.swarmlint.rules.deploy.ipv6_on_swarm_network as rule

_net(subnets) := {"networks": {"shop_back": {
	"key": "back", "name": "shop_back", "origin": "stack", "external": false, "driver": "overlay",
	"used": true, "subnets": subnets, "ref": {"src": "stack:shop", "path": ["networks", "back"]},
}}}

_sub(cidr, ipv6) := {
	"cidr": cidr, "valid": true, "ipv6": ipv6,
	"ref": {"src": "stack:shop", "path": ["networks", "back", "ipam", "config", 1, "subnet"]},
}

test_ipv6_subnet_is_reported if {
	findings := rule.report with input as _net([_sub("10.30.0.0/24", false), _sub("fd00:30::/64", true)])
	count(findings) == 1
	some f in findings
	contains(f.message, "fd00:30::/64")
}

test_ipv4_only_is_fine if {
	count(rule.report) == 0 with input as _net([_sub("10.30.0.0/24", false)])
}

# A bridge network is node-local, not a swarm network: SWL005 reports the
# driver, and its IPv6 subnet says nothing about swarm allocation.
test_bridge_network_is_not_a_swarm_network if {
	input_bridge := {"networks": {"shop_back": object.union(_net([]).networks.shop_back, {
		"driver": "bridge",
		"subnets": [_sub("fd00:30::/64", true)],
	})}}
	count(rule.report) == 0 with input as input_bridge
}

test_overlay_network_is_reported if {
	input_overlay := {"networks": {"shop_back": object.union(_net([]).networks.shop_back, {
		"driver": "overlay",
		"subnets": [_sub("fd00:30::/64", true)],
	})}}
	count(rule.report) == 1 with input as input_overlay
}
