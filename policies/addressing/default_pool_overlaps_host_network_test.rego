package swarmlint.rules.addressing.default_pool_overlaps_host_network_test

import data.swarmlint.rules.addressing.default_pool_overlaps_host_network as rule

_input(pools, hosts) := {"swarm": {
	"default_addr_pools": [{"cidr": p, "prefix": p, "valid": true, "merged_into": "", "ref": {"src": "flags", "path": [p]}} | some p in pools],
	"docker0": "172.17.0.0/16", "docker_gwbridge": "172.18.0.0/16", "host_networks": hosts,
	"node_addresses": [{"host": "10.1.2.3", "flag": "advertise-addr", "known": true, "ip": true, "problem": ""}],
}}

test_default_pool_and_lan if {
	fs := rule.report with input as _input(["10.0.0.0/8"], ["10.50.0.0/16"])
	count(fs) == 2
	some f in fs
	f.message == "default address pool 10.0.0.0/8 overlaps the host network 10.50.0.0/16: swarm may give an overlay network a subnet inside it"
}

test_pool_over_docker_bridges if {
	fs := rule.report with input as _input(["172.16.0.0/12"], [])
	count(fs) == 2
	some f in fs
	f.message == "default address pool 172.16.0.0/12 overlaps docker_gwbridge 172.18.0.0/16: swarm may give an overlay network a subnet inside it"
}

test_node_address_in_pool if {
	fs := rule.report with input as _input(["10.1.0.0/16"], [])
	some f in fs
	f.message == "default address pool 10.1.0.0/16 contains the node address 10.1.2.3 (--advertise-addr): swarm may give an overlay network a subnet around it"
}

test_separate_ranges if {
	count(rule.report) == 0 with input as _input(["10.20.0.0/16"], ["192.168.0.0/16", "bogus"])
}

test_dropped_pool_is_left_to_swl215 if {
	inp := json.patch(_input(["10.50.0.0/16"], ["10.50.0.0/24"]), [{"op": "replace", "path": "/swarm/default_addr_pools/0/merged_into", "value": "10.0.0.0/8"}])
	count(rule.report) == 0 with input as inp
}

test_builtin_pool_points_at_the_node_address if {
	inp := {"swarm": {
		"default_addr_pools": [{"cidr": "10.0.0.0/8", "prefix": "10.0.0.0/8", "valid": true, "merged_into": ""}],
		"docker0": "172.17.0.0/16", "docker_gwbridge": "172.18.0.0/16", "host_networks": [],
		"node_addresses": [{"host": "10.1.2.3", "flag": "advertise-addr", "known": true, "ip": true, "problem": "", "ref": {"src": "script:init.sh", "line": 3}}],
	}}
	fs := rule.report with input as inp
	count(fs) == 1
	some f in fs
	f.ref.line == 3
}

test_one_finding_per_node_address if {
	inp := json.patch(_input(["10.1.0.0/16"], []), [{"op": "add", "path": "/swarm/node_addresses/-", "value": {"host": "10.1.2.3", "flag": "data-path-addr", "known": true, "ip": true, "problem": ""}}])
	fs := rule.report with input as inp
	count(fs) == 1
	some f in fs
	contains(f.message, "(--advertise-addr, --data-path-addr)")
}
