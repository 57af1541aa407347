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
