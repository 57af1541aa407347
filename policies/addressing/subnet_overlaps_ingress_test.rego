package swarmlint.rules.addressing.subnet_overlaps_ingress_test

import data.swarmlint.rules.addressing.subnet_overlaps_ingress as rule

_input(ingress_subnet, source, overlaps) := {
	"swarm": {"ingress": "ingress", "default_addr_pools": [
		{"prefix": "10.0.0.0/8", "valid": true, "merged_into": ""},
		{"prefix": "10.20.0.0/16", "valid": true, "merged_into": "10.0.0.0/8"},
	]},
	"networks": {
		"ingress": {"id": "ingress", "name": "ingress", "key": "ingress", "ingress": true, "subnet": ingress_subnet, "subnet_source": source, "ref": {"src": "swarm"}},
		"s_backend": {
			"id": "s_backend", "key": "backend", "ingress": false,
			"subnets": [{"prefix": "10.0.0.0/16", "ref": {"src": "stack:s", "path": ["networks", "backend", "ipam", "config", 0, "subnet"]}}],
			"ref": {"src": "stack:s", "path": ["networks", "backend"]},
		},
	},
	"indexes": {"subnet_overlaps": overlaps},
}

_pair := {"a": "ingress", "b": "s_backend", "a_subnet": "10.0.0.0/24", "b_subnet": "10.0.0.0/16", "a_subnet_index": -1, "b_subnet_index": 0}

test_default_ingress if {
	fs := rule.report with input as _input("10.0.0.0/24", "pool", [_pair])
	count(fs) == 1
	some f in fs
	f.message == "network \"backend\" (10.0.0.0/16) overlaps the ingress network 10.0.0.0/24 (the first subnet of the default address pool 10.0.0.0/8)"
	f.ref.path == ["networks", "backend", "ipam", "config", 0, "subnet"]
}

# A script recreated the ingress without --subnet: it took the pool's next
# subnet, not the first one.
test_recreated_ingress if {
	inp := json.patch(_input("10.0.1.0/24", "pool", [object.union(_pair, {"a_subnet": "10.0.1.0/24"})]), [{"op": "add", "path": "/networks/ingress/origin", "value": "script"}])
	some f in rule.report with input as inp
	f.message == "network \"backend\" (10.0.0.0/16) overlaps the ingress network 10.0.1.0/24 (network \"ingress\", created without --subnet: the pool 10.0.0.0/8 hands it the subnet after the last one it gave out, not the one the removed ingress freed)"
}

test_legacy_ingress if {
	pair := {"a": "s_backend", "b": "ingress", "a_subnet": "10.255.3.0/24", "b_subnet": "10.255.0.0/16", "a_subnet_index": 0, "b_subnet_index": -1}
	fs := rule.report with input as _input("10.255.0.0/16", "legacy", [pair])
	some f in fs
	f.message == "network \"backend\" (10.255.3.0/24) overlaps the ingress network 10.255.0.0/16 (the legacy ingress subnet of swarms created before 2019)"
}

test_inventory_ingress if {
	fs := rule.report with input as _input("10.0.0.0/24", "inventory", [_pair])
	some f in fs
	endswith(f.message, "(network \"ingress\" of the cluster)")
}

test_overlap_between_stack_networks_is_left_to_swl211 if {
	pair := {"a": "s_backend", "b": "s_backend2", "a_subnet": "10.0.0.0/16", "b_subnet": "10.0.1.0/24", "a_subnet_index": 0, "b_subnet_index": 0}
	inp := json.patch(_input("10.0.0.0/24", "pool", [pair]), [{"op": "add", "path": "/networks/s_backend2", "value": {"key": "backend2", "ingress": false}}])
	count(rule.report) == 0 with input as inp
}
