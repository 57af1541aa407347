package swarmlint.rules.ports.unnecessary_published_port_test

import data.swarmlint.rules.ports.unnecessary_published_port as rule

_port(target, published, mode) := {
	"target": target, "published": published, "published_raw": sprintf("%d", [published]),
	"protocol": "tcp", "mode": mode, "ref": {"t": target},
}

_wordpress(db_image, db_port, shared) := {
	"services": {
		"blog_db": {
			"id": "blog_db", "key": "db", "name": "blog_db", "stack": "blog", "image": db_image,
			"ports": [db_port], "networks": [{"key": "default", "network": "blog_default"}],
		},
		"blog_wordpress": {
			"id": "blog_wordpress", "key": "wordpress", "name": "blog_wordpress", "stack": "blog",
			"image": "wordpress:6.5", "ports": [_port(80, 80, "ingress")],
			"networks": [{"key": "default", "network": "blog_default"}],
		},
	},
	"networks": {"blog_default": {"key": "default"}},
	"indexes": {"consumers": {"blog_db": [{"service": "blog_wordpress", "via": "hostname", "shared_network": shared}]}},
}

test_mysql_published_with_a_consumer_on_the_same_network if {
	findings := rule.report with input as _wordpress("mysql:8.0", _port(3306, 3306, "ingress"), true)
	count(findings) == 1
	some f in findings
	f.ref == {"t": 3306}
	contains(f.message, "service \"db\" (MySQL image) publishes 3306/tcp")
	contains(f.message, "consumers \"wordpress\"")
	contains(f.message, "shared network \"default\"")
}

test_backend_port_is_evidence_without_a_known_image if {
	findings := rule.report with input as _wordpress("registry.example.com/acme/ledger-db:2", _port(5432, 15432, "ingress"), true)
	count(findings) == 1
	some f in findings
	contains(f.message, "PostgreSQL port 5432")
}

test_unpublished_target_still_opens_a_random_port if {
	p := {"target": 6379, "published": 0, "published_raw": "", "protocol": "tcp", "mode": "ingress", "ref": {}}
	findings := rule.report with input as _wordpress("redis:7", p, true)
	some f in findings
	contains(f.message, "publishes target 6379/tcp on a random port")
}

test_consumer_without_a_shared_network_needs_the_port if {
	count(rule.report) == 0 with input as _wordpress("mysql:8.0", _port(3306, 3306, "ingress"), false)
}

test_host_mode_is_not_reported if {
	count(rule.report) == 0 with input as _wordpress("mysql:8.0", _port(3306, 3306, "host"), true)
}

test_no_consumers_is_not_reported if {
	inp := json.patch(_wordpress("mysql:8.0", _port(3306, 3306, "ingress"), true), [{"op": "replace", "path": "/indexes/consumers", "value": {}}])
	count(rule.report) == 0 with input as inp
}

test_web_console_of_a_backend_is_not_reported if {
	count(rule.report) == 0 with input as _wordpress("rabbitmq:3-management", _port(15672, 15672, "ingress"), true)
}

test_unknown_image_and_port_is_not_reported if {
	count(rule.report) == 0 with input as _wordpress("ghcr.io/acme/api:1.4", _port(9000, 9000, "ingress"), true)
}

test_reverse_proxy_is_never_reported if {
	count(rule.report) == 0 with input as _wordpress("traefik:v3.0", _port(6379, 6379, "ingress"), true)
}

test_params_extend_the_image_list if {
	findings := rule.report with input as _wordpress("questdb/questdb:8", _port(8812, 8812, "ingress"), true)
		with data.swarmlint.params as {"backend_images": ["questdb"]}
	count(findings) == 1
}

test_without_params_an_unknown_image_is_clean if {
	count(rule.report) == 0 with input as _wordpress("questdb/questdb:8", _port(8812, 8812, "ingress"), true)
}

test_service_without_an_image_still_uses_port_evidence if {
	inp := json.patch(_wordpress("mysql:8.0", _port(3306, 3306, "ingress"), true), [{"op": "remove", "path": "/services/blog_db/image"}])
	some f in rule.report with input as inp
	contains(f.message, "MySQL port 3306")
}
