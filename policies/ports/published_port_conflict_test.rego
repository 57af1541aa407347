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

_host(a, b) := {
	"swarm": {"node_count": 3},
	"services": {
		"mon_a": object.union({"id": "mon_a", "key": "a", "name": "mon_a", "stack": "mon", "ports": [_port(9100, "host")]}, a),
		"mon_b": object.union({"id": "mon_b", "key": "b", "name": "mon_b", "stack": "mon", "ports": [_port(9100, "host")]}, b),
	},
	"indexes": {"published_ports": {"9100/tcp": [
		{"service": "mon_a", "port": 0, "mode": "host"},
		{"service": "mon_b", "port": 0, "mode": "host"},
	]}},
}

_global := {"mode": "global", "replicas": 1}

# _on gives a service the placement constraints exprs, split as the model does.
_on(exprs) := {"deploy": {"placement": {"constraints": [c |
	some e in exprs
	m := regex.find_all_string_submatch_n(`^\s*([^=!\s]+)\s*(==|!=)\s*(.*?)\s*$`, e, 1)[0]
	c := {"expr": e, "key": m[1], "operator": m[2], "value": m[3]}
]}}}

_replicas(n) := {"mode": "replicated", "replicas": n}

test_two_global_host_publishers_are_an_error if {
	findings := rule.report with input as _host(_global, _global)
	count(findings) == 1
	some f in findings
	f.severity == "error"
	startswith(f.message, "service \"b\" publishes 9100/tcp in host mode, and so does service \"a\"; both run a task on every node")
	contains(f.message, "host-mode port already in use on 1 node")
}

test_global_and_replicated_is_an_error if {
	some f in rule.report with input as _host(_global, _replicas(1))
	f.severity == "error"
	contains(f.message, "every task of the other lands on a node that already binds it")
}

test_replicas_that_fit_the_nodes_are_fine if {
	count(rule.report) == 0 with input as _host(_replicas(1), _replicas(2))
}

test_replicas_that_outnumber_the_nodes_are_an_error if {
	some f in rule.report with input as _host(_replicas(2), _replicas(2))
	f.severity == "error"
	contains(f.message, "their 4 replicas outnumber the 3 nodes")
}

test_zero_replicas_never_clash if {
	count(rule.report) == 0 with input as _host(_global, _replicas(0))
}

test_overlapping_constraints_are_a_warning if {
	some f in rule.report with input as _host(object.union(_global, _on(["node.role == manager"])), _global)
	f.severity == "warning"
	contains(f.message, "placement constraints differ but may select the same nodes")
}

test_same_constraints_are_certain if {
	some f in rule.report with input as _host(object.union(_global, _on(["node.labels.edge==true"])), object.union(_global, _on(["node.labels.edge == true"])))
	f.severity == "error"
}

test_exclusive_constraints_never_clash if {
	count(rule.report) == 0 with input as _host(object.union(_global, _on(["node.labels.edge == a"])), object.union(_global, _on(["node.labels.edge == b"])))
	count(rule.report) == 0 with input as _host(object.union(_global, _on(["node.role == manager"])), object.union(_global, _on(["node.role != manager", "node.labels.x == y"])))
}
