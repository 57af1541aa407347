# METADATA
# title: Overlay packets do not fit the hosts' network MTU
# description: |
#   The overlay driver gives containers an MTU of `(com.docker.network.driver.mtu
#   or 1500) − 50` for the VXLAN header, and when the network is encrypted
#   26 bytes less for ESP, rounded down to a multiple of 4: **1450** by
#   default, **1424** encrypted. It never looks at the MTU of the
#   hosts' own network (the underlay). Every full-size container packet
#   therefore leaves the node as `container MTU + 50` (`+ 26` encrypted)
#   bytes, which must fit the underlay MTU, or the packets are dropped or
#   fragmented: small requests work, large responses hang. Issue
#   moby/libnetwork#2661: "Overlay network broken when outside network mtu
#   is smaller than default (1450)".
#
#   swarmlint compares that size with the underlay MTU from the
#   configuration (`underlay_mtu`, default 1500). With the default it fires
#   for an option above 1500 (jumbo frames that the hosts do not have); with
#   a smaller underlay (VPN, some clouds: 1450, 1400) it fires for every
#   overlay network that does not lower the option. The ingress network
#   swarm creates at init has the same problem; it is fixed by recreating
#   it with the option (see the Docker docs on customising ingress).
# related_resources:
#   - description: Docker docs, overlay network driver options
#     ref: https://docs.docker.com/engine/network/drivers/overlay/#options
#   - description: moby/libnetwork#2661, overlay network broken when the outside MTU is smaller
#     ref: https://github.com/moby/libnetwork/issues/2661
#   - description: "swarmlint, how Docker behaves: Overlay MTU"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-mtu
# custom:
#   id: SWL304
#   name: mtu-exceeds-underlay
#   severity: warning
#   remediation: >-
#     Set `com.docker.network.driver.mtu` in the network's `driver_opts` to the
#     MTU of the hosts' network (for example "1450"), so that the
#     encapsulated packets fit it.
package swarmlint.rules.encryption.mtu_exceeds_underlay

import data.swarmlint.lib.overlay
import data.swarmlint.lib.result

report contains finding if {
	some network in input.networks
	overlay.created(network)
	underlay := input.swarm.underlay_mtu
	underlay > 0
	mtu := network.mtu
	mtu.effective >= 68
	not _out_of_range(mtu)
	packet := mtu.effective + _overhead(network)
	packet > underlay
	finding := _finding(network, sprintf(
		"network %q gives containers an MTU of %d (%s), so its packets leave the node as %d bytes, more than the hosts' network MTU of %d: large packets between nodes are dropped",
		[overlay.name(network), mtu.effective, _derivation(network), packet, underlay],
	))
}

_out_of_range(mtu) if mtu.value > 65535

_overhead(network) := 50 + 26 if network.encrypted

_overhead(network) := 50 if not network.encrypted

_base(network) := sprintf("com.docker.network.driver.mtu %s", [network.mtu.raw]) if {
	network.mtu.set
	network.mtu.value != 0
}

_base(network) := "default 1500" if not network.mtu.set

_base(network) := "default 1500" if {
	network.mtu.set
	network.mtu.value == 0
}

_derivation(network) := sprintf("%s − 50 VXLAN − 26 ESP, rounded down to 4", [_base(network)]) if network.encrypted

_derivation(network) := sprintf("%s − 50 VXLAN", [_base(network)]) if not network.encrypted

# Point at the option when it is written, else at the network.
_finding(network, message) := result.finding_at(rego.metadata.chain(), network, ["driver_opts", "com.docker.network.driver.mtu"], message) if {
	network.mtu.set
}

_finding(network, message) := result.finding(rego.metadata.chain(), network, message) if {
	not network.mtu.set
}
