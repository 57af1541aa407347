# METADATA
# title: Shared helpers for the encryption and MTU rules
# description: |
#   Which overlay networks the linted inputs create, and how a network is
#   named in messages.
package swarmlint.lib.overlay

# created is true for an overlay network that the linted inputs create: a
# stack network that some service uses (stack deploy creates no other,
# docs/swarm-behaviour.md#unused-network-not-created), or a network a script creates. External, inventory and the
# default ingress network are not created here, and their options are not
# the files' to fix.
created(network) if {
	network.origin == "stack"
	not network.external
	network.used
	_overlay(network)
}

created(network) if {
	network.origin == "script"
	_overlay(network)
}

_overlay(network) if network.driver == "overlay"

# name is how a message names a network: its key in the stack file, or its
# swarm name for script networks.
name(network) := network.key if network.origin == "stack"

name(network) := network.name if network.origin != "stack"

# encrypted_networks maps a stack name to the keys of the encrypted
# networks it creates.
encrypted_networks[stack] contains network.key if {
	some network in input.networks
	created(network)
	network.origin == "stack"
	network.encrypted
	stack := network.stack
}
