package swarmlint.rules.addressing.default_pools_overlap_test

import data.swarmlint.rules.addressing.default_pools_overlap as rule

_pool(cidr, merged) := {"cidr": cidr, "prefix": cidr, "valid": true, "merged_into": merged, "ref": {"src": "flags", "path": [cidr]}}

test_pool_inside_another if {
	fs := rule.report with input as {"swarm": {"default_addr_pools": [_pool("10.20.0.0/16", "10.0.0.0/8"), _pool("10.0.0.0/8", "")]}}
	count(fs) == 1
	some f in fs
	f.message == "default address pool 10.20.0.0/16 overlaps the pool 10.0.0.0/8; swarm silently drops 10.20.0.0/16 and allocates only from 10.0.0.0/8"
	f.ref.path == ["10.20.0.0/16"]
}

test_disjoint_pools if {
	count(rule.report) == 0 with input as {"swarm": {"default_addr_pools": [_pool("10.20.0.0/16", ""), _pool("10.30.0.0/16", "")]}}
}

test_same_pool_twice if {
	pool := object.union(_pool("10.20.0.0/16", "10.20.0.0/16"), {"prefix": "10.20.0.0/16"})
	fs := rule.report with input as {"swarm": {"default_addr_pools": [_pool("10.20.0.0/16", ""), pool]}}
	count(fs) == 1
	some f in fs
	f.message == "default address pool 10.20.0.0/16 is given twice; swarm silently keeps one"
}
