package swarmlint.rules.cluster.invalid_node_address_test

import data.swarmlint.rules.cluster.invalid_node_address as rule

_ref := {"src": "script:init.sh", "file": "init.sh", "line": 2, "col": 19, "end_line": 2, "end_col": 43}

_addr(flag, raw, problem) := {"command": 0, "kind": "swarm init", "flag": flag, "raw": raw, "known": true, "problem": problem, "ref": _ref}

test_unspecified_advertise_address_is_reported if {
	findings := rule.report with input as {"swarm": {"node_addresses": [_addr("advertise-addr", "0.0.0.0", "0.0.0.0 is not an address other nodes can reach")]}}
	count(findings) == 1
	some f in findings
	contains(f.message, "advertise address must be a non-zero IP address")
}

test_data_path_addr_with_port_is_reported if {
	findings := rule.report with input as {"swarm": {"node_addresses": [_addr("data-path-addr", "10.0.2.10:4789", "it has a port (4789)")]}}
	count(findings) == 1
	some f in findings
	contains(f.message, "without a port number")
}

test_valid_addresses_are_fine if {
	count(rule.report) == 0 with input as {"swarm": {"node_addresses": [
		_addr("advertise-addr", "10.0.1.10:2377", ""),
		_addr("listen-addr", "0.0.0.0:2377", ""),
		_addr("data-path-addr", "eth1", ""),
	]}}
}

test_unknown_value_is_not_guessed if {
	count(rule.report) == 0 with input as {"swarm": {"node_addresses": [
		{"command": 0, "kind": "swarm join", "flag": "advertise-addr", "raw": "$ADDR", "known": false, "problem": "", "ref": _ref},
	]}}
}

test_join_advertise_address_is_dropped_not_refused if {
	bad := object.union(_addr("advertise-addr", "manager-1.example.com", "a host name is not accepted"), {"kind": "swarm join"})
	findings := rule.report with input as {"swarm": {"node_addresses": [bad]}}
	count(findings) == 1
	some f in findings
	contains(f.message, "drops it")
	not contains(f.message, "refuses")
}

test_join_data_path_address_is_refused if {
	bad := object.union(_addr("data-path-addr", "10.0.2.11:4789", "it has a port (4789)"), {"kind": "swarm join"})
	findings := rule.report with input as {"swarm": {"node_addresses": [bad]}}
	some f in findings
	contains(f.message, "Docker refuses it: data path address")
}
