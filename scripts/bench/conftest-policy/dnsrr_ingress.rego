# Hand-written conftest equivalent of SWL101 (dnsrr-with-ingress-port), for
# scripts/bench.sh only: a dnsrr service cannot publish through the routing
# mesh. It reads the raw YAML as conftest parses it.
package main

deny contains msg if {
	some name, svc in input.services
	svc.deploy.endpoint_mode == "dnsrr"
	some port in svc.ports
	not _host_mode(port)
	msg := sprintf("service %q uses dnsrr but publishes %v through the routing mesh", [name, port])
}

_host_mode(port) if port.mode == "host"
