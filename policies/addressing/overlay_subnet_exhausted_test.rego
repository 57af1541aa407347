package swarmlint.rules.addressing.overlay_subnet_exhausted_test

import data.swarmlint.rules.addressing.overlay_subnet_exhausted as rule

_jobs(total, usable, source) := {"networks": {"s_jobs": {
	"key": "jobs", "driver": "overlay", "ingress": false,
	"subnet": "172.30.8.0/26", "subnet_source": source, "usable": usable,
	"subnets": [{"prefix": "172.30.8.0/26", "valid": true, "ipv6": false, "ref": {"src": "stack:s", "path": ["networks", "jobs", "ipam", "config", 0, "subnet"]}}],
	"demand": {"total": total, "tasks": total - 4, "vips": 1, "lb": 3, "update_extra": 0},
	"ref": {"src": "stack:s", "path": ["networks", "jobs"]},
}}}

test_explicit_subnet_exhausted_points_at_subnet if {
	fs := rule.report with input as _jobs(74, 61, "explicit")
	count(fs) == 1
	some f in fs
	f.ref.path == ["networks", "jobs", "ipam", "config", 0, "subnet"]
	f.message == "network \"jobs\" needs about 74 addresses for 70 tasks, 1 VIP and 3 load-balancer endpoints, but 172.30.8.0/26 has 61"
}

test_pool_subnet_points_at_network if {
	fs := rule.report with input as _jobs(300, 253, "pool")
	some f in fs
	f.ref.path == ["networks", "jobs"]
	contains(f.message, "(from the default address pool) has 253")
}

test_demand_equal_to_usable_is_fine if {
	count(rule.report) == 0 with input as _jobs(61, 61, "explicit")
}

test_unknown_subnet_is_skipped if {
	inp := json.patch(_jobs(500, 0, "unknown"), [{"op": "replace", "path": "/networks/s_jobs/subnet", "value": ""}])
	count(rule.report) == 0 with input as inp
}

test_ingress_is_left_to_swl204 if {
	inp := json.patch(_jobs(500, 253, "pool"), [{"op": "replace", "path": "/networks/s_jobs/ingress", "value": true}])
	count(rule.report) == 0 with input as inp
}

test_bridge_network_is_skipped if {
	inp := json.patch(_jobs(500, 61, "explicit"), [{"op": "replace", "path": "/networks/s_jobs/driver", "value": "bridge"}])
	count(rule.report) == 0 with input as inp
}

test_explicit_subnet_fix_asks_for_a_large_enough_subnet if {
	inp := json.patch(_jobs(74, 61, "explicit"), [
		{"op": "add", "path": "/networks/s_jobs/id", "value": "s_jobs"},
		{"op": "add", "path": "/networks/s_jobs/subnets/0/other_keys", "value": []},
	])
	some f in rule.report with input as inp
	some fx in f.fixes
	not fx.safe
	fx.edits == [{
		"op": "subnet", "ref": {"src": "stack:s", "path": ["networks", "jobs", "ipam", "config", 0, "subnet"]},
		"sub": [], "network": "s_jobs", "prefix_length": 25,
	}]
}

test_pool_network_fix_writes_an_ipam_entry if {
	inp := json.patch(_jobs(300, 253, "pool"), [{"op": "add", "path": "/networks/s_jobs/id", "value": "s_jobs"}])
	some f in rule.report with input as inp
	some fx in f.fixes
	fx.edits[0].sub == ["ipam"]
	fx.edits[0].value == {"config": [{"subnet": "{subnet}"}]}
	fx.edits[0].prefix_length == 23
}

test_no_fix_for_the_implicit_default_network if {
	inp := json.patch(_jobs(300, 253, "pool"), [
		{"op": "add", "path": "/networks/s_jobs/id", "value": "s_jobs"},
		{"op": "add", "path": "/networks/s_jobs/implicit", "value": true},
	])
	some f in rule.report with input as inp
	not f.fixes
}
