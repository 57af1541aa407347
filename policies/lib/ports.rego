# METADATA
# title: Shared helpers for the ports and encryption rules
# description: |
#   How Docker reads a port's publish mode, and how a port or a service is
#   named in messages.
package swarmlint.lib.ports

import data.swarmlint.lib.addressing

# ingress is true for a port Docker publishes through the routing mesh:
# mode ingress, or a mode Docker does not know (it maps those to ingress, docs/swarm-behaviour.md#port-protocol-mode-values).
ingress(port) if port.mode != "host"

# published describes what a port publishes: "8080/tcp", a host-port range
# "8000-8010/tcp", or "target 3306/tcp on a random port" when published is 0.
published(port) := sprintf("%d/%s", [port.published, port.protocol]) if port.published != 0

published(port) := sprintf("%s/%s", [port.published_raw, port.protocol]) if {
	port.published == 0
	port.published_raw != ""
	port.published_raw != "0"
}

published(port) := sprintf("target %d/%s on a random port", [port.target, port.protocol]) if {
	port.published == 0
	port.published_raw in {"", "0"}
}

# first_ingress is the index of a service's first port published through
# the routing mesh (undefined when it has none).
first_ingress(service) := min([i | some i, port in service.ports; ingress(port)])

# label names a service in a message: its key, or its swarm name when it is
# in another stack than the service the message is about.
label(service, about) := service.key if service.stack == about.stack

label(service, about) := service.name if service.stack != about.stack

# named is how a message names a service: its label quoted, and for a
# service of the running swarm (--live) where it comes from.
named(service, about) := sprintf("%q%s", [label(service, about), addressing.live_note(service)])

# before orders two services as Docker meets them: a service that
# already exists (inventory, live swarm) before one the inputs create, then
# by id. A clash is reported on the later one.
before(a, b) if _order_key(a) < _order_key(b)

_order_key(service) := [to_number(object.get(service, "origin", "") != "inventory"), service.id]
