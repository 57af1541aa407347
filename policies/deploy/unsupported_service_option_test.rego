package swarmlint.rules.deploy.unsupported_service_option_test

import data.swarmlint.rules.deploy.unsupported_service_option as rule

_key(class, opt) := {
	"key": concat(".", ["services.*", opt]), "class": class, "stack": "shop", "owner": "shop_web",
	"ref": {"src": "stack:shop", "file": "stack.yml", "path": ["services", "web", opt]},
}

test_network_mode_is_reported if {
	findings := rule.report with input as {"keys": [_key("unsupported", "network_mode")]}
	count(findings) == 1
	some f in findings
	contains(f.message, "Ignoring unsupported options: network_mode")
}

test_container_name_is_reported if {
	count(rule.report) == 1 with input as {"keys": [_key("deprecated", "container_name")]}
}

test_expose_is_left_to_swl017 if {
	count(rule.report) == 0 with input as {"keys": [_key("deprecated", "expose")]}
}

test_forbidden_and_compose_only_are_not_this_rule if {
	count(rule.report) == 0 with input as {"keys": [_key("forbidden", "extends"), _key("compose-only", "profiles")]}
}
