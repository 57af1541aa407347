package swarmlint.rules.addressing.subnet_overlap_test

import data.swarmlint.rules.addressing.subnet_overlap as rule

_net(id, key, prefix, origin) := {
	"id": id, "key": key, "name": id, "stack": "s", "origin": origin, "ingress": false,
	"subnets": [{"prefix": prefix, "ref": {"src": "stack:s", "path": ["networks", key, "ipam", "config", 0, "subnet"]}}],
	"ref": {"src": "stack:s", "path": ["networks", key]},
}

_input(overlap) := {
	"networks": {
		"s_front": _net("s_front", "front", "10.20.0.0/16", "stack"),
		"s_back": _net("s_back", "back", "10.20.5.0/24", "stack"),
		"s_jobs": _net("s_jobs", "jobs", "", "stack"),
		"ingress": {"id": "ingress", "key": "ingress", "ingress": true, "subnets": [], "ref": {"src": "swarm"}},
	},
	"indexes": {"subnet_overlaps": [overlap]},
}

test_points_at_the_more_specific_subnet if {
	fs := rule.report with input as _input({"a": "s_back", "b": "s_front", "a_subnet": "10.20.5.0/24", "b_subnet": "10.20.0.0/16", "a_subnet_index": 0, "b_subnet_index": 0})
	count(fs) == 1
	some f in fs
	f.message == "network \"back\" (10.20.5.0/24) overlaps network \"front\" (10.20.0.0/16)"
	f.ref.path == ["networks", "back", "ipam", "config", 0, "subnet"]
}

test_order_of_the_pair_does_not_matter if {
	fs := rule.report with input as _input({"a": "s_front", "b": "s_back", "a_subnet": "10.20.0.0/16", "b_subnet": "10.20.5.0/24", "a_subnet_index": 0, "b_subnet_index": 0})
	some f in fs
	f.message == "network \"back\" (10.20.5.0/24) overlaps network \"front\" (10.20.0.0/16)"
}

test_explicit_side_wins_over_allocated if {
	fs := rule.report with input as _input({"a": "s_front", "b": "s_jobs", "a_subnet": "10.20.0.0/16", "b_subnet": "10.20.1.0/24", "a_subnet_index": 0, "b_subnet_index": -1})
	some f in fs
	f.ref.path == ["networks", "front", "ipam", "config", 0, "subnet"]
	f.message == "network \"front\" (10.20.0.0/16) overlaps network \"jobs\" (10.20.1.0/24)"
}

test_ingress_is_left_to_swl212 if {
	count(rule.report) == 0 with input as _input({"a": "ingress", "b": "s_front", "a_subnet": "10.0.0.0/24", "b_subnet": "10.0.0.0/16", "a_subnet_index": -1, "b_subnet_index": 0})
}

test_no_overlap_no_finding if {
	count(rule.report) == 0 with input as {"networks": {}, "indexes": {"subnet_overlaps": []}}
}
