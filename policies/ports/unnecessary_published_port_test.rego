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
	contains(f.message, "the services that use it (\"wordpress\": its name is in their environment or command)")
	contains(f.message, "shared network \"default\"")
}

test_backend_port_is_evidence_without_a_known_image if {
	findings := rule.report with input as _wordpress("registry.example.com/acme/ledger-db:2", _port(5432, 15432, "ingress"), true)
	count(findings) == 1
	some f in findings
	contains(f.message, "container port 5432, usually PostgreSQL")
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
	contains(f.message, "container port 3306, usually MySQL")
}

# _with adds services and consumers to the WordPress input.
_with(base, services, consumers) := object.union(base, {
	"services": object.union(base.services, services),
	"indexes": {"consumers": object.union(base.indexes.consumers, consumers)},
})

test_depends_on_is_not_consumer_evidence if {
	inp := json.patch(_wordpress("mysql:8.0", _port(3306, 3306, "ingress"), true), [{"op": "replace", "path": "/indexes/consumers/blog_db/0/via", "value": "depends_on"}])
	count(rule.report) == 0 with input as inp
}

test_cluster_peers_are_not_consumers if {
	# zoo1 is named only by its ensemble peer zoo2 (ZOO_SERVERS): its
	# clients are outside the stack.
	inp := {
		"services": {
			"zk_zoo1": {"id": "zk_zoo1", "key": "zoo1", "stack": "zk", "image": "zookeeper:3.9", "ports": [_port(2181, 2181, "ingress")], "networks": [{"key": "default", "network": "zk_default"}]},
			"zk_zoo2": {"id": "zk_zoo2", "key": "zoo2", "stack": "zk", "image": "zookeeper:3.9", "ports": [_port(2181, 2182, "ingress")], "networks": [{"key": "default", "network": "zk_default"}]},
		},
		"networks": {"zk_default": {"key": "default"}},
		"indexes": {"consumers": {
			"zk_zoo1": [{"service": "zk_zoo2", "via": "hostname", "shared_network": true}],
			"zk_zoo2": [{"service": "zk_zoo1", "via": "hostname", "shared_network": true}],
		}},
	}
	count(rule.report) == 0 with input as inp
}

test_announced_addresses_need_the_port if {
	base := _wordpress("redis:7", _port(6379, 6379, "ingress"), true)
	inp := json.patch(base, [{"op": "add", "path": "/services/blog_db/command_line", "value": ["redis-server", "--cluster-announce-ip", "203.0.113.7"]}])
	count(rule.report) == 0 with input as inp
	inp2 := json.patch(base, [{"op": "add", "path": "/services/blog_db/environment", "value": {"KAFKA_ADVERTISED_LISTENERS": "PLAINTEXT://203.0.113.7:9092"}}])
	count(rule.report) == 0 with input as inp2
}

test_siblings_are_judged_alike if {
	# db and db-replica run one image and publish one container port; only
	# db has a consumer, so neither is reported.
	base := _wordpress("postgres:16", _port(5432, 5432, "ingress"), true)
	inp := _with(
		base, {"blog_db-replica": {
			"id": "blog_db-replica", "key": "db-replica", "stack": "blog", "image": "postgres:16",
			"ports": [_port(5432, 5433, "ingress")], "networks": [{"key": "default", "network": "blog_default"}],
		}},
		{},
	)
	count(rule.report) == 0 with input as inp

	# With a consumer each, both are reported.
	both := _with(inp, {}, {"blog_db-replica": [{"service": "blog_wordpress", "via": "hostname", "shared_network": true}]})
	count(rule.report) == 2 with input as both
}
