package swarmlint.rules.ports.cluster_member_behind_mesh_test

import data.swarmlint.rules.ports.cluster_member_behind_mesh as rule

_port(target, published, mode) := {"target": target, "published": published, "published_raw": sprintf("%d", [published]), "protocol": "tcp", "mode": mode, "ref": {}}

_input(service) := {"services": {"s": object.union(
	{"id": "s", "key": "svc", "name": "st_svc", "tasks": 3, "environment": {}, "command_line": []},
	service,
)}}

_one(service) := f if {
	findings := rule.report with input as _input(service)
	count(findings) == 1
	some f in findings
}

test_kafka_advertised_listener_port_is_reported if {
	f := _one({"image": "bitnami/kafka:3.7", "environment": {"KAFKA_CFG_ADVERTISED_LISTENERS": "PLAINTEXT://kafka:9092,EXTERNAL://broker.example.com:19092"}, "ports": [_port(19092, 19092, "ingress")]})
	f.severity == "warning"
	contains(f.message, "runs 3 Kafka members and publishes 19092/tcp through the routing mesh")
	contains(f.message, "advertised listener")
}

test_kafka_by_settings_without_the_image if {
	f := _one({"image": "example/broker:1", "environment": {"KAFKA_ADVERTISED_LISTENERS": "PLAINTEXT://h:9094"}, "ports": [_port(9094, 9094, "ingress")]})
	contains(f.message, "Kafka members")
}

test_one_task_has_no_choice if {
	count(rule.report) == 0 with input as _input({"tasks": 1, "image": "bitnami/kafka:3.7", "ports": [_port(9092, 9092, "ingress")]})
}

test_host_mode_is_the_fix if {
	count(rule.report) == 0 with input as _input({"image": "bitnami/kafka:3.7", "ports": [_port(9092, 9092, "host")]})
}

test_redis_cluster_needs_cluster_mode if {
	f := _one({"image": "redis:7.2", "command_line": ["redis-server", "--cluster-enabled", "yes"], "ports": [_port(6379, 6379, "ingress")]})
	contains(f.message, "Redis Cluster members")
	count(rule.report) == 0 with input as _input({"image": "redis:7.2", "ports": [_port(6379, 6379, "ingress")]})
}

test_peer_ports_only if {
	f := _one({"image": "zookeeper:3.9", "ports": [_port(2181, 2181, "ingress"), _port(2888, 2888, "ingress")]})
	contains(f.message, "the ZooKeeper peer port")
	f2 := _one({"image": "elasticsearch:8.15.0", "ports": [_port(9200, 9200, "ingress"), _port(9300, 9300, "ingress")]})
	contains(f2.message, "Elasticsearch transport port")
}

test_mongodb_replica_set if {
	f := _one({"image": "mongo:7", "command_line": ["mongod", "--replSet", "rs0"], "ports": [_port(27017, 27017, "ingress")]})
	contains(f.message, "MongoDB replica set members")
	count(rule.report) == 0 with input as _input({"image": "mongo:7", "ports": [_port(27017, 27017, "ingress")]})
}
