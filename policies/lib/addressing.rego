# METADATA
# title: Shared helpers for the address-planning rules (SWL2xx)
# description: |
#   How the addressing rules name a network's subnet, point at it, and spell
#   out an address demand. The numbers themselves are computed in Go
#   (analyzer/facts.go): rules only compare and word them.
package swarmlint.lib.addressing

import data.swarmlint.lib.result
import data.swarmlint.lib.util

# swarm_scoped holds for a network that takes overlay addresses: not one of
# the node-local drivers, which draw from the local address space instead.
swarm_scoped(nw) if not _local_drivers[nw.driver]

_local_drivers := {"bridge", "macvlan", "ipvlan", "host", "none", "null"}

# ipv4_subnets are the valid IPv4 subnet entries written for a network.
ipv4_subnets(nw) := [sn | some sn in nw.subnets; sn.valid; not sn.ipv6]

# given holds for a network whose subnets are written out (stack file,
# script, inventory) rather than allocated from the pool: its `subnets`
# entries then point at them.
given(nw) if nw.subnet_source in {"explicit", "script", "inventory"}

# subnet_element is what a finding about a network's address range points
# at: its first IPv4 subnet entry when the subnet is written out, the
# network otherwise (pool-allocated).
subnet_element(nw) := ipv4_subnets(nw)[0] if given(nw)

subnet_element(nw) := nw if not given(nw)

# subnet_text names a network's address range and where it comes from.
subnet_text(nw) := concat(" + ", [sn.prefix | some sn in ipv4_subnets(nw)]) if given(nw)

subnet_text(nw) := sprintf("%s (from the default address pool)", [nw.subnet]) if nw.subnet_source == "pool"

subnet_text(nw) := nw.subnet if {
	not given(nw)
	nw.subnet_source != "pool"
}

# breakdown spells out an address demand: "70 tasks, 1 VIP and 3
# load-balancer endpoints".
breakdown(d) := join_and([p |
	some part in [
		[d.tasks, sprintf("%d %s", [d.tasks, util.plural(d.tasks, "task")])],
		[d.update_extra, sprintf("%d extra %s during start-first updates", [d.update_extra, util.plural(d.update_extra, "task")])],
		[d.vips, sprintf("%d %s", [d.vips, util.plural(d.vips, "VIP")])],
		[d.lb, sprintf("%d load-balancer %s", [d.lb, util.plural(d.lb, "endpoint")])],
	]
	part[0] > 0
	p := part[1]
])

# join_and joins words as "a, b and c".
join_and(xs) := "nothing" if count(xs) == 0

join_and(xs) := xs[0] if count(xs) == 1

join_and(xs) := concat(" and ", [concat(", ", array.slice(xs, 0, count(xs) - 1)), xs[count(xs) - 1]]) if count(xs) > 1

# percent is the whole percentage of part in whole.
percent(part, whole) := floor((part * 100) / whole) if whole > 0

# label names a network in a message: its key in the stack file, or its
# swarm name when the other network is in another stack.
label(nw, other) := nw.key if nw.stack == other.stack

label(nw, other) := nw.name if nw.stack != other.stack

# named is how a message names a network: its label quoted, and for a
# network of the running swarm (--live) where it comes from:
# `"shop_back" (live, created by stack shop)`.
named(nw, other) := sprintf("%q%s", [label(nw, other), live_note(nw)])

# live_note is " (live, created by stack NAME)", " (live)" for a live object
# no stack created, and "" for everything else.
live_note(obj) := sprintf(" (live, created by stack %s)", [obj.created_by_stack]) if {
	object.get(obj, "live", false)
	object.get(obj, "created_by_stack", "") != ""
}

live_note(obj) := " (live)" if {
	object.get(obj, "live", false)
	object.get(obj, "created_by_stack", "") == ""
}

live_note(obj) := "" if not object.get(obj, "live", false)

# shared_by names the stacks whose services use a network when there are
# several: " across stacks billing and db" (a network one stack creates and
# others use as external is one network, and their demand adds up), "" for
# a network of one stack.
shared_by(nw) := sprintf(" across stacks %s", [join_and(sort(stacks))]) if {
	stacks := {s.stack | some id in nw.services; s := input.services[id]; s.stack != ""}
	count(stacks) > 1
} else := ""

# with_subnet_fix adds to a finding (which it returns as it is when the
# fix cannot be built) about subnet entry sn of network nw the
# unsafe fix that moves the network to a free subnet of the pools, of
# prefix length bits or larger when the demand needs it (fit_bits): Go
# picks it as `swarmlint plan` allocates (analyzer Model.FreeSubnet). Only
# for a network written with one IPv4 subnet and nothing else in its ipam
# entry (a gateway or ip_range would not fit the new subnet).
with_subnet_fix(f, nw, sn, bits) := fixed if {
	movable(nw, sn)
	fixed := result.with_fix(f, result.fix(
		sprintf("move network %q from %s to {subnet}, a free subnet of the default address pools", [nw.key, sn.prefix]),
		false,
		[result.edit_subnet(sn, [], nw.id, min([bits, fit_bits(nw)]))],
	))
} else := f

# movable holds for a network whose only subnet entry is sn, written in a
# stack file with nothing else.
movable(nw, sn) if {
	nw.subnet_source == "explicit"
	not nw.external
	count(nw.subnets) == 1
	sn.valid
	not sn.ipv6
	count(sn.other_keys) == 0
}

# fit_bits is the longest prefix length (the smallest subnet) whose usable
# addresses hold the network's demand with the headroom the sizing rules
# ask for: at most 80% used (SWL203), and room for a rolling update's batch.
fit_bits(nw) := max({b |
	some b in numbers.range(8, 29)
	usable := bits.lsh(1, 32 - b) - 3
	nw.demand.total * 10 <= usable * 8
	usable - nw.demand.total >= object.get(nw.demand, "update_batch", 0)
})

# prefix_bits is the prefix length of a subnet entry.
prefix_bits(sn) := to_number(split(sn.prefix, "/")[1])
