# METADATA
# title: Port that controls the cluster or a service is published
# description: |
#   Some ports hand whoever reaches them control over the swarm or over a
#   whole service. Published in ingress mode (the default), the routing mesh
#   opens them on **every** node of the swarm; in host mode, on every node
#   that runs a task.
#
#   **Error** — the Docker Engine API. Whoever reaches it controls the node
#   (and, on a manager, the swarm): Docker's documentation warns that access
#   to the daemon is root access to the host. swarmlint reports
#
#   - a published container port 2375 or 2376 (the Engine API's plain and TLS
#     ports);
#   - any port of a Docker socket proxy (`tecnativa/docker-socket-proxy`,
#     `linuxserver/socket-proxy`, ...), whose only job is to serve the API;
#   - any port of a service that mounts the Docker socket
#     (`/var/run/docker.sock`, `/run/docker.sock`, `//./pipe/docker_engine`):
#     Portainer and its agent, CI runners, log shippers that call the API.
#     The program behind the port is then root-equivalent on its node, and
#     any weakness in it opens the daemon to everyone who reaches the port.
#     Reverse proxies (Traefik, nginx-proxy, Caddy, ...) mount the socket only
#     to discover services; ports 80 and 443 of a service with the socket are
#     taken for such a proxy's sites and not reported, and a known proxy's
#     other ports are a warning (usually its dashboard or API).
#
#   **Warning** — swarm's own ports and admin APIs of cluster software:
#   2377 (cluster management), 7946 (node discovery), 4789 or the swarm's data
#   path port (VXLAN), etcd 2379/2380, Consul server RPC and gossip 8300–8302,
#   the Kong admin API 8001/8444 (Kong images), Envoy's admin 9901, the
#   Kubernetes API 6443 and kubelet 10250, Nomad 4646–4648. A container that
#   publishes swarm's own port numbers also takes them from the nodes' Docker
#   daemons in host mode.
#
#   Host-mode and ingress-mode ports are both reported; the message says
#   which nodes open the port.
# related_resources:
#   - description: Docker docs, protect the Docker daemon socket
#     ref: https://docs.docker.com/engine/security/protect-access/
#   - description: Docker docs, Docker daemon attack surface
#     ref: https://docs.docker.com/engine/security/#docker-daemon-attack-surface
#   - description: Docker docs, ports swarm nodes use
#     ref: https://docs.docker.com/engine/swarm/swarm-tutorial/#open-protocols-and-ports-between-the-hosts
#   - description: Kong docs, securing the Admin API
#     ref: https://docs.konghq.com/gateway/latest/production/running-kong/secure-admin-api/
#   - description: "swarmlint, how Docker behaves: A published port is open on every node"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#published-port-reach
# custom:
#   id: SWL109
#   name: control-plane-port-published
#   severity: error
#   security: true
#   remediation: >-
#     Do not publish the port. Reach the Docker API over its socket on the
#     node (or SSH: `DOCKER_HOST=ssh://user@node`), and admin APIs over an
#     internal overlay network, an SSH tunnel or a `mode: host` port bound on
#     a management node behind a firewall.
package swarmlint.rules.ports.control_plane_port_published

import data.swarmlint.lib.backends
import data.swarmlint.lib.ports
import data.swarmlint.lib.result

_socket_paths := {"/var/run/docker.sock", "/run/docker.sock", "//./pipe/docker_engine", "\\\\.\\pipe\\docker_engine"}

_proxy_images := {"docker-socket-proxy", "socket-proxy", "docker-proxy", "dockerproxy"}

# Admin ports of cluster software, by container port.
_admin_ports := {
	2377: "swarm's cluster management port",
	7946: "swarm's node discovery port",
	2379: "the etcd client API",
	2380: "the etcd peer port",
	8300: "the Consul server RPC port",
	8301: "the Consul LAN gossip port",
	8302: "the Consul WAN gossip port",
	9901: "the Envoy admin interface",
	6443: "the Kubernetes API",
	10250: "the kubelet API",
	4646: "the Nomad HTTP API",
	4647: "the Nomad RPC port",
	4648: "the Nomad gossip port",
}

# Admin ports that only mean that with the product's image.
_image_admin_ports := {
	"kong": {8001: "the Kong Admin API", 8444: "the Kong Admin API over TLS"},
	"kong-gateway": {8001: "the Kong Admin API", 8444: "the Kong Admin API over TLS"},
	"traefik": {8080: "the Traefik API and dashboard"},
	"consul": {8500: "the Consul HTTP API", 8501: "the Consul HTTPS API"},
}

_image(service) := backends.image_name(object.get(service, "image", ""))

_mounts_socket(service) := m.source if {
	some m in object.get(service, "mounts", [])
	m.source in _socket_paths
}

_published(port) if port.published > 0

_published(port) if {
	port.published == 0
	port.published_raw != ""
}

_where(port) := "through the routing mesh on every node" if ports.ingress(port)

_where(port) := "on every node that runs a task (host mode)" if not ports.ingress(port)

# ---- errors: the Docker Engine API ----

_api(_, port) := sprintf("container port %d is the Docker Engine API's", [port.target]) if port.target in {2375, 2376}

_api(service, port) := sprintf("%s is a Docker socket proxy: it serves the Docker Engine API", [_image(service)]) if {
	not port.target in {2375, 2376}
	_image(service) in _proxy_images
}

_api(service, port) := sprintf("the service mounts the Docker socket (%s)", [_mounts_socket(service)]) if {
	not port.target in {2375, 2376}
	not _image(service) in _proxy_images
	_mounts_socket(service)
	not backends.frontend(object.get(service, "image", ""))
	not port.target in _public_web_ports
}

# Reverse proxies that read the socket to discover services serve their
# sites on 80 and 443, also when swarmlint cannot tell the image (built
# from a Dockerfile): those two ports are what they are for.
_public_web_ports := {80, 443}

report contains finding if {
	some service in input.services
	some port in service.ports
	_published(port)
	why := _api(service, port)
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"service %q publishes %s %s, and %s; %s",
		[_label(service), ports.published(port), _where(port), why, _consequence_for(service, port)],
	))
}

_consequence_for(service, port) := "whoever reaches the port controls the Docker daemon, which is root on the node" if {
	_direct_api(service, port)
}

_consequence_for(service, port) := "the program behind the port holds the Docker socket, which is root on the node: any weakness in it (an unauthenticated page, a vulnerability) hands the Docker daemon to whoever reaches the port" if {
	not _direct_api(service, port)
}

_direct_api(_, port) if port.target in {2375, 2376}

_direct_api(service, _) if _image(service) in _proxy_images

# ---- warnings: admin ports ----

_admin(_, port) := _admin_ports[port.target]

_admin(_, port) := "swarm's VXLAN data path port" if {
	not _admin_ports[port.target]
	port.target == input.swarm.data_path_port
	port.protocol == "udp"
}

_admin(service, port) := _image_admin_ports[_image(service)][port.target] if {
	not _admin_ports[port.target]
	port.target != input.swarm.data_path_port
}

# A reverse proxy with the Docker socket: its non-web ports are its own
# dashboard or API.
_admin(service, port) := sprintf("a port of a reverse proxy that mounts the Docker socket (%s), not a web port", [_mounts_socket(service)]) if {
	not _admin_ports[port.target]
	port.target != input.swarm.data_path_port
	not _image_admin_ports[_image(service)][port.target]
	backends.frontend(object.get(service, "image", ""))
	_mounts_socket(service)
	not port.target in backends.web_ports
}

report contains finding if {
	some service in input.services
	some port in service.ports
	_published(port)
	not _api(service, port)
	what := _admin(service, port)
	finding := result.with_severity(
		result.finding(rego.metadata.chain(), port, sprintf(
			"service %q publishes %s %s: container port %d is %s, which controls the cluster or the service and should not be reachable from outside it",
			[_label(service), ports.published(port), _where(port), port.target, what],
		)),
		"warning",
	)
}

_label(service) := service.key if service.key != ""

_label(service) := service.name if service.key == ""
