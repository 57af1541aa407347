# METADATA
# title: Finding constructor
# description: |
#   Every rule builds its findings with `finding` or `finding_at`: the rule id
#   and severity come from the rule's METADATA, the location from the model
#   element's `ref`. A rule never computes a line number.
package swarmlint.lib.result

# finding returns a finding for a model element (anything with a `ref`),
# located at that element.
finding(chain, element, message) := {
	"id": _meta(chain).id,
	"severity": _meta(chain).severity,
	"message": message,
	"ref": object.get(element, "ref", {}),
	"sub": _no_sub,
}

# finding_at is finding located at a key below the element, e.g.
# ["driver_opts", "encrypted"] below a network. When the key is not in the
# file, the finding points at the nearest part of the path that is.
finding_at(chain, element, sub, message) := {
	"id": _meta(chain).id,
	"severity": _meta(chain).severity,
	"message": message,
	"ref": object.get(element, "ref", {}),
	"sub": sub,
}

# _no_sub is an empty array typed array[any]: a literal [] would give the
# finding constructors an empty-collection type, for which OPA's type checker
# walks every module looking for `with` (a fifth of the compile time).
_no_sub := array.slice([0], 0, 0)

# with_severity overrides the rule's default severity for one finding.
with_severity(f, severity) := object.union(f, {"severity": severity})

_meta(chain) := m if {
	metas := [c | some link in chain; c := link.annotations.custom; c.id]
	m := metas[0]
}

# with_fix adds a fix to a finding: edits that resolve it, applied together
# by `swarmlint fix` (unsafe ones only with --unsafe) and offered by editors.
# Build the fix with fix(description, safe, edits) and its edits with the
# edit_* functions below; each names a model element (anything with a
# `ref`) and a key path below it, as finding_at does, and Go turns it into
# a byte edit at the located token, so the rest of the file is untouched.
with_fix(f, fx) := object.union(f, {"fixes": array.concat(object.get(f, "fixes", []), [fx])})

# fix is a fix: a description (lower-case, no final period), whether it is
# safe (what docker stack deploy does stays the same, or a refused file
# becomes what its author evidently meant) and its edits.
fix(description, safe, edits) := {"description": description, "safe": safe, "edits": edits}

# edit_set sets the value at sub below element: the written value is
# replaced (a string keeps its quotes), or the key is added to the mapping
# at sub's parent when it is not written. value may be a scalar, an object
# or an array; objects and arrays are written in block style, or in flow
# style inside a flow collection.
edit_set(element, sub, value) := {"op": "set", "ref": object.get(element, "ref", {}), "sub": sub, "value": value}

# edit_remove removes the mapping entry (key and value) or sequence item at
# sub below element, with its lines when it has lines of its own.
edit_remove(element, sub) := {"op": "remove", "ref": object.get(element, "ref", {}), "sub": sub}

# edit_comment adds a comment line (text, without the leading #) above the
# line of the node at sub below element, at that line's indentation.
edit_comment(element, sub, text) := {"op": "comment", "ref": object.get(element, "ref", {}), "sub": sub, "text": text}

# edit_subnet replaces the subnet written at sub below element with a free
# subnet of prefix_length from the swarm's default address pools, one that
# overlaps no known network, host network or subnet the pools will hand out,
# as `swarmlint plan` allocates. In the fix's description, {subnet} is
# replaced by the subnet chosen. network is the network's id.
edit_subnet(element, sub, network, prefix_length) := {
	"op": "subnet", "ref": object.get(element, "ref", {}), "sub": sub,
	"network": network, "prefix_length": prefix_length,
}

# edit_subnet_in is edit_subnet that sets value, in whose strings {subnet}
# is replaced by the subnet chosen, e.g. {"config": [{"subnet": "{subnet}"}]}
# at ["ipam"] below a network that takes its subnet from the pools.
edit_subnet_in(element, sub, value, network, prefix_length) := {
	"op": "subnet", "ref": object.get(element, "ref", {}), "sub": sub, "value": value,
	"network": network, "prefix_length": prefix_length,
}
