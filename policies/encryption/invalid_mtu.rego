# METADATA
# title: MTU option is not an integer in range
# description: |
#   `com.docker.network.driver.mtu` is parsed by the overlay driver on each
#   node when it creates the network there, not when the stack is deployed:
#   a value that is not an integer fails with `failed to parse %v: %v`, a
#   negative one with `invalid MTU value: %v`. The service is
#   accepted, but its tasks cannot join the network on any node.
#
#   swarmlint parses the value as Docker does (a plain decimal integer; no
#   spaces, no unit, no decimal point). It also reports a value outside the
#   range the kernel accepts, which Docker does not check: the containers'
#   MTU is the option minus 50 bytes of VXLAN overhead (minus 26 more and
#   rounded down to a multiple of 4 when encrypted), and Linux
#   refuses an interface MTU below 68, the IPv4 minimum, so the option must
#   be at least 118 (144 encrypted); and no IPv4 packet is larger than
#   65535 bytes. The value 0 means "default" (1500) to Docker and is
#   accepted. Whether a valid value suits the hosts' network is SWL304.
# related_resources:
#   - description: Docker docs, overlay network driver options
#     ref: https://docs.docker.com/engine/network/drivers/overlay/#options
#   - description: Docker docs, docker network create (driver options)
#     ref: https://docs.docker.com/reference/cli/docker/network/create/
#   - description: "swarmlint, how Docker behaves: MTU option value"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#mtu-option-value
#   - description: "swarmlint, how Docker behaves: Overlay MTU"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-mtu
# custom:
#   id: SWL303
#   name: invalid-mtu
#   severity: error
#   remediation: >-
#     Set `com.docker.network.driver.mtu` to a plain integer: the MTU of the
#     hosts' network (1500 on most Ethernet, lower on VPNs and some clouds),
#     quoted as a string in YAML if you like, for example "1450".
package swarmlint.rules.encryption.invalid_mtu

import data.swarmlint.lib.overlay
import data.swarmlint.lib.result

_max := 65535

_min_effective := 68

report contains finding if {
	some network in input.networks
	overlay.created(network)
	network.mtu.set
	message := _problem(network)
	finding := result.finding_at(rego.metadata.chain(), network, ["driver_opts", "com.docker.network.driver.mtu"], sprintf(
		"network %q has com.docker.network.driver.mtu %q: %s",
		[overlay.name(network), network.mtu.raw, message],
	))
}

_integer(raw) if regex.match(`^[+-]?[0-9]+$`, raw)

_problem(network) := "not an integer; the network cannot be created on the nodes (failed to parse)" if {
	not _integer(network.mtu.raw)
}

_problem(network) := "negative; the network cannot be created on the nodes (invalid MTU value)" if {
	_integer(network.mtu.raw)
	startswith(network.mtu.raw, "-")
	to_number(network.mtu.raw) < 0
}

_problem(network) := sprintf("above %d, the largest IPv4 packet; the kernel refuses such an interface MTU", [_max]) if {
	_integer(network.mtu.raw)
	to_number(network.mtu.raw) > _max
}

_problem(network) := sprintf(
	"too small: containers would get an MTU of %d after the %s overhead, below the IPv4 minimum of %d that the kernel accepts",
	[network.mtu.effective, _overhead(network), _min_effective],
) if {
	_integer(network.mtu.raw)
	value := to_number(network.mtu.raw)
	value > 0
	value <= _max
	network.mtu.effective < _min_effective
}

_overhead(network) := "VXLAN and IPsec" if network.encrypted

_overhead(network) := "VXLAN" if not network.encrypted
