package swarmlint.rules.cluster.daemon_pools_not_for_overlay_test

import data.swarmlint.rules.cluster.daemon_pools_not_for_overlay as rule

_daemon := {"file": "daemon.json", "default_address_pools": [{"base": "172.80.0.0/16", "size": 24, "ref": {}}], "ref": {"src": "daemon:daemon.json", "path": ["default-address-pools"]}}

test_daemon_pools_without_swarm_pools_are_reported if {
	findings := rule.report with input as {"swarm": {"daemon": _daemon, "pools_explicit": false, "default_addr_pools": [{"cidr": "10.0.0.0/8"}]}}
	count(findings) == 1
	some f in findings
	contains(f.message, "172.80.0.0/16")
	contains(f.message, "10.0.0.0/8")
}

test_swarm_pools_given_is_fine if {
	count(rule.report) == 0 with input as {"swarm": {"daemon": _daemon, "pools_explicit": true, "default_addr_pools": [{"cidr": "10.20.0.0/16"}]}}
}

test_daemon_without_pools_is_fine if {
	count(rule.report) == 0 with input as {"swarm": {"daemon": {"file": "daemon.json", "default_address_pools": [], "ref": {}}, "pools_explicit": false, "default_addr_pools": []}}
}

test_no_daemon_json_is_fine if {
	count(rule.report) == 0 with input as {"swarm": {"daemon": null, "pools_explicit": false, "default_addr_pools": []}}
}
