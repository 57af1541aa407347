package swarmlint.rules.addressing.ingress_subnet_exhausted_test

import data.swarmlint.rules.addressing.ingress_subnet_exhausted as rule

_svc(id, stack, key, tasks) := {
	"id": id, "stack": stack, "key": key, "tasks": tasks,
	"ports": [
		{"published": 9100, "mode": "host", "ref": {"src": stack, "path": ["services", key, "ports", 0]}},
		{"published": 80, "mode": "ingress", "ref": {"src": stack, "path": ["services", key, "ports", 1]}},
	],
}

_input(web_tasks, api_tasks) := {
	"swarm": {"ingress": "ingress"},
	"networks": {"ingress": {
		"key": "ingress", "ingress": true, "subnet": "10.0.0.0/24", "usable": 253,
		"services": ["a_web", "a_api", "b_shop"],
		"demand": {"total": sum([web_tasks, api_tasks, 7]), "vips": 3, "tasks": sum([web_tasks, api_tasks, 1]), "update_extra": 0, "lb": 3},
		"ref": {"src": "swarm"},
	}},
	"services": {
		"a_web": _svc("a_web", "a", "web", web_tasks),
		"a_api": _svc("a_api", "a", "api", api_tasks),
		"b_shop": _svc("b_shop", "b", "shop", 1),
	},
}

test_exhausted_reports_once_per_stack_at_the_biggest_publisher if {
	fs := rule.report with input as _input(240, 10)
	count(fs) == 2
	paths := {f.ref.path | some f in fs}
	paths == {["services", "web", "ports", 1], ["services", "shop", "ports", 1]}
	some f in fs
	f.severity == "error"
	f.ref.path[1] == "web"
	f.message == "the ingress network 10.0.0.0/24 needs about 257 addresses for 3 services publishing through the routing mesh (251 tasks, 3 VIPs and 3 load-balancer endpoints), but has 253; service \"web\" alone runs 240 tasks there"
}

test_above_80_percent_is_a_warning if {
	fs := rule.report with input as _input(200, 10)
	count(fs) == 2
	every f in fs {
		f.severity == "warning"
	}
}

test_plenty_of_room if {
	count(rule.report) == 0 with input as _input(100, 10)
}

test_legacy_ingress_has_room if {
	inp := json.patch(_input(240, 10), [
		{"op": "replace", "path": "/networks/ingress/subnet", "value": "10.255.0.0/16"},
		{"op": "replace", "path": "/networks/ingress/usable", "value": 65533},
	])
	count(rule.report) == 0 with input as inp
}

test_no_ingress_network if {
	inp := json.patch(_input(240, 10), [{"op": "replace", "path": "/swarm/ingress", "value": ""}])
	count(rule.report) == 0 with input as inp
}
