package swarmlint.rules.deploy.predefined_network_name_test

import data.swarmlint.rules.deploy.predefined_network_name as rule

_net(key, name, labels) := {
	"key": key, "name": name, "stack": "shop", "origin": "stack", "external": false,
	"used": true, "labels": labels, "ref": {"src": "stack:shop", "path": ["networks", key]},
}

test_name_host_is_reported if {
	findings := rule.report with input as {"networks": {"host": _net("hostnet", "host", {})}}
	count(findings) == 1
	some f in findings
	contains(f.message, "operation is not permitted on predefined host network")
	f.sub == ["name"]
}

test_name_ingress_and_gwbridge_are_reported if {
	count(rule.report) == 2 with input as {"networks": {
		"ingress#2": _net("mesh", "ingress", {}),
		"docker_gwbridge": _net("gw", "docker_gwbridge", {}),
	}}
}

test_predefined_label_is_reported if {
	findings := rule.report with input as {"networks": {"shop_back": _net("back", "shop_back", {"com.docker.swarm.predefined": "true"})}}
	some f in findings
	f.sub == ["labels", "com.docker.swarm.predefined"]
}

test_stack_scoped_key_named_host_is_fine if {
	count(rule.report) == 0 with input as {"networks": {"shop_host": _net("host", "shop_host", {"team": "edge"})}}
}

test_external_host_is_fine if {
	n := object.union(_net("hostnet", "host", {}), {"external": true, "origin": "external"})
	count(rule.report) == 0 with input as {"networks": {"host": n}}
}
