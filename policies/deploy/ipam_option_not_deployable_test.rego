package swarmlint.rules.deploy.ipam_option_not_deployable_test

import data.swarmlint.rules.deploy.ipam_option_not_deployable as rule

_key(class, key, path) := {
	"key": key, "class": class, "stack": "shop", "owner": "shop_front",
	"ref": {"src": "stack:shop", "file": "stack.yml", "path": path},
}

test_gateway_is_reported if {
	findings := rule.report with input as {"keys": [_key(
		"not-deployable", "networks.*.ipam.config.*.gateway",
		["networks", "front", "ipam", "config", 0, "gateway"],
	)]}
	count(findings) == 1
	some f in findings
	contains(f.message, "networks.front.ipam.config.0 Additional property gateway is not allowed")
}

test_every_extra_key_is_reported if {
	count(rule.report) == 2 with input as {"keys": [
		_key("not-deployable", "networks.*.ipam.config.*.ip_range", ["networks", "front", "ipam", "config", 1, "ip_range"]),
		_key("not-deployable", "networks.*.ipam.config.*.aux_addresses", ["networks", "front", "ipam", "config", 1, "aux_addresses"]),
	]}
}

test_other_network_keys_are_not_this_rule if {
	count(rule.report) == 0 with input as {"keys": [
		_key("not-deployable", "networks.*.enable_ipv6", ["networks", "front", "enable_ipv6"]),
		_key("not-deployable", "networks.*.ipam.options", ["networks", "front", "ipam", "options"]),
	]}
}

test_no_keys_no_findings if {
	count(rule.report) == 0 with input as {"keys": []}
}
