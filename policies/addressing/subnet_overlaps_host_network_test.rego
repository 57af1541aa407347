package swarmlint.rules.addressing.subnet_overlaps_host_network_test

import data.swarmlint.rules.addressing.subnet_overlaps_host_network as rule

_input(subnet, source) := {
	"swarm": {
		"docker0": "172.17.0.0/16", "docker_gwbridge": "172.18.0.0/16",
		"host_networks": ["192.168.10.0/24", "not-a-cidr"],
		"node_addresses": [
			{"host": "10.30.0.5", "flag": "advertise-addr", "known": true, "ip": true, "problem": ""},
			{"host": "2001:db8::5", "flag": "data-path-addr", "known": true, "ip": true, "problem": ""},
			{"host": "eth0", "flag": "advertise-addr", "known": true, "ip": false, "problem": ""},
		],
	},
	"networks": {"s_backend": {
		"key": "backend", "driver": "overlay", "ingress": false, "subnet": subnet, "subnet_source": source,
		"subnets": [{"prefix": subnet, "valid": true, "ipv6": false, "ref": {"src": "stack:s", "path": ["networks", "backend", "ipam", "config", 0, "subnet"]}}],
		"ref": {"src": "stack:s", "path": ["networks", "backend"]},
	}},
}

test_gwbridge if {
	fs := rule.report with input as _input("172.18.0.0/24", "explicit")
	count(fs) == 1
	some f in fs
	f.message == "network \"backend\" (172.18.0.0/24) overlaps docker_gwbridge 172.18.0.0/16 on the nodes: the node refuses the network and rejects its tasks (Pool overlaps with other one on this address space)"
	f.severity == "error"
	f.ref.path[5] == "subnet"
}

test_host_network_stays_a_warning if {
	fs := rule.report with input as _input("192.168.0.0/16", "explicit")
	every f in fs {
		not f.severity == "error"
	}
}

test_docker0_by_a_larger_subnet if {
	fs := rule.report with input as _input("172.16.0.0/12", "explicit")
	count(fs) == 2
}

test_host_network if {
	fs := rule.report with input as _input("192.168.0.0/16", "explicit")
	some f in fs
	f.message == "network \"backend\" (192.168.0.0/16) overlaps the host network 192.168.10.0/24 on the nodes"
}

test_pool_subnet_points_at_network if {
	fs := rule.report with input as _input("192.168.10.0/24", "pool")
	some f in fs
	f.ref.path == ["networks", "backend"]
}

test_node_address if {
	fs := rule.report with input as _input("10.30.0.0/24", "explicit")
	count(fs) == 1
	some f in fs
	f.message == "network \"backend\" (10.30.0.0/24) contains the node address 10.30.0.5 (--advertise-addr)"
}

test_adjacent_subnet_is_fine if {
	count(rule.report) == 0 with input as _input("172.19.0.0/16", "explicit")
}

test_unknown_subnet_is_skipped if {
	count(rule.report) == 0 with input as _input("", "unknown")
}

test_no_node_addresses if {
	inp := json.patch(_input("10.30.0.0/24", "explicit"), [{"op": "replace", "path": "/swarm/node_addresses", "value": null}])
	count(rule.report) == 0 with input as inp
}

test_one_finding_per_node_address if {
	inp := json.patch(_input("10.30.0.0/24", "explicit"), [{"op": "add", "path": "/swarm/node_addresses/-", "value": {"host": "10.30.0.5", "flag": "data-path-addr", "known": true, "ip": true, "problem": ""}}])
	fs := rule.report with input as inp
	count(fs) == 1
	some f in fs
	f.message == "network \"backend\" (10.30.0.0/24) contains the node address 10.30.0.5 (--advertise-addr, --data-path-addr)"
}
