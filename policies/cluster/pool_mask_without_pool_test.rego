package swarmlint.rules.cluster.pool_mask_without_pool_test

import data.swarmlint.rules.cluster.pool_mask_without_pool as rule

_ref := {"src": "script:b.sh", "file": "b.sh", "line": 2, "col": 19, "end_line": 2, "end_col": 52}

_mask(n) := {"set": true, "raw": sprintf("%d", [n]), "known": true, "valid": true, "value": n, "ref": _ref}

test_mask_without_pool_is_reported if {
	count(rule.report) == 1 with input as {"swarm": {"inits": [{"present": true, "pools": [], "mask_length": _mask(26)}]}}
}

test_mask_with_pool_is_fine if {
	count(rule.report) == 0 with input as {"swarm": {"inits": [{"present": true, "pools": [{"cidr": "10.20.0.0/16", "prefix": "10.20.0.0/16", "valid": true}], "mask_length": _mask(26)}]}}
}

test_default_24_is_fine if {
	count(rule.report) == 0 with input as {"swarm": {"inits": [{"present": true, "pools": [], "mask_length": _mask(24)}]}}
}

test_out_of_range_is_left_to_swl501 if {
	count(rule.report) == 0 with input as {"swarm": {"inits": [{"present": true, "pools": [], "mask_length": _mask(30)}]}}
}
