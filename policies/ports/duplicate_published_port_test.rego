package swarmlint.rules.ports.duplicate_published_port_test

import data.swarmlint.rules.ports.duplicate_published_port as rule

_svc(dups) := {"services": {"shop_web": {"key": "web", "duplicate_ports": dups}}}

test_same_published_port_is_reported if {
	findings := rule.report with input as _svc([{
		"index": 1, "first": 0, "identical": false, "published": 8080, "protocol": "tcp",
		"text": "target: 80, published: 8080", "first_text": "8080:8080", "ref": {},
	}])
	count(findings) == 1
	some f in findings
	contains(f.message, "publishes 8080/tcp twice")
	contains(f.message, "duplicate published ports provided")
	f.id == "SWL102"
}

test_identical_items_are_reported_with_the_schema_message if {
	findings := rule.report with input as _svc([{
		"index": 3, "first": 2, "identical": true, "published": 0, "protocol": "",
		"text": "80", "first_text": "80", "ref": {},
	}])
	count(findings) == 1
	some f in findings
	contains(f.message, "items[2,3] must be unique")
}

test_no_duplicates_is_clean if {
	count(rule.report) == 0 with input as _svc([])
}

test_services_without_the_fact_are_clean if {
	count(rule.report) == 0 with input as {"services": {"shop_web": {"key": "web"}}}
}
