package swarmlint.rules.ports.ingress_port_without_ingress_network_test

import data.swarmlint.rules.ports.ingress_port_without_ingress_network as rule

_web := {"key": "web", "stack": "shop", "origin": "stack", "ports": [
	{"target": 22, "published": 2222, "published_raw": "2222", "protocol": "tcp", "mode": "host", "ref": {"i": 0}},
	{"target": 80, "published": 80, "published_raw": "80", "protocol": "tcp", "mode": "ingress", "ref": {"i": 1}},
	{"target": 443, "published": 443, "published_raw": "443", "protocol": "tcp", "mode": "ingress", "ref": {"i": 2}},
]}

_agent := {"key": "agent", "stack": "shop", "origin": "stack", "ports": [
	{"target": 9100, "published": 9100, "published_raw": "9100", "protocol": "tcp", "mode": "host", "ref": {}},
]}

_script_web(at) := {"key": "web", "name": "web", "stack": "", "origin": "script", "command": at, "ports": [
	{"target": 80, "published": 8080, "published_raw": "8080", "protocol": "tcp", "mode": "ingress", "ref": {"cmd": at}},
]}

test_no_ingress_network_reports_each_publishing_service_once if {
	findings := rule.report with input as {"swarm": {"ingress": "", "ingress_events": []}, "networks": {}, "services": {"shop_web": _web}}
	count(findings) == 1
	some f in findings
	f.ref == {"i": 1}
	contains(f.message, "service needs ingress network, but no ingress network is present")
}

test_ingress_present_is_fine if {
	count(rule.report) == 0 with input as {
		"swarm": {"ingress": "ingress", "ingress_events": []},
		"networks": {"ingress": {"name": "ingress", "ingress": true}},
		"services": {"shop_web": _web, "shop_agent": _agent},
	}
}

test_host_mode_only_is_fine_without_ingress if {
	count(rule.report) == 0 with input as {"swarm": {"ingress": "", "ingress_events": []}, "networks": {}, "services": {"shop_agent": _agent}}
}

test_script_service_created_after_the_removal if {
	findings := rule.report with input as {
		"swarm": {"ingress": "", "ingress_events": [{"action": "rm", "command": 1}]},
		"networks": {},
		"services": {"web": _script_web(2)},
	}
	count(findings) == 1
}

test_script_service_created_before_the_removal_is_left_to_swl405 if {
	count(rule.report) == 0 with input as {
		"swarm": {"ingress": "", "ingress_events": [{"action": "rm", "command": 3}]},
		"networks": {},
		"services": {"web": _script_web(2)},
	}
}

test_script_service_created_after_the_new_ingress_is_fine if {
	count(rule.report) == 0 with input as {
		"swarm": {"ingress": "my-ingress", "ingress_events": [{"action": "rm", "command": 1}, {"action": "create", "command": 2}]},
		"networks": {"my-ingress": {"name": "my-ingress", "ingress": true}},
		"services": {"web": _script_web(3)},
	}
}

test_script_service_between_removal_and_creation if {
	count(rule.report) == 1 with input as {
		"swarm": {"ingress": "my-ingress", "ingress_events": [{"action": "rm", "command": 1}, {"action": "create", "command": 3}]},
		"networks": {"my-ingress": {"name": "my-ingress", "ingress": true}},
		"services": {"web": _script_web(2)},
	}
}
