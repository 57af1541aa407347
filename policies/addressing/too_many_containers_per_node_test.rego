package swarmlint.rules.addressing.too_many_containers_per_node_test

import data.swarmlint.rules.addressing.too_many_containers_per_node as rule

_svc(id, stack, key, mode, tasks) := {
	"id": id, "stack": stack, "key": key, "mode": mode, "tasks": tasks, "ports": [],
	"networks": [{"network": "net"}],
	"ref": {"src": stack, "path": ["services", key]},
}

_input(nodes, workers) := {
	"swarm": {"node_count": nodes},
	"networks": {"net": {"driver": "overlay"}, "local": {"driver": "bridge"}},
	"services": {
		"a_worker": _svc("a_worker", "a", "worker", "replicated", workers),
		"a_agent": _svc("a_agent", "a", "agent", "global", nodes),
		"a_db": _svc("a_db", "a", "db", "replicated", 1),
	},
}

test_3000_tasks_on_3_nodes if {
	# 3001 replicated tasks / 3 = 1001 (rounded up), plus 1 global
	fs := rule.report with input as _input(3, 3000)
	count(fs) == 1
	some f in fs
	f.sub == ["deploy", "replicas"]
	f.ref.path == ["services", "worker"]
	f.message == "about 1002 containers per node on overlay networks (3001 replicated tasks over 3 nodes, plus 1 global service); service \"worker\" runs 3000 of them"
}

test_just_below_1000 if {
	# 2995 + 1 = 2996 / 3 = 999 (rounded up), plus 1 global = 1000: reported
	count(rule.report) == 1 with input as _input(3, 2995)

	# 2992 + 1 = 2993 / 3 = 998, plus 1 = 999: fine
	count(rule.report) == 0 with input as _input(3, 2992)
}

test_more_nodes_spread_the_load if {
	count(rule.report) == 0 with input as _input(10, 3000)
}

test_node_local_networks_do_not_count if {
	inp := json.patch(_input(3, 3000), [{"op": "replace", "path": "/services/a_worker/networks/0/network", "value": "local"}])
	count(rule.report) == 0 with input as inp
}
