package swarmlint.rules.deploy.external_network_options_ignored_test

import data.swarmlint.rules.deploy.external_network_options_ignored as rule

_key(class, opt) := {
	"key": concat(".", ["networks.*", opt]), "class": class, "stack": "shop", "owner": "",
	"ref": {"src": "stack:shop", "file": "stack.yml", "path": ["networks", "proxy", opt]},
}

test_driver_opts_on_external_is_reported if {
	findings := rule.report with input as {"keys": [_key("external-ignored", "driver_opts")]}
	count(findings) == 1
	some f in findings
	contains(f.message, `network "proxy" is external, so docker stack deploy ignores its driver_opts`)
}

test_each_key_is_reported if {
	count(rule.report) == 3 with input as {"keys": [
		_key("external-ignored", "driver"),
		_key("external-ignored", "ipam"),
		_key("external-ignored", "labels"),
	]}
}

test_other_classes_are_not_this_rule if {
	count(rule.report) == 0 with input as {"keys": [_key("not-deployable", "enable_ipv6")]}
}
