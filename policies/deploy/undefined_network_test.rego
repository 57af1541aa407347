package swarmlint.rules.deploy.undefined_network_test

import data.swarmlint.rules.deploy.undefined_network as rule

_svc(nets) := {
	"key": "web", "name": "shop_web", "origin": "stack", "networks": nets,
	"ref": {"src": "stack:shop", "path": ["services", "web"]},
}

_sn(key, id) := {"key": key, "network": id, "ref": {"src": "stack:shop", "path": ["services", "web", "networks", key]}}

test_undeclared_network_is_reported if {
	findings := rule.report with input as {"services": {"shop_web": _svc([_sn("front", "shop_front"), _sn("backend", "")])}}
	count(findings) == 1
	some f in findings
	contains(f.message, `service web: undefined network "backend"`)
	f.ref.path == ["services", "web", "networks", "backend"]
}

test_declared_networks_are_fine if {
	count(rule.report) == 0 with input as {"services": {"shop_web": _svc([_sn("front", "shop_front"), _sn("default", "shop_default")])}}
}

test_inventory_services_are_not_checked if {
	s := object.union(_svc([_sn("ghost", "")]), {"origin": "inventory"})
	count(rule.report) == 0 with input as {"services": {"shop_web": s}}
}
