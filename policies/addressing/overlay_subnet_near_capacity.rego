# METADATA
# title: Overlay network close to the capacity of its subnet
# description: |
#   Every task, VIP and per-node load-balancer endpoint on an overlay network
#   takes an address of its subnet, and a /24 has 253 usable ones.
#   A network that is nearly full today fails at the next scale-up, or in
#   the middle of a rolling update: swarm's updater creates each new task in
#   the same step as it asks the old one to stop, and the old task keeps its
#   address until it has stopped, so even a `stop-first` update briefly needs
#   `update_config.parallelism` more addresses (code-derived from
#   moby/swarmkit's updater and allocator). When the subnet runs out, the
#   manager only logs `could not find an available IP` and the new tasks stay
#   in the `NEW` state.
#
#   swarmlint warns when the demand (see SWL201) is above 80 % of the usable
#   addresses, or when the addresses left are fewer than the largest update
#   batch of a `stop-first` service on the network (start-first batches are
#   already part of the demand). Above 100 % SWL201 reports an error instead.
# related_resources:
#   - description: Docker docs, overlay network size limitations
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: Docker docs, rolling updates
#     ref: https://docs.docker.com/engine/swarm/swarm-tutorial/rolling-update/
#   - description: "swarmlint, how Docker behaves: Addresses an overlay network uses"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-address-demand
# custom:
#   id: SWL203
#   name: overlay-subnet-near-capacity
#   severity: warning
#   remediation: >-
#     Leave headroom on the network: move some services to another overlay
#     network, lower the replicas or `update_config.parallelism`, or switch
#     services that need no virtual IP to `endpoint_mode: dnsrr`.
package swarmlint.rules.addressing.overlay_subnet_near_capacity

import data.swarmlint.lib.addressing
import data.swarmlint.lib.result

report contains finding if {
	some nw in _candidates
	nw.demand.total * 10 > nw.usable * 8
	finding := result.finding(rego.metadata.chain(), addressing.subnet_element(nw), sprintf(
		"network %q needs about %d of the %d addresses of %s (%d%%) for %s%s%s",
		[
			nw.key, nw.demand.total, nw.usable, addressing.subnet_text(nw),
			addressing.percent(nw.demand.total, nw.usable), addressing.breakdown(nw.demand),
			addressing.shared_by(nw), _update_note(nw),
		],
	))
}

report contains finding if {
	some nw in _candidates
	nw.demand.total * 10 <= nw.usable * 8
	_no_update_room(nw)
	finding := result.finding(rego.metadata.chain(), addressing.subnet_element(nw), sprintf(
		"network %q has %d of the %d addresses of %s left%s",
		[nw.key, nw.usable - nw.demand.total, nw.usable, addressing.subnet_text(nw), _update_note(nw)],
	))
}

# networks within capacity (beyond it, SWL201 reports)
_candidates contains nw if {
	some nw in input.networks
	not nw.ingress
	addressing.swarm_scoped(nw)
	nw.subnet != ""
	nw.usable > 0
	nw.demand.total > 0
	nw.demand.total <= nw.usable
}

_no_update_room(nw) if nw.usable - nw.demand.total < nw.demand.update_batch

_update_note(nw) := sprintf(
	", but a rolling update of service %q briefly needs %d more",
	[input.services[nw.demand.update_batch_service].key, nw.demand.update_batch],
) if {
	_no_update_room(nw)
}

_update_note(nw) := "" if not _no_update_room(nw)
