package swarmlint.rules.deploy.invalid_object_name_test

import data.swarmlint.rules.deploy.invalid_object_name as rule

_net(stack, key, name) := {
	"id": name, "key": key, "name": name, "stack": stack, "origin": "stack",
	"external": false, "used": true, "implicit": false, "ref": {"src": concat(":", ["stack", stack]), "path": ["networks", key]},
}

_svc(stack, key) := {
	"key": key, "name": concat("_", [stack, key]), "stack": stack, "origin": "stack",
	"ref": {"src": concat(":", ["stack", stack]), "path": ["services", key]},
}

_in(nets, svcs, cols) := {"networks": nets, "services": svcs, "indexes": {"name_collisions": cols}}

test_dot_in_network_key_is_reported if {
	findings := rule.report with input as _in({"shop_my.net": _net("shop", "my.net", "shop_my.net")}, {}, [])
	count(findings) == 1
	some f in findings
	contains(f.message, "name must be valid as a DNS name component")
	f.sub == []
}

test_explicit_name_points_at_name if {
	findings := rule.report with input as _in({"edge.net": _net("shop", "edge", "edge.net")}, {}, [])
	some f in findings
	f.sub == ["name"]
}

test_long_name_is_reported if {
	key := "payments-settlement-reconciliation-worker-events-bus"
	name := concat("_", ["swl007-invalid-object-name", key])
	findings := rule.report with input as _in({name: _net("swl007-invalid-object-name", key, name)}, {}, [])
	some f in findings
	contains(f.message, "name must be 63 characters or fewer")
}

test_service_with_dot_is_reported if {
	count(rule.report) == 1 with input as _in({}, {"shop_web.v2": _svc("shop", "web.v2")}, [])
}

test_valid_names_are_fine if {
	count(rule.report) == 0 with input as _in(
		{"shop_back-end": _net("shop", "back-end", "shop_back-end")},
		{"shop_api_v2": _svc("shop", "api_v2")}, [],
	)
}

test_unused_network_is_not_created if {
	n := object.union(_net("shop", "my.net", "shop_my.net"), {"used": false})
	count(rule.report) == 0 with input as _in({"shop_my.net": n}, {}, [])
}

test_case_collision_is_reported_once if {
	findings := rule.report with input as _in(
		{"shop_Front": _net("shop", "Front", "shop_Front"), "shop_front": _net("shop", "front", "shop_front")}, {},
		[{"kind": "network", "a": "shop_Front", "b": "shop_front", "name_a": "shop_Front", "name_b": "shop_front", "exact": false, "same_stack": true}],
	)
	count(findings) == 1
	some f in findings
	contains(f.message, "name conflicts with an existing object")
	f.severity == "error"
}

test_same_name_in_one_stack_is_a_warning if {
	findings := rule.report with input as _in(
		{"shared": _net("shop", "a", "shared"), "shared#2": _net("shop", "b", "shared")}, {},
		[{"kind": "network", "a": "shared", "b": "shared#2", "name_a": "shared", "name_b": "shared", "exact": true, "same_stack": true}],
	)
	count(findings) == 1
	some f in findings
	f.severity == "warning"
}

test_existing_network_name_is_an_error if {
	existing := {"id": "shared", "key": "shared", "name": "shared", "stack": "", "origin": "inventory", "external": false, "used": false}
	findings := rule.report with input as _in(
		{"shared": existing, "shared#2": _net("shop", "edge", "shared")}, {},
		[{"kind": "network", "a": "shared", "b": "shared#2", "name_a": "shared", "name_b": "shared", "exact": true, "same_stack": false}],
	)
	count(findings) == 1
	some f in findings
	contains(f.message, "network with name shared already exists")
	f.ref.path == ["networks", "edge"]
}

test_predefined_names_are_left_to_swl008 if {
	existing := {"id": "host", "key": "host", "name": "host", "stack": "", "origin": "inventory", "external": false, "used": false}
	count(rule.report) == 0 with input as _in(
		{"host": existing, "host#2": _net("shop", "h", "host")}, {},
		[{"kind": "network", "a": "host", "b": "host#2", "name_a": "host", "name_b": "host", "exact": true, "same_stack": false}],
	)
}

test_service_case_collision_is_reported if {
	count(rule.report) == 1 with input as _in(
		{}, {"shop_Api": _svc("shop", "Api"), "shop_api": _svc("shop", "api")},
		[{"kind": "service", "a": "shop_Api", "b": "shop_api", "name_a": "shop_Api", "name_b": "shop_api", "exact": false, "same_stack": true}],
	)
}

# The corpus case: a stack name swarmlint took from a long directory name
# pushes a fine service key over 63 characters. docker stack deploy uses the
# NAME the user passes, so this is a warning, not a certain failure.
test_length_from_derived_stack_name_is_a_warning if {
	stack := "acme-platform-team__grpc-load-balancing-demo-eu-west"
	findings := rule.report with input as object.union(
		_in({}, {concat("_", [stack, "reactor-client"]): _svc(stack, "reactor-client")}, []),
		{"stacks": {stack: {"name": stack, "name_derived": true}}},
	)
	count(findings) == 1
	some f in findings
	f.severity == "warning"
	contains(f.message, "name must be 63 characters or fewer")
	contains(f.message, "--stack")
}

test_length_with_given_stack_name_is_an_error if {
	stack := "acme-platform-team__grpc-load-balancing-demo-eu-west"
	findings := rule.report with input as object.union(
		_in({}, {concat("_", [stack, "reactor-client"]): _svc(stack, "reactor-client")}, []),
		{"stacks": {stack: {"name": stack, "name_derived": false}}},
	)
	count(findings) == 1
	some f in findings
	f.severity == "error"
	not contains(f.message, "--stack")
}

# An explicit `name:` does not involve the stack name: still an error.
test_long_explicit_name_with_derived_stack_is_an_error if {
	name := "payments-settlement-reconciliation-worker-events-bus-primary-eu-west"
	findings := rule.report with input as object.union(
		_in({name: _net("shop", "events", name)}, {}, []),
		{"stacks": {"shop": {"name": "shop", "name_derived": true}}},
	)
	count(findings) == 1
	some f in findings
	f.severity == "error"
}
