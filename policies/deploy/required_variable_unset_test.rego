package swarmlint.rules.deploy.required_variable_unset_test

import data.swarmlint.rules.deploy.required_variable_unset as rule

_var(name, op, set, empty, msg) := {
	"name": name, "operator": op, "set": set, "empty": empty, "message": msg,
	"syntax": concat("", ["${", name, op, msg, "}"]), "required": op in {"?", ":?"},
	"ref": {"src": "stack:shop", "file": "stack.yml", "path": ["services", "web", "image"]},
}

test_unset_required_variable_is_reported if {
	findings := rule.report with input as {"variables": [_var("DOMAIN", "?", false, false, "Variable not set")]}
	count(findings) == 1
	some f in findings
	f.severity == "note"
	contains(f.message, "\"DOMAIN\"")
	contains(f.message, "(\"Variable not set\")")
	contains(f.message, "--env-file")
}

test_colon_form_with_empty_value_is_reported if {
	count(rule.report) == 1 with input as {"variables": [_var("DOMAIN", ":?", true, true, "")]}
}

test_plain_form_with_empty_value_is_fine if {
	count(rule.report) == 0 with input as {"variables": [_var("DOMAIN", "?", true, true, "")]}
}

test_set_required_variable_is_fine if {
	count(rule.report) == 0 with input as {"variables": [_var("DOMAIN", ":?", true, false, "msg")]}
}

test_other_operators_are_not_this_rule if {
	count(rule.report) == 0 with input as {"variables": [_var("TAG", ":-", false, false, "")]}
}

test_no_message_no_quote if {
	some f in rule.report with input as {"variables": [_var("DOMAIN", "?", false, false, "")]}
	not contains(f.message, "(\"")
}
