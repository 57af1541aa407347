# METADATA
# title: Option encrypted set to a false-looking value still encrypts
# description: |
#   The overlay driver only checks whether the `encrypted` option is
#   present, never its value (`if _, ok := optMap[secureOption]; ok {
#   n.secure = true }`, code-derived and consistent with user
#   reports). So `encrypted: "false"`, `"0"`, `"no"` or `"off"` all turn
#   IPsec **on**, with its throughput cost, its need for ESP between nodes
#   and its smaller MTU.
#
#   swarmlint reports the values false, f, 0, no, n, off, disable, disabled
#   and none, in any case and with surrounding spaces. An empty value is
#   what `docker network create --opt encrypted` sends, so a literal
#   `encrypted: ""` is the documented way to ask for encryption and is not
#   reported (the engine encrypts it: containers get the encrypted MTU,
#   docs/swarm-behaviour.md#encrypted-option-presence). An empty value that a `${VAR}` produced is
#   reported: a variable left empty is usually meant to switch encryption
#   off, and it does not.
# related_resources:
#   - description: Docker docs, overlay network driver (encryption)
#     ref: https://docs.docker.com/engine/network/drivers/overlay/#encrypt-traffic-on-an-overlay-network
#   - description: "swarmlint, how Docker behaves: encrypted is read by presence"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#encrypted-option-presence
# custom:
#   id: SWL302
#   name: encrypted-false-still-encrypts
#   severity: warning
#   remediation: >-
#     Remove the `encrypted` key from `driver_opts` to leave the network
#     unencrypted, or write `encrypted: "true"` if encryption is what you
#     want.
#   fix:
#     description: >-
#       Removes the `encrypted` option (and `driver_opts` when it is the only
#       option), so the network is unencrypted as the value says; traffic
#       between nodes is then no longer encrypted.
#     safe: false
package swarmlint.rules.encryption.encrypted_false_still_encrypts

import data.swarmlint.lib.overlay
import data.swarmlint.lib.result

_false_words := {"false", "f", "0", "no", "n", "off", "disable", "disabled", "none"}

report contains finding if {
	some network in input.networks
	network.encrypted
	network.driver == "overlay"
	not network.external
	not network.encrypted_bare
	_looks_false(network)
	f := result.finding_at(rego.metadata.chain(), network, ["driver_opts", "encrypted"], sprintf(
		"network %q sets encrypted to %s%s, but Docker only checks that the option is present: the network is encrypted",
		[overlay.name(network), _shown(network.encrypted_value), _from_variable(network)],
	))
	finding := result.with_fix(f, result.fix(
		sprintf("remove the encrypted option: network %q is no longer encrypted (what the value says)", [overlay.name(network)]),
		false,
		[result.edit_remove(network, _encrypted_path(network))],
	))
}

# The fix removes the option, or driver_opts with it when it is the only
# option (an empty driver_opts is null, which Docker refuses).
_encrypted_path(network) := ["driver_opts"] if count(object.get(network, "options", {})) <= 1

_encrypted_path(network) := ["driver_opts", "encrypted"] if count(object.get(network, "options", {})) > 1

_looks_false(network) if lower(trim_space(network.encrypted_value)) in _false_words

# An empty value is --opt encrypted's own form; only a variable that came out
# empty is a switch that failed.
_looks_false(network) if {
	trim_space(network.encrypted_value) == ""
	_from_variable(network) != ""
}

_shown(value) := "an empty value" if value == ""

_shown(value) := sprintf("%q", [value]) if value != ""

# Name the variable when interpolation produced the value.
_from_variable(network) := sprintf(" (from %s)", [concat(", ", sort(names))]) if {
	path := array.concat(network.ref.path, ["driver_opts", "encrypted"])
	names := {v.syntax |
		some v in input.variables
		v.ref.src == network.ref.src
		v.ref.path == path
	}
	count(names) > 0
} else := ""
