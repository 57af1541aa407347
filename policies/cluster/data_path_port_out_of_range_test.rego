package swarmlint.rules.cluster.data_path_port_out_of_range_test

import data.swarmlint.rules.cluster.data_path_port_out_of_range as rule

_ref := {"src": "flag:swarm-init", "file": "--swarm-init", "line": 1, "col": 19, "end_line": 1, "end_col": 40}

_port(raw, valid, n) := {"swarm": {"inits": [{"present": true, "data_path_port": {"set": true, "raw": raw, "known": true, "valid": valid, "value": n, "ref": _ref}}]}}

test_port_below_1024_is_reported if {
	findings := rule.report with input as _port("789", true, 789)
	count(findings) == 1
	some f in findings
	contains(f.message, "not in valid range (1024-49151) : 789")
}

test_port_above_49151_is_reported if {
	count(rule.report) == 1 with input as _port("50000", true, 50000)
}

test_not_a_number_is_reported if {
	count(rule.report) == 1 with input as _port("vxlan", false, 0)
}

test_zero_means_default if {
	count(rule.report) == 0 with input as _port("0", true, 0)
}

test_edges_are_fine if {
	count(rule.report) == 0 with input as _port("1024", true, 1024)
	count(rule.report) == 0 with input as _port("49151", true, 49151)
}
