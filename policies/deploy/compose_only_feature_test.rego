package swarmlint.rules.deploy.compose_only_feature_test

import data.swarmlint.rules.deploy.compose_only_feature as rule

_key(class, key, path) := {
	"key": key, "class": class, "stack": "shop", "owner": "",
	"ref": {"src": "stack:shop", "file": "stack.yml", "path": path},
}

_fv(file, version, effective, supported) := {
	"file": file, "version": version, "effective": effective,
	"supported": supported, "ref": {"src": "stack:shop", "file": file, "path": ["version"]},
}

_stack(fvs) := {"stacks": {"shop": {"name": "shop", "file_versions": fvs}}}

test_top_level_include_is_reported if {
	findings := rule.report with input as {"keys": [_key("compose-only", "include", ["include"])]}
	count(findings) == 1
	some f in findings
	contains(f.message, "(root) Additional property include is not allowed")
}

test_profiles_is_reported if {
	findings := rule.report with input as {"keys": [_key("compose-only", "services.*.profiles", ["services", "web", "profiles"])]}
	some f in findings
	contains(f.message, "services.web Additional property profiles is not allowed")
}

test_depends_on_condition_is_reported if {
	findings := rule.report with input as {"keys": [_key(
		"compose-only", "services.*.depends_on.*.condition",
		["services", "web", "depends_on", "db", "condition"],
	)]}
	some f in findings
	contains(f.message, "services.web.depends_on must be a list")
}

test_host_ip_in_long_syntax_is_reported if {
	findings := rule.report with input as {"keys": [_key(
		"compose-only", "services.*.ports.*.host_ip",
		["services", "web", "ports", 1, "host_ip"],
	)]}
	some f in findings
	contains(f.message, "host_ip in a long-syntax port")
}

test_extends_is_reported if {
	findings := rule.report with input as {"keys": [_key("forbidden", "services.*.extends", ["services", "db", "extends"])]}
	some f in findings
	contains(f.message, "compose file contains unsupported options")
}

test_long_syntax_port_before_3_2_is_reported if {
	k := object.union(
		_key("needs-version", "services.*.ports.*", ["services", "web", "ports", 0]),
		{"needs_version": "3.2", "file_version": "3.1"},
	)
	findings := rule.report with input as {"keys": [k]}
	some f in findings
	contains(f.message, "long-syntax port, which needs compose file version 3.2")
	contains(f.message, "services.web.ports.0 must be a string or number")
}

test_network_version_keys_are_left_to_swl002 if {
	k := object.union(
		_key("needs-version", "networks.*.name", ["networks", "front", "name"]),
		{"needs_version": "3.5", "file_version": "3.4"},
	)
	count(rule.report) == 0 with input as {"keys": [k]}
}

test_unsupported_and_not_deployable_are_not_this_rule if {
	count(rule.report) == 0 with input as {"keys": [
		_key("unsupported", "services.*.links", ["services", "web", "links"]),
		_key("not-deployable", "networks.*.enable_ipv6", ["networks", "front", "enable_ipv6"]),
	]}
}

test_plus_operator_is_reported if {
	v := {
		"name": "TAG", "syntax": "${TAG:+-debug}", "operator": ":+", "field": "services.web.image",
		"ref": {"src": "stack:shop", "file": "stack.yml", "path": ["services", "web", "image"]},
	}
	findings := rule.report with input as {"variables": [v]}
	some f in findings
	contains(f.message, "invalid interpolation format for services.web.image")
}

test_default_operator_is_fine if {
	v := {
		"name": "TAG", "syntax": "${TAG:-1.27}", "operator": ":-", "field": "services.web.image",
		"ref": {"src": "stack:shop", "file": "stack.yml", "path": ["services", "web", "image"]},
	}
	count(rule.report) == 0 with input as {"variables": [v]}
}

test_version_2_is_reported if {
	findings := rule.report with input as _stack([_fv("stack.yml", "2.4", "2.4", false)])
	some f in findings
	contains(f.message, "unsupported Compose file version: 2.4")
}

test_versions_across_files_must_match if {
	findings := rule.report with input as _stack([_fv("base.yml", "3.8", "3.8", true), _fv("prod.yml", "", "3.13", true)])
	count(findings) == 1
	some f in findings
	contains(f.message, "version mismatched between two composefiles : 3.8 and 3.13")
	f.ref.file == "prod.yml"
}

test_equal_versions_are_fine if {
	count(rule.report) == 0 with input as _stack([_fv("base.yml", "3.8", "3.8", true), _fv("prod.yml", "3.8", "3.8", true)])
}

test_no_version_and_3_are_equal if {
	count(rule.report) == 0 with input as _stack([_fv("base.yml", "", "3.13", true), _fv("prod.yml", "3", "3.13", true)])
}

test_configs_before_3_3_names_the_schema_error if {
	k := object.union(_key("needs-version", "configs", ["configs"]), {"needs_version": "3.3", "file_version": "3.1"})
	findings := rule.report with input as {"keys": [k]}
	some f in findings
	contains(f.message, "(root) Additional property configs is not allowed")
}
