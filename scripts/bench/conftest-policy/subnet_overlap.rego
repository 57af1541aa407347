# Hand-written conftest equivalent of SWL211 (subnet-overlap), for
# scripts/bench.sh only: two networks with overlapping explicit subnets.
package main

_subnets contains [name, cfg.subnet] if {
	some name, net in input.networks
	some cfg in net.ipam.config
	is_string(cfg.subnet)
}

deny contains msg if {
	some [a, sa] in _subnets
	some [b, sb] in _subnets
	a < b
	net.cidr_intersects(sa, sb)
	msg := sprintf("network %q (%s) overlaps network %q (%s)", [a, sa, b, sb])
}
