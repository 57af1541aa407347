# METADATA
# title: Members of a clustered service published through the routing mesh
# description: |
#   The routing mesh balances every connection to a port published in
#   ingress mode (the default) to any task of the service, on any node: the
#   client cannot choose the task. That is right for stateless services and
#   wrong for the members of a clustered data service, whose clients (or
#   peers) must reach **one particular member**:
#
#   - **Kafka** clients fetch the cluster's metadata and then connect to the
#     broker that leads each partition, at the address that broker advertises
#     (`advertised.listeners`);
#   - **Redis Cluster** redirects clients (`MOVED`, `ASK`) to the node that
#     owns a slot, at its announced address;
#   - **MongoDB** replica-set clients connect to the primary by the name it
#     announces;
#   - the peer ports of **ZooKeeper** (2888, 3888), **etcd** (2380),
#     **Consul** servers (8300–8302), **Elasticsearch** transport (9300),
#     **Cassandra** (7000, 7001) and **RabbitMQ** (4369, 25672) connect one
#     named member to another.
#
#   Published through the mesh, each such connection lands on an arbitrary
#   task: clients are sent to the wrong broker or node, and peers reach the
#   wrong member. swarmlint reports a port only when the service runs more
#   than one task (replicated with `replicas` > 1, or global on more than one
#   node; with one task the mesh has no choice), it is recognisably such a
#   member (its image, or settings such as `KAFKA_ADVERTISED_LISTENERS`,
#   `--cluster-enabled yes`, `--replSet`), and the port is one its clients or
#   peers must reach per member (for Kafka, the ports of its advertised
#   listeners).
# related_resources:
#   - description: Docker docs, bypass the routing mesh (host mode)
#     ref: https://docs.docker.com/engine/swarm/ingress/#bypass-the-routing-mesh
#   - description: Apache Kafka docs, advertised.listeners
#     ref: https://kafka.apache.org/documentation/#brokerconfigs_advertised.listeners
#   - description: Redis docs, Redis Cluster specification (redirection)
#     ref: https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/
#   - description: "swarmlint, how Docker behaves: The routing mesh picks a task per connection"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#mesh-balances-connections
# custom:
#   id: SWL110
#   name: cluster-member-behind-mesh
#   severity: warning
#   remediation: >-
#     Publish the member ports with `mode: host` (one task per node: `mode:
#     global` or `max_replicas_per_node: 1`) and advertise each node's own
#     address, or run one service per member, each with its own published
#     port; clients inside the swarm need no published port at all.
package swarmlint.rules.ports.cluster_member_behind_mesh

import data.swarmlint.lib.backends
import data.swarmlint.lib.ports
import data.swarmlint.lib.result

# Peer ports: each connection is meant for one named member.
_peer_ports := {
	"ZooKeeper": {2888: "peer", 3888: "leader election"},
	"etcd": {2380: "peer"},
	"Consul": {8300: "server RPC", 8301: "LAN gossip", 8302: "WAN gossip"},
	"Elasticsearch": {9300: "transport"},
	"OpenSearch": {9300: "transport"},
	"Cassandra": {7000: "inter-node", 7001: "inter-node TLS"},
	"ScyllaDB": {7000: "inter-node", 7001: "inter-node TLS"},
	"RabbitMQ": {4369: "epmd", 25672: "distribution"},
}

# Client ports that are per member, and what sends clients to one member.
_client_ports := {
	"Kafka": {9092: "Kafka's client port: clients connect to the partition leader's advertised listener"},
	"Redis Cluster": {
		6379: "the Redis Cluster client port: clients are redirected (MOVED) to the slot owner's announced address",
		16379: "the Redis Cluster bus: nodes connect to one named node",
	},
	"MongoDB replica set": {27017: "the MongoDB port: replica-set clients connect to the primary by the name it announces"},
}

_image_products := {
	"kafka": "Kafka", "cp-kafka": "Kafka", "cp-server": "Kafka",
	"zookeeper": "ZooKeeper", "cp-zookeeper": "ZooKeeper",
	"etcd": "etcd", "consul": "Consul",
	"elasticsearch": "Elasticsearch", "opensearch": "OpenSearch",
	"cassandra": "Cassandra", "scylla": "ScyllaDB",
	"rabbitmq": "RabbitMQ", "redis-cluster": "Redis Cluster",
}

_env(service) := object.get(service, "environment", {})

_words(service) := object.get(service, "command_line", [])

# _product names the clustered product a service runs (a service matches
# at most one: image first, then settings).
_product(service) := p if {
	p := _image_products[backends.image_name(object.get(service, "image", ""))]
	p != "Kafka"
}

_product(service) := "Kafka" if _kafka(service)

_product(service) := "Redis Cluster" if {
	not _image_products[backends.image_name(object.get(service, "image", ""))]
	_redis_cluster(service)
}

_product(service) := "MongoDB replica set" if {
	not _image_products[backends.image_name(object.get(service, "image", ""))]
	not _redis_cluster(service)
	some w in _words(service)
	startswith(w, "--replSet")
}

_kafka(service) if _image_products[backends.image_name(object.get(service, "image", ""))] == "Kafka"

_kafka(service) if {
	not _image_products[backends.image_name(object.get(service, "image", ""))]
	some k, _ in _env(service)
	regex.match(`^KAFKA_(CFG_)?ADVERTISED_LISTENERS$`, k)
}

_redis_cluster(service) if {
	some i, w in _words(service)
	w in {"--cluster-enabled", "cluster-enabled"}
	lower(_words(service)[i + 1]) == "yes"
}

_redis_cluster(service) if {
	some w in _words(service)
	regex.match(`(?i)--cluster-enabled[ =]yes`, w)
}

_redis_cluster(service) if {
	some k, v in _env(service)
	k in {"REDIS_CLUSTER_CREATOR", "REDIS_NODES", "REDIS_CLUSTER_REPLICAS"}
	v != ""
}

# Kafka's member ports: the ports of its advertised listeners, else 9092.
_member(service, "Kafka", port) := "an advertised listener: clients connect to the partition leader's advertised address" if {
	some k, v in _env(service)
	regex.match(`^KAFKA_(CFG_)?ADVERTISED_LISTENERS$`, k)
	some m in regex.find_all_string_submatch_n(`:([0-9]+)`, v, -1)
	to_number(m[1]) in {port.target, port.published}
}

_member(service, "Kafka", port) := _client_ports.Kafka[port.target] if not _advertises(service)

_member(_, product, port) := sprintf("the %s %s port: peers connect to one named member", [product, _peer_ports[product][port.target]])

_member(_, product, port) := _client_ports[product][port.target] if product != "Kafka"

_advertises(service) if {
	some k, _ in _env(service)
	regex.match(`^KAFKA_(CFG_)?ADVERTISED_LISTENERS$`, k)
}

_published(port) if port.published > 0

_published(port) if {
	port.published == 0
	port.published_raw != ""
}

report contains finding if {
	some service in input.services
	service.tasks > 1
	product := _product(service)
	some port in service.ports
	ports.ingress(port)
	_published(port)
	why := _member(service, product, port)
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q runs %d %s members and publishes %s through the routing mesh, which sends each connection to an arbitrary task; the port is %s",
		[_label(service), service.tasks, product, ports.published(port), why],
	))
}

_label(service) := service.key if service.key != ""

_label(service) := service.name if service.key == ""
