# METADATA
# title: Default address pools in daemon.json expected to set overlay subnets
# description: |
#   `default-address-pools` in `daemon.json` feeds only the local address space:
#   bridge networks such as `docker0`, `docker_gwbridge` and compose networks.
#   Overlay networks take their subnets from the swarm's default address pools,
#   set only with `docker swarm init --default-addr-pool`, or from `10.0.0.0/8`.
#   Setting `default-address-pools` to move containers off addresses the
#   site already uses therefore leaves every overlay network, ingress included, in
#   `10.0.0.0/8`.
#
#   swarmlint reports a daemon.json (`--daemon-json`) with `default-address-pools`
#   when the swarm has no `--default-addr-pool` (neither in a `swarm init` of the
#   inputs nor in the configuration).
# related_resources:
#   - description: Docker docs, configure default address pools
#     ref: https://docs.docker.com/engine/swarm/networking/#using-custom-default-address-pools
#   - description: dockerd reference, daemon configuration file
#     ref: https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file
#   - description: "swarmlint, how Docker behaves: daemon.json pools do not reach overlays"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#daemon-default-address-pools
# custom:
#   id: SWL508
#   name: daemon-pools-not-for-overlay
#   severity: warning
#   remediation: >-
#     Give the swarm its own pools with `docker swarm init --default-addr-pool
#     CIDR` (and `--default-addr-pool-mask-length`) when the swarm is created;
#     keep daemon.json `default-address-pools` for the local bridges.
package swarmlint.rules.cluster.daemon_pools_not_for_overlay

import data.swarmlint.lib.result

report contains finding if {
	daemon := input.swarm.daemon
	count(daemon.default_address_pools) > 0
	not input.swarm.pools_explicit
	bases := [pool.base | some pool in daemon.default_address_pools]
	finding := result.finding(rego.metadata.chain(), daemon, sprintf(
		"daemon.json default-address-pools (%s) only feed local bridge networks; overlay networks still get subnets from %s unless swarm init is given --default-addr-pool",
		[concat(", ", bases), _swarm_pools],
	))
}

_swarm_pools := concat(", ", [pool.cidr | some pool in input.swarm.default_addr_pools])
