package swarmlint.rules.deploy.invalid_file_test

import data.swarmlint.rules.deploy.invalid_file as rule

_err(msg, kind) := {
	"stack": "shop", "file": "stack.yml", "message": msg, "kind": kind,
	"ref": {"src": "stack:shop", "file": "stack.yml", "path": ["services", "web", "portz"]},
}

test_load_error_is_reported_with_its_message if {
	findings := rule.report with input as {"load_errors": [_err("unknown key \"portz\" in service \"web\" (did you mean \"ports\"?)", "schema")]}
	count(findings) == 1
	some f in findings
	f.severity == "error"
	f.message == "unknown key \"portz\" in service \"web\" (did you mean \"ports\"?)"
	f.ref.path == ["services", "web", "portz"]
}

test_every_load_error_is_reported if {
	count(rule.report) == 2 with input as {"load_errors": [_err("a", "yaml"), _err("b", "merge")]}
}

test_no_load_error_no_finding if {
	count(rule.report) == 0 with input as {"load_errors": []}
}
