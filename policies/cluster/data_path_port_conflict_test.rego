package swarmlint.rules.cluster.data_path_port_conflict_test

import data.swarmlint.rules.cluster.data_path_port_conflict as rule

_ref := {"src": "flag:swarm-init", "file": "--swarm-init", "line": 1, "col": 19, "end_line": 1, "end_col": 40}

_init(n) := {"present": true, "data_path_port": {"set": true, "raw": sprintf("%d", [n]), "known": true, "valid": true, "value": n, "ref": _ref}}

_input(n, ports) := {
	"swarm": {"data_path_port": n, "init": _init(n), "inits": [_init(n)]},
	"services": {"vpn": {"key": "vpn", "name": "edge_vpn", "ports": ports}},
	"indexes": {"published_ports": {sprintf("%d/%s", [p.published, p.protocol]): [{"service": "vpn", "port": i, "mode": p.mode}] | some i, p in ports}},
}

test_discovery_port_is_reported if {
	findings := rule.report with input as _input(7946, [])
	count(findings) == 1
	some f in findings
	contains(f.message, "node discovery")
}

test_published_udp_port_is_reported if {
	findings := rule.report with input as _input(8472, [{"published": 8472, "target": 8472, "protocol": "udp", "mode": "ingress", "ref": {"src": "stack:edge"}}])
	count(findings) == 1
	some f in findings
	contains(f.message, "--data-path-port 8472")
}

test_default_port_published_is_reported if {
	findings := rule.report with input as {
		"swarm": {"data_path_port": 4789, "init": {"present": false}, "inits": []},
		"services": {"vpn": {"key": "vpn", "name": "edge_vpn", "ports": [{"published": 4789, "protocol": "udp", "ref": {}}]}},
		"indexes": {"published_ports": {"4789/udp": [{"service": "vpn", "port": 0, "mode": "ingress"}]}},
	}
	count(findings) == 1
	some f in findings
	contains(f.message, "the default 4789")
}

test_published_tcp_port_is_fine if {
	count(rule.report) == 0 with input as _input(8472, [{"published": 8472, "target": 8472, "protocol": "tcp", "mode": "ingress", "ref": {}}])
}

test_host_mode_publish_of_the_data_path_port_is_an_error if {
	findings := rule.report with input as _input(4789, [{"published": 4789, "target": 4789, "protocol": "udp", "mode": "host", "ref": {}}])
	count(findings) == 1
	some f in findings
	f.severity == "error"
	contains(f.message, "bind: address already in use")
	not contains(f.message, "collide")
}

test_ingress_publish_of_the_data_path_port_stays_a_warning if {
	some f in rule.report with input as _input(4789, [{"published": 4789, "target": 4789, "protocol": "udp", "mode": "ingress", "ref": {}}])
	f.severity == "warning"
	contains(f.message, "collide")
}
