# METADATA
# title: Shared helpers for rules
package swarmlint.lib.util

# service returns the service with id.
service(id) := input.services[id]

# network returns the network with id.
network(id) := input.networks[id]

# plural returns word, or word + "s" when n != 1.
plural(n, word) := word if n == 1

plural(n, word) := concat("", [word, "s"]) if n != 1
