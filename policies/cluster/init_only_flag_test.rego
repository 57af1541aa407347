package swarmlint.rules.cluster.init_only_flag_test

import data.swarmlint.rules.cluster.init_only_flag as rule

_ref(col) := {"src": "script:join.sh", "file": "join.sh", "line": 3, "col": col, "end_line": 3, "end_col": col + 20}

test_pool_on_join_is_reported if {
	findings := rule.report with input as {"commands": [{"kind": "swarm join", "flags": {
		"token": [{"value": "SWMTKN-1-x", "defined": true, "ref": _ref(19)}],
		"default-addr-pool": [{"value": "10.20.0.0/16", "defined": false, "ref": _ref(40)}],
	}}]}
	count(findings) == 1
	some f in findings
	f.ref.col == 40
}

test_data_path_port_on_update_is_reported if {
	count(rule.report) == 1 with input as {"commands": [{"kind": "swarm update", "flags": {"data-path-port": [{"value": "4790", "defined": false, "ref": _ref(20)}]}}]}
}

test_same_flags_on_init_are_fine if {
	count(rule.report) == 0 with input as {"commands": [{"kind": "swarm init", "flags": {
		"default-addr-pool": [{"value": "10.20.0.0/16", "defined": true, "ref": _ref(19)}],
		"data-path-port": [{"value": "4790", "defined": true, "ref": _ref(50)}],
	}}]}
}

test_join_with_its_own_flags_is_fine if {
	count(rule.report) == 0 with input as {"commands": [{"kind": "swarm join", "flags": {
		"token": [{"value": "SWMTKN-1-x", "defined": true, "ref": _ref(19)}],
		"advertise-addr": [{"value": "10.0.1.12", "defined": true, "ref": _ref(40)}],
	}}]}
}
