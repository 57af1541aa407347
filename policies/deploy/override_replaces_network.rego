# METADATA
# title: Later stack file replaces a network entry whole
# description: |
#   With several files (`docker stack deploy -c base.yml -c prod.yml`),
#   docker/cli merges top-level networks by key and a later file's entry
#   replaces the earlier entry whole; it is not merged field by field as
#   `docker compose` does. An override that only adds `labels` to `backend`
#   silently drops the base file's `driver_opts.encrypted`, the MTU option and
#   `ipam`: the network is created unencrypted, with the default MTU, from the
#   default address pool (tested against docker/cli,
#   whose own tests expect the replacement). `docker compose config` shows the
#   deep-merged result and hides the loss. swarmlint compares the raw entries
#   of the files in merge order and lists each setting that only earlier files
#   make; a later entry that names a driver itself (the same one, or
#   `overlay` where the base file had a local driver) drops no driver. A
#   later entry that sets `external: true` is a deliberate switch to
#   an existing network, whose creation settings would not apply anyway: only
#   a dropped `name` (which network is used) is reported for it.
# related_resources:
#   - description: Docker docs, docker stack deploy (--compose-file)
#     ref: https://docs.docker.com/reference/cli/docker/stack/deploy/
#   - description: Docker docs, overlay network driver (encryption, MTU)
#     ref: https://docs.docker.com/engine/network/drivers/overlay/
#   - description: "swarmlint, how Docker behaves: A later file replaces a network entry whole"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#network-override-replaces
# custom:
#   id: SWL014
#   name: override-replaces-network
#   severity: warning
#   summary: >-
#     With several -c files, docker stack deploy replaces a top-level network
#     entry whole instead of merging it, so settings only an earlier file makes
#     (driver, encryption, MTU, ipam) are silently dropped.
#   remediation: >-
#     Repeat the complete network definition (driver, driver_opts, ipam) in
#     the later file, or declare the network in one file only.
package swarmlint.rules.deploy.override_replaces_network

import data.swarmlint.lib.result

report contains finding if {
	some n in input.networks
	some r in n.replaced
	count(r.dropped) > 0
	finding := result.finding(rego.metadata.chain(), r, sprintf(
		"network %q: the entry in %s replaces the one from %s under docker stack deploy, dropping %s",
		[n.key, _base(r.file), concat(", ", [_base(f) | some f in r.earlier]), concat(", ", r.dropped)],
	))
}

_base(path) := parts[count(parts) - 1] if parts := split(path, "/")
