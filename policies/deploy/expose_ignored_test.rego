package swarmlint.rules.deploy.expose_ignored_test

import data.swarmlint.rules.deploy.expose_ignored as rule

_svc(expose) := {"services": {"shop_api": {
	"key": "api", "origin": "stack", "expose": expose,
	"ref": {"src": "stack:shop", "path": ["services", "api"]},
}}}

test_expose_is_reported if {
	findings := rule.report with input as _svc(["8080", "9090"])
	count(findings) == 1
	some f in findings
	contains(f.message, "exposes 8080, 9090")
	f.sub == ["expose"]
}

test_no_expose_is_fine if {
	count(rule.report) == 0 with input as _svc([])
}
