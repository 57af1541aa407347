# Hand-written conftest equivalent of SWL301 (encrypted-overlay-cost), for
# scripts/bench.sh only: IPsec-encrypted overlays cost throughput.
package main

warn contains msg if {
	some name, net in input.networks
	_ = net.driver_opts.encrypted
	msg := sprintf("network %q is encrypted with IPsec: expect lower throughput", [name])
}
