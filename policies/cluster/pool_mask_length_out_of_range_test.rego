package swarmlint.rules.cluster.pool_mask_length_out_of_range_test

import data.swarmlint.rules.cluster.pool_mask_length_out_of_range as rule

_init(mask) := {"swarm": {"inits": [{"present": true, "pools": [], "mask_length": mask}]}}

_ref := {"src": "script:b.sh", "file": "b.sh", "line": 2, "col": 19, "end_line": 2, "end_col": 52}

test_mask_30_is_reported if {
	findings := rule.report with input as _init({"set": true, "raw": "30", "known": true, "valid": true, "value": 30, "ref": _ref})
	count(findings) == 1
	some f in findings
	contains(f.message, "subnet size is out of range: 30")
}

test_not_a_number_is_reported if {
	count(rule.report) == 1 with input as _init({"set": true, "raw": "/26", "known": true, "valid": false, "value": 0, "ref": _ref})
}

test_mask_29_is_fine if {
	count(rule.report) == 0 with input as _init({"set": true, "raw": "29", "known": true, "valid": true, "value": 29, "ref": _ref})
}

test_unresolved_variable_is_not_guessed if {
	count(rule.report) == 0 with input as _init({"set": true, "raw": "$MASK", "known": false, "valid": false, "value": 0, "ref": _ref})
}

test_unset_is_fine if {
	count(rule.report) == 0 with input as _init({"set": false, "raw": "", "known": false, "valid": false, "value": 0, "ref": {}})
}
