package swarmlint.rules.cluster.pool_mask_shorter_than_pool_test

import data.swarmlint.rules.cluster.pool_mask_shorter_than_pool as rule

_ref := {"src": "script:b.sh", "file": "b.sh", "line": 2, "col": 39, "end_line": 2, "end_col": 51}

_pool(cidr) := {"cidr": cidr, "prefix": cidr, "valid": true, "ref": _ref}

_init(pools, mask) := {"swarm": {"inits": [{"present": true, "pools": pools, "mask_length": mask}]}}

_mask(n) := {"set": true, "raw": sprintf("%d", [n]), "known": true, "valid": true, "value": n, "ref": _ref}

test_mask_12_with_pool_16_is_reported if {
	findings := rule.report with input as _init([_pool("10.20.0.0/16")], _mask(12))
	count(findings) == 1
	some f in findings
	contains(f.message, "Subnet size is too small for pool: 12")
}

test_default_mask_with_pool_25_is_reported if {
	count(rule.report) == 1 with input as _init([_pool("10.20.0.0/25")], {"set": false})
}

test_only_the_small_pool_is_reported if {
	count(rule.report) == 1 with input as _init([_pool("10.20.0.0/16"), _pool("10.30.0.0/26")], _mask(24))
}

test_mask_equal_to_prefix_is_fine if {
	count(rule.report) == 0 with input as _init([_pool("10.20.0.0/16")], _mask(16))
}

test_mask_out_of_range_is_left_to_swl501 if {
	count(rule.report) == 0 with input as _init([_pool("10.20.0.0/31")], _mask(30))
}
