package swarmlint.rules.deploy.network_key_not_deployable_test

import data.swarmlint.rules.deploy.network_key_not_deployable as rule

_key(class, key, path) := {
	"key": key, "class": class, "stack": "shop", "owner": "shop_front",
	"ref": {"src": "stack:shop", "file": "stack.yml", "path": path},
}

test_enable_ipv6_is_reported if {
	findings := rule.report with input as {"keys": [_key("not-deployable", "networks.*.enable_ipv6", ["networks", "front", "enable_ipv6"])]}
	count(findings) == 1
	some f in findings
	contains(f.message, "networks.front Additional property enable_ipv6 is not allowed")
}

test_ipam_options_is_reported if {
	findings := rule.report with input as {"keys": [_key("not-deployable", "networks.*.ipam.options", ["networks", "front", "ipam", "options"])]}
	some f in findings
	contains(f.message, "networks.front.ipam Additional property options is not allowed")
}

test_key_newer_than_the_file_version_is_reported if {
	k := object.union(
		_key("needs-version", "networks.*.attachable", ["networks", "front", "attachable"]),
		{"needs_version": "3.2", "file_version": "3.1"},
	)
	findings := rule.report with input as {"keys": [k]}
	some f in findings
	contains(f.message, "needs compose file version 3.2 or later but the file is version 3.1")
}

test_ipam_config_keys_are_left_to_swl001 if {
	count(rule.report) == 0 with input as {"keys": [_key(
		"not-deployable", "networks.*.ipam.config.*.gateway",
		["networks", "front", "ipam", "config", 0, "gateway"],
	)]}
}

test_service_keys_are_not_this_rule if {
	count(rule.report) == 0 with input as {"keys": [
		object.union(_key("needs-version", "services.*.configs", ["services", "web", "configs"]), {"needs_version": "3.3", "file_version": "3.1"}),
		_key("compose-only", "services.*.profiles", ["services", "web", "profiles"]),
	]}
}
