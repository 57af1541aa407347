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
