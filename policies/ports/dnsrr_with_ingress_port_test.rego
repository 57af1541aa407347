package swarmlint.rules.ports.dnsrr_with_ingress_port_test

import data.swarmlint.rules.ports.dnsrr_with_ingress_port as rule

test_short_syntax_port_is_reported if {
	count(rule.report) == 1 with input as {"services": {"s_cache": {
		"key": "cache",
		"endpoint_mode": "dnsrr", "ports": [{"published": 11211, "target": 11211, "protocol": "tcp", "mode": "ingress", "ref": {}}],
	}}}
}

test_host_mode_port_is_fine if {
	count(rule.report) == 0 with input as {"services": {"s_cache": {
		"key": "cache",
		"endpoint_mode": "dnsrr", "ports": [{"published": 11211, "target": 11211, "protocol": "tcp", "mode": "host", "ref": {}}],
	}}}
}

test_vip_is_fine if {
	count(rule.report) == 0 with input as {"services": {"s_cache": {
		"key": "cache",
		"endpoint_mode": "vip", "ports": [{"published": 11211, "target": 11211, "protocol": "tcp", "mode": "ingress", "ref": {}}],
	}}}
}

_short(raw, versions) := {
	"stacks": {"s": {"ref": {"src": "stack:s"}, "file_versions": [{"effective": v} | some v in versions]}},
	"services": {"s_cache": {
		"key": "cache", "endpoint_mode": "dnsrr",
		"ports": [{
			"published": 11211, "target": 11211, "protocol": "udp", "mode": "ingress",
			"syntax": "short", "raw": raw, "ref": {"src": "stack:s", "path": ["services", "cache", "ports", 0]},
		}],
	}},
}

test_short_port_fix_is_the_long_syntax_in_host_mode if {
	some f in rule.report with input as _short("11211:11211/udp", ["3.8"])
	f.fixes[0].safe
	f.fixes[0].edits == [{
		"op": "set", "ref": {"src": "stack:s", "path": ["services", "cache", "ports", 0]}, "sub": [],
		"value": {"target": 11211, "published": 11211, "protocol": "udp", "mode": "host"},
	}]
}

test_no_long_syntax_fix_for_a_range_or_version_3_1 if {
	some f in rule.report with input as _short("11211-11212:11211-11212/udp", ["3.8"])
	not f.fixes
	some g in rule.report with input as _short("11211:11211/udp", ["3.1"])
	not g.fixes
}
