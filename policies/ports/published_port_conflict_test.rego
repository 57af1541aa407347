package swarmlint.rules.ports.published_port_conflict_test

import data.swarmlint.rules.ports.published_port_conflict as rule

_port(n, mode) := {"target": n, "published": n, "published_raw": sprintf("%d", [n]), "protocol": "tcp", "mode": mode, "ref": {"n": n}}

_input(a_mode, b_mode) := {
	"services": {
		"shop_api": {"id": "shop_api", "key": "api", "name": "shop_api", "stack": "shop", "ports": [_port(8080, a_mode)]},
		"shop_web": {"id": "shop_web", "key": "web", "name": "shop_web", "stack": "shop", "ports": [_port(8080, b_mode)]},
	},
	"indexes": {"published_ports": {"8080/tcp": [
		{"service": "shop_api", "port": 0, "mode": a_mode},
		{"service": "shop_web", "port": 0, "mode": b_mode},
	]}},
}

test_ingress_vs_ingress_reports_the_later_service if {
	findings := rule.report with input as _input("ingress", "ingress")
	count(findings) == 1
	some f in findings
	startswith(f.message, "service \"web\" publishes 8080/tcp in ingress mode")
	contains(f.message, "port '8080' is already in use by service 'shop_api' (...) as an ingress port")
}

test_host_vs_ingress_conflicts if {
	findings := rule.report with input as _input("ingress", "host")
	count(findings) == 1
	some f in findings
	contains(f.message, "in host mode")
	contains(f.message, "service \"api\" publishes it in ingress mode")
}

test_ingress_after_host_conflicts if {
	findings := rule.report with input as _input("host", "ingress")
	count(findings) == 1
	some f in findings
	contains(f.message, "as a host-published port")
}

test_host_vs_host_is_allowed if {
	count(rule.report) == 0 with input as _input("host", "host")
}

test_one_service_is_not_a_conflict if {
	count(rule.report) == 0 with input as {
		"services": {"shop_web": {"id": "shop_web", "key": "web", "name": "shop_web", "stack": "shop", "ports": [_port(8080, "ingress")]}},
		"indexes": {"published_ports": {"8080/tcp": [{"service": "shop_web", "port": 0, "mode": "ingress"}]}},
	}
}

test_a_range_is_reported_once_per_port if {
	ports := [{"target": 80, "published": 0, "published_raw": "8000-8002", "protocol": "tcp", "mode": "ingress", "ref": {}}]
	findings := rule.report with input as {
		"services": {
			"a_proxy": {"id": "a_proxy", "key": "proxy", "name": "a_proxy", "stack": "a", "ports": ports},
			"b_proxy": {"id": "b_proxy", "key": "proxy", "name": "b_proxy", "stack": "b", "ports": ports},
		},
		"indexes": {"published_ports": {
			"8000/tcp": [{"service": "a_proxy", "port": 0, "mode": "ingress"}, {"service": "b_proxy", "port": 0, "mode": "ingress"}],
			"8001/tcp": [{"service": "a_proxy", "port": 0, "mode": "ingress"}, {"service": "b_proxy", "port": 0, "mode": "ingress"}],
			"8002/tcp": [{"service": "a_proxy", "port": 0, "mode": "ingress"}, {"service": "b_proxy", "port": 0, "mode": "ingress"}],
		}},
	}
	count(findings) == 1
	some f in findings
	contains(f.message, "8000-8002/tcp (3 ports)")
	contains(f.message, "service \"a_proxy\" publishes it")
}

test_a_partial_range_clash_lists_the_ports if {
	ports := [{"target": 80, "published": 0, "published_raw": "8000-8005", "protocol": "tcp", "mode": "ingress", "ref": {}}]
	findings := rule.report with input as {
		"services": {
			"a_proxy": {"id": "a_proxy", "key": "proxy", "name": "a_proxy", "stack": "a", "ports": ports},
			"b_proxy": {"id": "b_proxy", "key": "proxy", "name": "b_proxy", "stack": "b", "ports": ports},
		},
		"indexes": {"published_ports": {
			"8000/tcp": [{"service": "a_proxy", "port": 0, "mode": "ingress"}, {"service": "b_proxy", "port": 0, "mode": "ingress"}],
			"8005/tcp": [{"service": "a_proxy", "port": 0, "mode": "ingress"}, {"service": "b_proxy", "port": 0, "mode": "ingress"}],
		}},
	}
	some f in findings
	contains(f.message, "publishes 8000/tcp, 8005/tcp in ingress mode")
}
