package swarmlint.rules.encryption.ingress_traffic_unencrypted_test

import data.swarmlint.rules.encryption.ingress_traffic_unencrypted as rule

_port(n, mode) := {"target": n, "published": n, "published_raw": sprintf("%d", [n]), "protocol": "tcp", "mode": mode, "ref": {"n": n}}

_input(backend_encrypted, ingress_encrypted, ports) := {
	"swarm": {"ingress": "ingress"},
	"networks": {
		"ingress": {"name": "ingress", "ingress": true, "origin": "default", "encrypted": ingress_encrypted},
		"shop_backend": {
			"key": "backend", "name": "shop_backend", "stack": "shop", "origin": "stack", "driver": "overlay",
			"external": false, "used": true, "encrypted": backend_encrypted,
		},
	},
	"services": {"shop_web": {"key": "web", "stack": "shop", "ports": ports}},
}

test_published_service_in_an_encrypting_stack_is_noted if {
	findings := rule.report with input as _input(true, false, [_port(2222, "host"), _port(443, "ingress"), _port(80, "ingress")])
	count(findings) == 1
	some f in findings
	f.ref == {"n": 443}
	f.severity == "note"
	contains(f.message, "while this stack encrypts network \"backend\"")
}

test_stack_without_encryption_is_clean if {
	count(rule.report) == 0 with input as _input(false, false, [_port(443, "ingress")])
}

test_encrypted_ingress_is_clean if {
	count(rule.report) == 0 with input as _input(true, true, [_port(443, "ingress")])
}

test_host_mode_bypasses_ingress if {
	count(rule.report) == 0 with input as _input(true, false, [_port(443, "host")])
}

test_other_stack_is_not_concerned if {
	inp := json.patch(_input(true, false, [_port(443, "ingress")]), [{"op": "replace", "path": "/services/shop_web/stack", "value": "blog"}])
	count(rule.report) == 0 with input as inp
}
