# METADATA
# title: Overlay network needs more addresses than its subnet has
# description: |
#   Every task attached to an overlay network takes one address of its subnet,
#   every VIP-mode service one more (its virtual IP), and every node that runs
#   a task on the network one more for its load-balancer endpoint
#   (`lb-<network>`). Swarm also keeps the network address, the broadcast
#   address and the gateway, so a /24 has 253 usable addresses, not 256.
#   With `update_config.order: start-first`, the new tasks of an
#   update hold addresses while the old ones still run.
#
#   Docker accepts the stack. When the subnet runs out, the allocator only
#   logs `could not find an available IP while allocating VIP` or `could not
#   find an available IP` on the manager, and the tasks stay in the `NEW`
#   state without an error on the command line.
#
#   swarmlint counts the demand from the stack: replicas (or the configured
#   node count for global services), one VIP per service not in `dnsrr`
#   mode, and one load-balancer endpoint per node that runs a task, with as
#   many nodes as the configuration says (default 3). A network without
#   `subnet:` is checked against the subnet the default address pool would
#   give it (`/24` unless `--default-addr-pool-mask-length` says otherwise).
#   A network that one stack creates and other stacks use with `external:
#   true` is one network: every stack's tasks draw from its subnet, so the
#   demand of all the stacks (and of the services in `--cluster`) adds up
#   (confirmed on the engine, docs/swarm-behaviour.md#shared-external-network).
# related_resources:
#   - description: Docker docs, overlay network size limitations
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: Docker docs, overlay network driver
#     ref: https://docs.docker.com/engine/network/drivers/overlay/
#   - description: "swarmlint, how Docker behaves: Addresses an overlay network uses"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-address-demand
# custom:
#   id: SWL201
#   name: overlay-subnet-exhausted
#   severity: error
#   remediation: >-
#     Spread the services over several overlay networks, reduce the replicas,
#     or switch services that need no virtual IP to `endpoint_mode: dnsrr`; a
#     larger subnet also works, but Docker recommends staying at /24.
#   fix:
#     description: >-
#       Moves a network written with one subnet to a free subnet of the default
#       address pools large enough for its demand with room to spare (at most
#       80% used, room for a rolling update), overlapping no known network or
#       host network, chosen as `swarmlint plan` allocates; a network declared
#       without a subnet gets such a subnet written in `ipam.config` (not the
#       stack's implicit default network). Services on the network get new
#       addresses.
#     safe: false
package swarmlint.rules.addressing.overlay_subnet_exhausted

import data.swarmlint.lib.addressing
import data.swarmlint.lib.result

report contains finding if {
	some nw in input.networks
	not nw.ingress
	addressing.swarm_scoped(nw)
	nw.subnet != ""
	nw.demand.total > nw.usable
	element := addressing.subnet_element(nw)
	f := result.finding(rego.metadata.chain(), element, sprintf(
		"network %s needs about %d addresses for %s%s, but %s has %d",
		[sprintf("%q%s", [nw.key, addressing.live_note(nw)]), nw.demand.total, addressing.breakdown(nw.demand), addressing.shared_by(nw), addressing.subnet_text(nw), nw.usable],
	))
	finding := _with_fix(f, nw, element)
}

# The fix moves a network written with one subnet to a free subnet large
# enough for its demand.
_with_fix(f, nw, element) := fixed if {
	addressing.given(nw)
	fixed := addressing.with_subnet_fix(f, nw, element, 29)
} else := fixed if {
	# A network declared without a subnet gets one written: an ipam entry
	# with a free subnet large enough (not the stack's implicit default
	# network, nor a network with an IPAM driver of its own).
	_pool_fixable(nw)
	fixed := result.with_fix(f, result.fix(
		sprintf("give network %q the subnet {subnet} from the default address pools instead of the %s the pools hand it", [nw.key, nw.subnet]),
		false,
		[result.edit_subnet_in(nw, ["ipam"], {"config": [{"subnet": "{subnet}"}]}, nw.id, addressing.fit_bits(nw))],
	))
} else := f

_pool_fixable(nw) if {
	nw.subnet_source == "pool"
	not nw.implicit
	not nw.external
	object.get(nw, "origin", "stack") == "stack"
	object.get(nw, "ipam_driver", "") in {"", "default"}
}
