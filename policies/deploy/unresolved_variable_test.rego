package swarmlint.rules.deploy.unresolved_variable_test

import data.swarmlint.rules.deploy.unresolved_variable as rule

_var(name, set, op, field, cast, fails) := {
	"name": name, "set": set, "operator": op, "syntax": concat("", ["${", name, "}"]),
	"field": field, "cast": cast, "cast_fails": fails,
	"ref": {"src": "stack:shop", "file": "stack.yml", "path": ["services", "web", "image"]},
}

test_unset_variable_is_reported if {
	findings := rule.report with input as {"variables": [_var("TAG", false, "", "services.web.image", "", false)]}
	count(findings) == 1
	some f in findings
	f.severity == "warning"
	contains(f.message, "substitutes an empty string in services.web.image")
}

test_unset_port_is_an_error if {
	findings := rule.report with input as {"variables": [_var("PORT", false, "", "services.web.ports.[].published", "int", true)]}
	some f in findings
	f.severity == "error"
	contains(f.message, "error while interpolating services.web.ports.[].published")
}

test_default_is_fine if {
	count(rule.report) == 0 with input as {"variables": [_var("TAG", false, ":-", "services.web.image", "", false)]}
}

test_set_variable_is_fine if {
	count(rule.report) == 0 with input as {"variables": [_var("TAG", true, "", "services.web.image", "", false)]}
}

test_plus_operator_is_left_to_swl013 if {
	count(rule.report) == 0 with input as {"variables": [_var("DEBUG", false, ":+", "services.web.command", "", false)]}
}

test_unset_variable_in_the_environment_is_a_note if {
	findings := rule.report with input as {"variables": [_var("LOG", false, "", "services.web.environment.LOG_LEVEL", "", false)]}
	some f in findings
	f.severity == "note"
	contains(f.message, "unless the environment that runs docker stack deploy sets it")
}

test_unset_variable_in_a_network_name_is_a_warning if {
	some f in rule.report with input as {"variables": [_var("STACK", false, "", "networks.default.name", "", false)]}
	f.severity == "warning"
}
