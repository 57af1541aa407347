package swarmlint.rules.deploy.host_ip_binding_ignored_test

import data.swarmlint.rules.deploy.host_ip_binding_ignored as rule

_svc(ports) := {"services": {"shop_db": {
	"key": "db", "origin": "stack", "ports": ports,
	"ref": {"src": "stack:shop", "path": ["services", "db"]},
}}}

_port(syntax, host_ip, raw) := {
	"target": 5432, "published": 5432, "published_raw": "5432", "protocol": "tcp",
	"mode": "ingress", "syntax": syntax, "host_ip": host_ip, "raw": raw,
	"ref": {"src": "stack:shop", "path": ["services", "db", "ports", 0]},
}

test_loopback_binding_is_reported if {
	findings := rule.report with input as _svc([_port("short", "127.0.0.1", "127.0.0.1:5432:5432")])
	count(findings) == 1
	some f in findings
	contains(f.message, "ignores the host IP 127.0.0.1")
}

test_unspecified_address_is_fine if {
	count(rule.report) == 0 with input as _svc([_port("short", "0.0.0.0", "0.0.0.0:5432:5432")])
}

test_no_host_ip_is_fine if {
	count(rule.report) == 0 with input as _svc([_port("short", "", "5432:5432")])
}

test_long_syntax_host_ip_is_left_to_swl013 if {
	count(rule.report) == 0 with input as _svc([_port("long", "127.0.0.1", "")])
}
