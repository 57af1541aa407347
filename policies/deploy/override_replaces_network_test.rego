package swarmlint.rules.deploy.override_replaces_network_test

import data.swarmlint.rules.deploy.override_replaces_network as rule

_net(replaced) := {"networks": {"shop_backend": {
	"key": "backend", "name": "shop_backend", "replaced": replaced,
	"ref": {"src": "stack:shop", "path": ["networks", "backend"]},
}}}

_r(dropped) := {
	"file": "deploy/prod.yml", "earlier": ["deploy/base.yml"], "dropped": dropped,
	"ref": {"src": "stack:shop", "file": "deploy/prod.yml", "path": ["networks", "backend"]},
}

test_dropped_encryption_is_reported if {
	findings := rule.report with input as _net([_r(["driver_opts.encrypted", "ipam"])])
	count(findings) == 1
	some f in findings
	f.message == `network "backend": the entry in prod.yml replaces the one from base.yml under docker stack deploy, dropping driver_opts.encrypted, ipam`
	f.ref.file == "deploy/prod.yml"
}

test_single_file_stack_is_fine if {
	count(rule.report) == 0 with input as _net([])
}

test_nothing_dropped_is_fine if {
	count(rule.report) == 0 with input as _net([_r([])])
}
