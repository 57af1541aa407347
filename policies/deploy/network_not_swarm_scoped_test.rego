package swarmlint.rules.deploy.network_not_swarm_scoped_test

import data.swarmlint.rules.deploy.network_not_swarm_scoped as rule

_net(driver) := {
	"key": "lan", "name": "shop_lan", "origin": "stack", "external": false, "used": true,
	"driver": driver, "ref": {"src": "stack:shop", "path": ["networks", "lan"]},
}

test_bridge_is_reported if {
	findings := rule.report with input as {"networks": {"shop_lan": _net("bridge")}}
	count(findings) == 1
	some f in findings
	contains(f.message, "The network shop_lan cannot be used with services")
	f.sub == ["driver"]
}

test_macvlan_and_ipvlan_are_reported if {
	count(rule.report) == 2 with input as {"networks": {"a": _net("macvlan"), "b": object.union(_net("ipvlan"), {"key": "b"})}}
}

test_host_is_reported if {
	findings := rule.report with input as {"networks": {"shop_lan": _net("host")}}
	some f in findings
	contains(f.message, `only one instance of "host" network is allowed`)
}

test_none_is_reported if {
	count(rule.report) == 1 with input as {"networks": {"shop_lan": _net("none")}}
}

test_overlay_is_fine if {
	count(rule.report) == 0 with input as {"networks": {"shop_lan": _net("overlay")}}
}

test_plugin_driver_is_not_judged if {
	count(rule.report) == 0 with input as {"networks": {"shop_lan": _net("weaveworks/net-plugin:latest_release")}}
}

test_external_bridge_is_not_created if {
	n := object.union(_net("bridge"), {"external": true, "origin": "external"})
	count(rule.report) == 0 with input as {"networks": {"lan": n}}
}

test_unused_network_is_not_created if {
	count(rule.report) == 0 with input as {"networks": {"shop_lan": object.union(_net("bridge"), {"used": false})}}
}
