package swarmlint.lib.addressing_test

import data.swarmlint.lib.addressing

test_breakdown_skips_zero_parts if {
	addressing.breakdown({"tasks": 70, "update_extra": 0, "vips": 1, "lb": 3}) == "70 tasks, 1 VIP and 3 load-balancer endpoints"
}

test_breakdown_with_update_extra if {
	addressing.breakdown({"tasks": 1, "update_extra": 1, "vips": 0, "lb": 1}) == "1 task, 1 extra task during start-first updates and 1 load-balancer endpoint"
}

test_subnet_element_explicit_is_the_subnet if {
	sn := {"prefix": "10.1.0.0/24", "valid": true, "ipv6": false, "ref": {"path": ["x"]}}
	addressing.subnet_element({"subnet_source": "explicit", "subnet": "10.1.0.0/24", "subnets": [{"prefix": "fd00::/64", "valid": true, "ipv6": true}, sn]}) == sn
}

test_subnet_text_pool if {
	addressing.subnet_text({"subnet_source": "pool", "subnet": "10.0.1.0/24", "subnets": []}) == "10.0.1.0/24 (from the default address pool)"
}

test_percent if {
	addressing.percent(210, 253) == 83
}

test_bridge_is_not_swarm_scoped if {
	not addressing.swarm_scoped({"driver": "bridge"})
	addressing.swarm_scoped({"driver": "overlay"})
}

test_script_subnet_is_given if {
	sn := {"prefix": "10.20.0.0/24", "valid": true, "ipv6": false, "ref": {"line": 5}}
	addressing.subnet_element({"subnet_source": "script", "subnet": "10.20.0.0/24", "subnets": [sn]}) == sn
	addressing.subnet_text({"subnet_source": "script", "subnet": "10.20.0.0/24", "subnets": [sn]}) == "10.20.0.0/24"
}

test_legacy_subnet_text if {
	addressing.subnet_text({"subnet_source": "legacy", "subnet": "10.255.0.0/16", "subnets": []}) == "10.255.0.0/16"
}
