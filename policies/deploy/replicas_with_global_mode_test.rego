package swarmlint.rules.deploy.replicas_with_global_mode_test

import data.swarmlint.rules.deploy.replicas_with_global_mode as rule

_svc(mode, mode_file, replicas_file) := {"services": {"mon_agent": {
	"key": "agent", "origin": "stack", "mode": mode,
	"mode_ref": _ref(mode_file, "mode"),
	"replicas_ref": _ref(replicas_file, "replicas"),
	"ref": {"src": "stack:mon", "path": ["services", "agent"]},
}}}

_ref(file, _) := null if file == ""

_ref(file, field) := {"src": "stack:mon", "file": file, "path": ["services", "agent", "deploy", field]} if file != ""

test_global_from_override_with_base_replicas_is_reported if {
	findings := rule.report with input as _svc("global", "stacks/prod.yml", "stacks/base.yml")
	count(findings) == 1
	some f in findings
	f.ref.file == "stacks/base.yml"
	f.ref.path == ["services", "agent", "deploy", "replicas"]
	contains(f.message, "its mode is global (set in prod.yml)")
}

test_global_and_replicas_in_one_file_is_reported if {
	findings := rule.report with input as _svc("global", "stack.yml", "stack.yml")
	count(findings) == 1
	some f in findings
	not contains(f.message, "set in")
}

test_global_job_is_reported if {
	count(rule.report) == 1 with input as _svc("global-job", "stack.yml", "stack.yml")
}

test_replicated_is_fine if {
	count(rule.report) == 0 with input as _svc("replicated", "stack.yml", "stack.yml")
}

test_global_without_replicas_is_fine if {
	count(rule.report) == 0 with input as _svc("global", "stack.yml", "")
}

test_inventory_service_is_not_judged if {
	inp := {"services": {"agent": {
		"key": "agent", "origin": "inventory", "mode": "global", "mode_ref": null,
		"replicas_ref": {"src": "inventory:x.json", "path": [0]},
	}}}
	count(rule.report) == 0 with input as inp
}
