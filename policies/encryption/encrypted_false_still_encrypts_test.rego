package swarmlint.rules.encryption.encrypted_false_still_encrypts_test

import data.swarmlint.rules.encryption.encrypted_false_still_encrypts as rule

_net(value) := {"networks": {"shop_backend": {
	"key": "backend", "name": "shop_backend", "origin": "stack", "driver": "overlay", "external": false,
	"used": true, "encrypted": true, "encrypted_value": value,
	"ref": {"src": "stack:shop", "path": ["networks", "backend"]},
}}}

test_false_looking_values_are_reported if {
	every value in ["false", "False", " off ", "0", "no", "N", "disabled"] {
		count(rule.report) == 1 with input as _net(value)
	}
}

test_true_values_are_clean if {
	every value in ["true", "yes", "1", "on", "aes"] {
		count(rule.report) == 0 with input as _net(value)
	}
}

test_finding_points_at_the_key if {
	some f in rule.report with input as _net("false")
	f.sub == ["driver_opts", "encrypted"]
	contains(f.message, "sets encrypted to \"false\"")
}

test_variable_is_named if {
	inp := object.union(_net(""), {"variables": [{
		"syntax": "${OVERLAY_ENCRYPTION}",
		"ref": {"src": "stack:shop", "path": ["networks", "backend", "driver_opts", "encrypted"]},
	}]})
	some f in rule.report with input as inp
	contains(f.message, "an empty value (from ${OVERLAY_ENCRYPTION})")
}

# `encrypted: ""` is what `--opt encrypted` sends: encryption as intended.
test_literal_empty_value_is_fine if {
	every value in ["", " "] {
		count(rule.report) == 0 with input as object.union(_net(value), {"variables": []})
	}
}

test_network_without_the_option_is_clean if {
	inp := json.patch(_net(""), [{"op": "replace", "path": "/networks/shop_backend/encrypted", "value": false}])
	count(rule.report) == 0 with input as inp
}

# `docker network create --opt encrypted` (no value) is the documented CLI
# form, not a false-looking value.
test_bare_cli_option_is_fine if {
	count(rule.report) == 0 with input as {
		"networks": {"secure": {
			"key": "secure", "name": "secure", "driver": "overlay",
			"encrypted": true, "encrypted_value": "", "encrypted_bare": true, "external": false, "used": true, "origin": "script",
			"ref": {"src": "script:boot.sh"},
		}},
		"variables": [],
	}
}
