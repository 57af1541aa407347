# METADATA
# title: Backend publishes a port on every node although its consumers share a network with it
# description: |
#   A port published in ingress mode (the default, and always so for the
#   short syntax) is opened by the routing mesh on **every** node of the
#   swarm, whichever node runs the task. For a database, cache or message
#   broker that is an attack surface with no purpose when the services that
#   use it are attached to the same overlay network: on a shared network,
#   services reach each other by service name on any port, without
#   publishing anything (Docker's own words for `expose`: "Exposing ports is
#   unnecessary - services on the same network can access each other's
#   containers on any port.").
#
#   swarmlint reports a published port only with two kinds of evidence:
#
#   - **backend**: the service runs a well-known backend image (mysql,
#     mariadb, postgres, redis, mongo, memcached, rabbitmq, elasticsearch,
#     cassandra, kafka, zookeeper, etcd, influxdb, ...) or the port targets a
#     well-known backend port (3306, 5432, 6379, 27017, 11211, 5672, 9200,
#     9042, 9092, 2181, 2379, ...). Web ports (80, 443, 8080, the RabbitMQ
#     management console 15672, ...) and web servers or reverse proxies
#     (nginx, traefik, haproxy, caddy, ...) never count.
#   - **consumers**: other services use it (`depends_on`, or its name or
#     alias as a host in their environment or command), and **every** one of
#     them shares an overlay network with it. A consumer that shares no
#     network may need the published port, so the port is then left alone.
#
#   Host-mode ports are not reported: they open the port only on the nodes
#   that run a task, which is usually deliberate. Clients outside the swarm
#   (an administrator's SQL client, a backup job on a host) cannot be seen in
#   the files: if they need the port, publish it in host mode on the node
#   they use, or reach the service through an SSH tunnel. The image and port
#   lists can be extended with the `backend_images`, `backend_ports` and
#   `frontend_images` parameters.
# related_resources:
#   - description: Docker docs, use swarm mode routing mesh
#     ref: https://docs.docker.com/engine/swarm/ingress/
#   - description: Docker docs, manage swarm service networks
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: "swarmlint, how Docker behaves: expose and container_name"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#expose-deprecated
# custom:
#   id: SWL104
#   name: unnecessary-published-port
#   severity: warning
#   security: true
#   remediation: >-
#     Remove the port from the backend service: its consumers already reach it
#     by service name over the shared overlay network. If something outside
#     the swarm needs it, publish it with `mode: host` on a chosen node instead
#     of through the routing mesh.
package swarmlint.rules.ports.unnecessary_published_port

import data.swarmlint.lib.backends
import data.swarmlint.lib.ports
import data.swarmlint.lib.result

report contains finding if {
	some service in input.services
	not backends.frontend(_image(service))
	not _announces(service)
	consumers := _consumers(service)
	count(consumers) > 0
	every c in consumers {
		c.shared_network
	}
	some port in service.ports
	ports.ingress(port)
	not port.target in backends.web_ports
	evidence := _backend_evidence(service, port)
	not _sibling_left_alone(service, port)
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q (%s) publishes %s on every node through the routing mesh, but the services that use it (%s: its name is in their environment or command) reach it over the shared network %s without it; unless a client outside the swarm needs this port, it only exposes the backend on every node",
		[service.key, evidence, ports.published(port), _names(service, consumers), _shared(service, consumers)],
	))
}

# _consumers are the services that name this one as a host in their
# environment or command, without its cluster peers (services of the same
# image: a ZooKeeper ensemble or Redis Cluster nodes naming each other are
# not its clients). depends_on is not evidence: stack deploy ignores it, and
# it names start order, not a connection.
_consumers(service) := [c |
	some c in object.get(input.indexes.consumers, service.id, [])
	c.via == "hostname"
	not _peer(service, input.services[c.service])
]

_peer(service, other) if {
	_image(service) != ""
	backends.image_name(_image(other)) == backends.image_name(_image(service))
}

# _announces: the service tells its clients an address of its own (Redis
# Cluster --cluster-announce-ip, Kafka advertised listeners, ...): clients
# then come back to the published port, which is needed.
_announces(service) if {
	some k, _ in object.get(service, "environment", {})
	regex.match(`(?i)(advertised|announce)`, k)
}

_announces(service) if {
	some w in object.get(service, "command_line", [])
	regex.match(`(?i)(advertise|announce)`, w)
}

# Services of one image that publish the same container port are judged
# together: when one of them has no consumer in the swarm, the published
# ports are a pattern of the whole group (one per member), left alone.
_by_image[name] contains id if {
	some id, s in input.services
	name := backends.image_name(_image(s))
	name != ""
}

_sibling_left_alone(service, port) if {
	name := backends.image_name(_image(service))
	some id in _by_image[name]
	id != service.id
	sibling := input.services[id]
	some p in sibling.ports
	p.target == port.target
	ports.ingress(p)
	not _judged_alike(sibling)
}

_judged_alike(sibling) if {
	consumers := _consumers(sibling)
	count(consumers) > 0
	every c in consumers {
		c.shared_network
	}
	not _announces(sibling)
}

# Image evidence first, then port evidence; one of them is enough.
_backend_evidence(service, _) := sprintf("%s image", [backends.image_backend(_image(service))])

_backend_evidence(service, port) := sprintf("container port %d, usually %s", [port.target, backends.port_backend(port.target)]) if {
	not backends.image_backend(_image(service))
}

_image(service) := object.get(service, "image", "")

_names(service, consumers) := concat(", ", sort({sprintf("%q", [ports.label(input.services[c.service], service)]) |
	some c in consumers
}))

_shared(service, consumers) := concat(", ", sort({sprintf("%q", [_net_name(sn)]) |
	some sn in service.networks
	sn.network != ""
	some c in consumers
	some other in input.services[c.service].networks
	other.network == sn.network
}))

_net_name(sn) := input.networks[sn.network].key

_net_name(sn) := sn.key if not input.networks[sn.network].key
