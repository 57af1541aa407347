package swarmlint.rules.ports.invalid_endpoint_or_port_value_test

import data.swarmlint.rules.ports.invalid_endpoint_or_port_value as rule

_port(over) := object.union(
	{
		"target": 80, "published": 8080, "published_raw": "8080", "protocol": "tcp",
		"mode": "ingress", "syntax": "long", "raw": "", "ref": {},
	},
	over,
)

_svc(endpoint_raw, ports) := {"services": {"shop_web": {
	"key": "web", "endpoint_mode_raw": endpoint_raw, "endpoint_mode": lower(endpoint_raw),
	"ports": ports, "ref": {},
}}}

test_valid_values_are_clean if {
	count(rule.report) == 0 with input as _svc("VIP", [_port({}), _port({"protocol": "udp", "mode": "host"}), _port({"protocol": "sctp"})])
}

test_bad_endpoint_mode if {
	findings := rule.report with input as _svc("roundrobin", [])
	count(findings) == 1
	some f in findings
	f.sub == ["deploy", "endpoint_mode"]
	contains(f.message, "invalid resolution mode: \"roundrobin\"")
}

test_bad_protocol if {
	findings := rule.report with input as _svc("", [_port({"protocol": "http"})])
	count(findings) == 1
	some f in findings
	f.sub == ["protocol"]
	contains(f.message, "silently publishes it as tcp")
}

test_bad_mode if {
	findings := rule.report with input as _svc("", [_port({"mode": "global"})])
	count(findings) == 1
	some f in findings
	f.sub == ["mode"]
}

test_target_out_of_range if {
	findings := rule.report with input as _svc("", [_port({"target": 70000}), _port({"target": 0})])
	count(findings) == 2
}

test_published_out_of_range if {
	findings := rule.report with input as _svc("", [_port({"published": 70000, "published_raw": "70000"})])
	count(findings) == 1
	some f in findings
	contains(f.message, "requested id does not belong to the set")
}

test_published_zero_is_fine if {
	count(rule.report) == 0 with input as _svc("", [_port({"published": 0, "published_raw": ""})])
}

test_long_syntax_published_range_is_not_an_integer if {
	findings := rule.report with input as _svc("", [_port({"published": 0, "published_raw": "8000-8010"})])
	count(findings) == 1
	some f in findings
	contains(f.message, "must be a integer")
}

test_short_syntax_range_is_fine if {
	count(rule.report) == 0 with input as _svc("", [_port({"published": 0, "published_raw": "8000-8010", "syntax": "short", "raw": "8000-8010:80"})])
}

test_unparsable_short_syntax if {
	inp := {"services": {"shop_web": {
		"key": "web", "endpoint_mode_raw": "", "ports": [], "ref": {},
		"invalid_ports": [{"raw": "80:80/http", "error": "invalid proto: http", "ref": {"i": 0}}],
	}}}
	findings := rule.report with input as inp
	count(findings) == 1
	some f in findings
	f.ref == {"i": 0}
	contains(f.message, "invalid proto: http")
}

test_script_service_protocol_is_refused_by_the_cli if {
	inp := json.patch(_svc("", [_port({"protocol": "http"})]), [{"op": "add", "path": "/services/shop_web/origin", "value": "script"}])
	some f in rule.report with input as inp
	contains(f.message, "invalid protocol value 'http'")
}
