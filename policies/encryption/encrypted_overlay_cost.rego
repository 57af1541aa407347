# METADATA
# title: Encrypted overlay network with a throughput cost, an ESP firewall rule and no Windows support
# description: |
#   `driver_opts: {encrypted: ...}` turns on IPsec for the VXLAN traffic of
#   an overlay network between nodes. Docker's docs: "This enables IPsec
#   encryption at the level of the Virtual Extensible LAN (VXLAN). This
#   encryption imposes a non-negligible performance penalty, so you should
#   test this option before using it in production." It also needs
#   more than the usual swarm ports: "If you plan on creating an overlay
#   network with encryption (`--opt encrypted`), you also need to ensure IP
#   protocol 50 (IPSec ESP) traffic is allowed." Without it the
#   tasks start but cannot talk across nodes. And it does not work for
#   Windows containers: "Overlay network encryption isn't supported on
#   Windows. Swarm doesn't report an error when a Windows host attempts to
#   connect to an encrypted overlay network", Windows containers then cannot
#   reach Linux containers and their own traffic is not encrypted.
#   Encryption also lowers the containers' MTU from 1450 to 1424.
#
#   The warning is a checklist, not a mistake: suppress it for a network
#   once throughput is measured, ESP is allowed between all nodes and no
#   Windows node joins the network.
# related_resources:
#   - description: Docker docs, overlay network driver (encryption)
#     ref: https://docs.docker.com/engine/network/drivers/overlay/#encrypt-traffic-on-an-overlay-network
#   - description: Docker docs, swarm tutorial (open protocols and ports between the hosts)
#     ref: https://docs.docker.com/engine/swarm/swarm-tutorial/#open-protocols-and-ports-between-the-hosts
#   - description: "swarmlint, how Docker behaves: Cost of encryption"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#encrypted-overlay-cost
#   - description: "swarmlint, how Docker behaves: Ports between nodes"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#firewall-ports
#   - description: "swarmlint, how Docker behaves: Encrypted overlays and Windows"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#encrypted-overlay-windows
#   - description: "swarmlint, how Docker behaves: Overlay MTU"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#overlay-mtu
# custom:
#   id: SWL301
#   name: encrypted-overlay-cost
#   severity: warning
#   remediation: >-
#     Measure the throughput the services need over the encrypted network,
#     allow IP protocol 50 (ESP) between all nodes, keep Windows containers
#     off the network, then suppress this finding for it; or drop
#     `encrypted` and encrypt in the application (TLS) instead.
package swarmlint.rules.encryption.encrypted_overlay_cost

import data.swarmlint.lib.overlay
import data.swarmlint.lib.result

report contains finding if {
	some network in input.networks
	network.encrypted
	overlay.created(network)
	finding := result.finding_at(rego.metadata.chain(), network, ["driver_opts", "encrypted"], sprintf(
		"network %q is encrypted with IPsec: expect lower throughput (test before production), allow IP protocol 50 (ESP) between all nodes, and keep Windows containers off it",
		[overlay.name(network)],
	))
}
