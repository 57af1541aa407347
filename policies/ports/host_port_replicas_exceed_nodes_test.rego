package swarmlint.rules.ports.host_port_replicas_exceed_nodes_test

import data.swarmlint.rules.ports.host_port_replicas_exceed_nodes as rule

_input(mode, replicas, max_per_node, port_mode, published) := {
	"swarm": {"node_count": 3},
	"services": {"edge_proxy": {
		"key": "proxy", "mode": mode, "replicas": replicas, "max_replicas_per_node": max_per_node,
		"ports": [{"target": 80, "published": published, "protocol": "tcp", "mode": port_mode, "ref": {}}],
	}},
}

test_five_replicas_on_three_nodes_is_reported if {
	findings := rule.report with input as _input("replicated", 5, 0, "host", 80)
	count(findings) == 1
	some f in findings
	contains(f.message, "runs 5 replicas on 3 nodes")
	contains(f.message, "2 tasks stay pending")
}

test_as_many_replicas_as_nodes_is_fine if {
	count(rule.report) == 0 with input as _input("replicated", 3, 0, "host", 80)
}

test_max_replicas_per_node_one_is_fine if {
	count(rule.report) == 0 with input as _input("replicated", 5, 1, "host", 80)
}

test_max_replicas_per_node_two_is_reported if {
	count(rule.report) == 1 with input as _input("replicated", 5, 2, "host", 80)
}

test_global_is_fine if {
	count(rule.report) == 0 with input as _input("global", 5, 0, "host", 80)
}

test_ingress_is_fine if {
	count(rule.report) == 0 with input as _input("replicated", 5, 0, "ingress", 80)
}

test_random_host_port_is_fine if {
	count(rule.report) == 0 with input as _input("replicated", 5, 0, "host", 0)
}
