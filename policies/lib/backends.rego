# METADATA
# title: Well-known backend images and ports
# description: |
#   Backend evidence for SWL104 (unnecessary-published-port): data stores,
#   caches, message brokers, search engines and coordination services that
#   other services reach over an overlay network, by image name and by the
#   container port they serve. Front ends (web servers, reverse proxies) and
#   the web consoles some backends ship are listed apart, so that they are
#   never taken for backends.
#
#   Parameters extend the lists (data.swarmlint.params):
#   `backend_images` (image names without registry, namespace or tag, e.g.
#   "questdb"), `backend_ports` (container ports, e.g. 8812) and
#   `frontend_images` (images never reported, e.g. "my-gateway").
package swarmlint.lib.backends

# images maps an image name (the last path part, without tag or digest) to
# the product it runs.
images := {
	"arangodb": "ArangoDB",
	"cassandra": "Cassandra",
	"clickhouse-server": "ClickHouse",
	"couchdb": "CouchDB",
	"cp-kafka": "Kafka",
	"cp-server": "Kafka",
	"cp-zookeeper": "ZooKeeper",
	"elasticsearch": "Elasticsearch",
	"etcd": "etcd",
	"influxdb": "InfluxDB",
	"kafka": "Kafka",
	"keydb": "KeyDB",
	"mariadb": "MariaDB",
	"mariadb-galera": "MariaDB Galera",
	"memcached": "Memcached",
	"mongo": "MongoDB",
	"mongodb": "MongoDB",
	"mongodb-community-server": "MongoDB",
	"mysql": "MySQL",
	"mysql-server": "MySQL",
	"nats": "NATS",
	"neo4j": "Neo4j",
	"opensearch": "OpenSearch",
	"percona": "Percona Server",
	"percona-server": "Percona Server",
	"percona-xtradb-cluster": "Percona XtraDB Cluster",
	"postgis": "PostGIS",
	"postgres": "PostgreSQL",
	"postgresql": "PostgreSQL",
	"rabbitmq": "RabbitMQ",
	"redis": "Redis",
	"redis-sentinel": "Redis Sentinel",
	"redis-stack-server": "Redis",
	"rethinkdb": "RethinkDB",
	"scylla": "ScyllaDB",
	"timescaledb": "TimescaleDB",
	"timescaledb-ha": "TimescaleDB",
	"valkey": "Valkey",
	"zookeeper": "ZooKeeper",
}

# ports maps a well-known backend container port to its protocol.
ports := {
	1433: "SQL Server",
	1521: "Oracle Database",
	2181: "ZooKeeper",
	2379: "etcd client",
	2380: "etcd peer",
	2888: "ZooKeeper peer",
	3306: "MySQL",
	3888: "ZooKeeper election",
	4222: "NATS",
	4369: "Erlang port mapper",
	5432: "PostgreSQL",
	5671: "AMQP over TLS",
	5672: "AMQP",
	5984: "CouchDB",
	6379: "Redis",
	7687: "Neo4j Bolt",
	8529: "ArangoDB",
	9042: "Cassandra CQL",
	9092: "Kafka",
	9200: "Elasticsearch",
	9300: "Elasticsearch transport",
	11211: "Memcached",
	25672: "RabbitMQ distribution",
	26379: "Redis Sentinel",
	27017: "MongoDB",
	27018: "MongoDB",
	27019: "MongoDB",
	28015: "RethinkDB",
	33060: "MySQL X Protocol",
}

# web_ports are HTTP ports, including the web consoles of backends
# (RabbitMQ management 15672, Neo4j browser 7474, NATS monitoring 8222,
# ZooKeeper AdminServer 8080, ...): publishing them is how people reach
# them, so they are never backend evidence.
web_ports := {80, 443, 3000, 7474, 8000, 8080, 8081, 8161, 8222, 8443, 8888, 15672}

# frontend_images are web servers and reverse proxies: never backends,
# whatever they publish.
frontend_images := {
	"apache", "caddy", "caddy-docker-proxy", "envoy", "haproxy", "httpd", "kong", "nginx", "nginx-proxy",
	"nginx-unprivileged", "openresty", "traefik", "varnish",
}

# No `default _params := {}`: when params are undefined the comprehensions
# below are empty anyway, and an empty-collection default makes OPA's type
# checker walk every module for `with` (a fifth of the compile time).
_params := data.swarmlint.params

_extra_images := {lower(x) | some x in object.get(_params, "backend_images", [])}

_extra_ports := {to_number(x) | some x in object.get(_params, "backend_ports", [])}

_extra_frontends := {lower(x) | some x in object.get(_params, "frontend_images", [])}

# image_name is an image reference's name without registry, namespace, tag
# or digest: "docker.io/bitnami/mysql:8.0@sha256:..." -> "mysql".
image_name(image) := name if {
	no_digest := split(image, "@")[0]
	parts := split(no_digest, "/")
	name := lower(split(parts[count(parts) - 1], ":")[0])
}

# image_backend is the product a backend image runs (undefined otherwise).
image_backend(image) := images[image_name(image)]

image_backend(image) := "backend" if {
	not images[image_name(image)]
	image_name(image) in _extra_images
}

# port_backend is the protocol a well-known backend port serves (undefined otherwise).
port_backend(port) := ports[port]

port_backend(port) := "backend" if {
	not ports[port]
	port in _extra_ports
}

# frontend is true for a web server or reverse proxy image.
frontend(image) if image_name(image) in frontend_images

frontend(image) if image_name(image) in _extra_frontends
