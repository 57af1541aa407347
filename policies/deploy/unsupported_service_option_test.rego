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

_restart_input(condition, path) := {
	"keys": [_key("unsupported", "restart")],
	"services": {"shop_web": {"deploy": {"restart_policy": {"condition": condition, "ref": {"path": path}}}}},
}

test_restart_always_is_a_note if {
	some f in rule.report with input as _restart_input("any", ["services", "web", "restart"])
	f.severity == "note"
	contains(f.message, "maps restart to the matching restart policy")
}

test_restart_no_is_a_warning if {
	some f in rule.report with input as _restart_input("none", ["services", "web", "restart"])
	f.severity == "warning"
	contains(f.message, "swarm's default policy (condition any) restarts the task")
}

test_restart_beside_a_restart_policy_is_a_note if {
	some f in rule.report with input as _restart_input("none", ["services", "web", "deploy", "restart_policy"])
	f.severity == "note"
	contains(f.message, "deploy.restart_policy decides")
}

test_build_and_container_name_are_notes if {
	some f in rule.report with input as {"keys": [_key("unsupported", "build")]}
	f.severity == "note"
	some g in rule.report with input as {"keys": [_key("deprecated", "container_name")]}
	g.severity == "note"
}

test_network_mode_stays_a_warning if {
	some f in rule.report with input as {"keys": [_key("unsupported", "network_mode")]}
	f.severity == "warning"
}
