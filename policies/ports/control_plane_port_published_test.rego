package swarmlint.rules.ports.control_plane_port_published_test

import data.swarmlint.rules.ports.control_plane_port_published as rule

_port(target, published, mode) := {"target": target, "published": published, "published_raw": sprintf("%d", [published]), "protocol": "tcp", "mode": mode, "ref": {}}

_input(service) := {
	"swarm": {"data_path_port": 4789},
	"services": {"s": object.union({"id": "s", "key": "svc", "name": "st_svc", "mounts": []}, service)},
}

_one(service) := f if {
	findings := rule.report with input as _input(service)
	count(findings) == 1
	some f in findings
}

test_engine_api_port_is_an_error if {
	f := _one({"image": "alpine:3", "ports": [_port(2375, 2375, "ingress")]})
	f.severity == "error"
	contains(f.message, "through the routing mesh on every node")
	contains(f.message, "container port 2375 is the Docker Engine API's")
}

test_socket_proxy_is_an_error if {
	f := _one({"image": "tecnativa/docker-socket-proxy:0.2", "ports": [_port(2375, 12375, "host")]})
	f.severity == "error"
	contains(f.message, "(host mode)")
	f2 := _one({"image": "tecnativa/docker-socket-proxy:0.2", "ports": [_port(8080, 8080, "ingress")]})
	contains(f2.message, "docker-socket-proxy is a Docker socket proxy")
}

test_socket_mount_with_a_port_is_an_error if {
	f := _one({"image": "portainer/portainer-ce:2.21.0", "mounts": [{"type": "bind", "source": "/var/run/docker.sock", "target": "/var/run/docker.sock"}], "ports": [_port(9443, 9443, "ingress")]})
	f.severity == "error"
	contains(f.message, "mounts the Docker socket (/var/run/docker.sock)")
}

test_reverse_proxy_web_ports_are_fine if {
	count(rule.report) == 0 with input as _input({"image": "traefik:v3.1", "mounts": [{"type": "bind", "source": "/var/run/docker.sock", "target": "/var/run/docker.sock"}], "ports": [_port(80, 80, "ingress"), _port(443, 443, "ingress")]})
}

test_reverse_proxy_dashboard_is_a_warning if {
	f := _one({"image": "traefik:v3.1", "mounts": [{"type": "bind", "source": "/var/run/docker.sock", "target": "/var/run/docker.sock"}], "ports": [_port(8080, 8080, "ingress")]})
	f.severity == "warning"
	contains(f.message, "the Traefik API and dashboard")
}

test_swarm_and_cluster_admin_ports_are_warnings if {
	every target in [2377, 7946, 2379, 2380, 8300, 8301, 8302] {
		f := _one({"image": "alpine:3", "ports": [_port(target, target, "ingress")]})
		f.severity == "warning"
	}
}

test_kong_admin_needs_the_kong_image if {
	f := _one({"image": "kong:3.7", "ports": [_port(8001, 8001, "ingress")]})
	contains(f.message, "the Kong Admin API")
	count(rule.report) == 0 with input as _input({"image": "example/shop:1", "ports": [_port(8001, 8001, "ingress")]})
}

test_data_path_port_over_udp_is_a_warning if {
	f := _one({"image": "alpine:3", "ports": [object.union(_port(4789, 4789, "ingress"), {"protocol": "udp"})]})
	contains(f.message, "VXLAN data path port")
	count(rule.report) == 0 with input as _input({"image": "alpine:3", "ports": [_port(4789, 4789, "ingress")]})
}

test_unpublished_and_ordinary_ports_are_fine if {
	count(rule.report) == 0 with input as _input({"image": "alpine:3", "ports": [{"target": 2375, "published": 0, "published_raw": "", "protocol": "tcp", "mode": "ingress", "ref": {}}]})
	count(rule.report) == 0 with input as _input({"image": "nginx:1.27", "ports": [_port(80, 8080, "ingress")]})
}

test_web_ports_of_a_built_proxy_with_the_socket_are_fine if {
	count(rule.report) == 0 with input as _input({"mounts": [{"type": "bind", "source": "/var/run/docker.sock", "target": "/tmp/docker.sock"}], "ports": [_port(80, 80, "ingress"), _port(443, 443, "ingress")]})
	f := _one({"image": "dockersamples/visualizer:stable", "mounts": [{"type": "bind", "source": "/var/run/docker.sock", "target": "/var/run/docker.sock"}], "ports": [_port(8080, 8080, "ingress")]})
	contains(f.message, "the program behind the port holds the Docker socket")
}
