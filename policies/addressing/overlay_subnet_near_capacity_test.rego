package swarmlint.rules.addressing.overlay_subnet_near_capacity_test

import data.swarmlint.rules.addressing.overlay_subnet_near_capacity as rule

_input(tasks, usable, batch) := {
	"networks": {"s_app": {
		"key": "app", "driver": "overlay", "ingress": false, "subnet": "10.0.1.0/24", "subnet_source": "pool", "usable": usable,
		"subnets": [], "services": ["s_api"],
		"demand": {"total": tasks + 4, "tasks": tasks, "vips": 1, "lb": 3, "update_extra": 0, "update_batch": batch, "update_batch_service": "s_api"},
		"ref": {"src": "stack:s", "path": ["networks", "app"]},
	}},
	"services": {"s_api": {"key": "api"}},
}

test_above_80_percent if {
	fs := rule.report with input as _input(200, 253, 1)
	count(fs) == 1
	some f in fs
	f.message == "network \"app\" needs about 204 of the 253 addresses of 10.0.1.0/24 (from the default address pool) (80%) for 200 tasks, 1 VIP and 3 load-balancer endpoints"
}

test_exactly_80_percent_is_fine if {
	# 200 of 250 is 80 %, not above
	count(rule.report) == 0 with input as _input(196, 250, 1)
}

test_no_room_for_a_rolling_update if {
	# 150 + 4 of 158: 97 % and 4 left for a batch of 10
	fs := rule.report with input as _input(150, 158, 10)
	count(fs) == 1
	some f in fs
	endswith(f.message, "but a rolling update of service \"api\" briefly needs 10 more")
}

test_no_room_below_80_percent if {
	# 10 + 4 of 20 is 70 %, but a batch of 10 does not fit in the 6 left
	fs := rule.report with input as _input(10, 20, 10)
	count(fs) == 1
	some f in fs
	f.message == "network \"app\" has 6 of the 20 addresses of 10.0.1.0/24 (from the default address pool) left, but a rolling update of service \"api\" briefly needs 10 more"
}

test_over_capacity_is_left_to_swl201 if {
	count(rule.report) == 0 with input as _input(260, 253, 1)
}

test_plenty_of_room if {
	count(rule.report) == 0 with input as _input(20, 253, 5)
}
