package swarmlint.rules.deploy.static_ip_ignored_test

import data.swarmlint.rules.deploy.static_ip_ignored as rule

_svc(sn) := {"services": {"shop_db": {
	"key": "db", "origin": "stack", "networks": [sn],
	"ref": {"src": "stack:shop", "path": ["services", "db"]},
}}}

_sn(v4, v6) := {
	"key": "back", "network": "shop_back", "ipv4_address": v4, "ipv6_address": v6,
	"ref": {"src": "stack:shop", "path": ["services", "db", "networks", "back"]},
}

test_ipv4_address_is_reported if {
	findings := rule.report with input as _svc(_sn("10.20.0.10", ""))
	count(findings) == 1
	some f in findings
	f.sub == ["ipv4_address"]
	contains(f.message, "ipv4_address 10.20.0.10")
}

test_both_addresses_are_reported if {
	count(rule.report) == 2 with input as _svc(_sn("10.20.0.10", "fd00::10"))
}

test_aliases_only_is_fine if {
	count(rule.report) == 0 with input as _svc(_sn("", ""))
}
