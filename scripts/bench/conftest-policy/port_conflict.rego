# Hand-written conftest equivalent of SWL103 (published-port-conflict), for
# scripts/bench.sh only: two services publish the same port. Short syntax
# "[ip:]published:target[/proto]" and long syntax are both read.
package main

_published(port) := sprintf("%v/%s", [port.published, object.get(port, "protocol", "tcp")]) if is_object(port)

_published(port) := sprintf("%s/%s", [parts[count(parts) - 2], _proto(port)]) if {
	is_string(port)
	parts := split(split(port, "/")[0], ":")
	count(parts) >= 2
}

_proto(port) := split(port, "/")[1] if contains(port, "/")

_proto(port) := "tcp" if not contains(port, "/")

_by_port[p] contains name if {
	some name, svc in input.services
	some port in svc.ports
	p := _published(port)
}

deny contains msg if {
	some p, names in _by_port
	count(names) > 1
	msg := sprintf("port %s is published by %d services: %v", [p, count(names), sort(names)])
}
