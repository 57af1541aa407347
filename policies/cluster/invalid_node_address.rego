# METADATA
# title: Malformed advertise, data path or listen address
# description: |
#   `docker swarm init` and `docker swarm join` take three addresses, each an IP
#   address or a network interface name, and Docker refuses malformed ones:
#
#   - `--advertise-addr` (optional port): `advertise address must be a non-zero IP
#     address or network interface (with optional port number)`, so
#     `0.0.0.0` is refused;
#   - `--data-path-addr` (no port): `data path address must be a non-zero IP address
#     or network interface (without a port number)`;
#   - `--listen-addr` (optional port, `0.0.0.0` allowed, only `tcp://`):
#     `listen address must be an IP address or network interface (with optional port
#     number)`, or the CLI's `invalid proto, expected tcp: ...`
#
#   One exception, code-derived and seen on Engine 20.10: `docker swarm join`
#   does not refuse a malformed `--advertise-addr`. The daemon drops it without a
#   word (moby `daemon/cluster/swarm.go` `Join`: "For joining, we don't need to
#   provide an advertise address, since the remote side can detect it") and the
#   node advertises the address the manager sees it connect from, which on a
#   host with several networks may be the wrong one. swarmlint reports it all the
#   same, saying that Docker drops it.
#
#   swarmlint reports what it can tell from the text alone: an unspecified address
#   where a reachable one is needed, a port where none is allowed or out of range,
#   a CIDR, a malformed IP address, and a word too long to be an interface name
#   (host names are not accepted). Whether an interface exists on the node is not
#   known.
# related_resources:
#   - description: docker swarm init reference
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/
#   - description: docker swarm join reference
#     ref: https://docs.docker.com/reference/cli/docker/swarm/join/
#   - description: "swarmlint, how Docker behaves: Advertise address"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#advertise-addr
#   - description: "swarmlint, how Docker behaves: Data path address"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#data-path-addr
#   - description: "swarmlint, how Docker behaves: Listen address"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#listen-addr
# custom:
#   id: SWL507
#   name: invalid-node-address
#   severity: error
#   remediation: >-
#     Give the node's own IP address or interface name, for example
#     `--advertise-addr 10.0.1.10` or `--data-path-addr eth1`, with a port only on
#     `--advertise-addr` and `--listen-addr`.
package swarmlint.rules.cluster.invalid_node_address

import data.swarmlint.lib.result

_docker_message := {
	"advertise-addr": "advertise address must be a non-zero IP address or network interface (with optional port number)",
	"data-path-addr": "data path address must be a non-zero IP address or network interface (without a port number)",
	"listen-addr": "listen address must be an IP address or network interface (with optional port number)",
}

report contains finding if {
	some address in input.swarm.node_addresses
	address.known
	address.problem != ""
	finding := result.finding(rego.metadata.chain(), address, sprintf(
		"docker %s --%s %q: %s; %s",
		[address.kind, address.flag, address.raw, address.problem, _consequence(address)],
	))
}

# swarm join drops a bad advertise address instead of refusing it.
_consequence(address) := "Docker drops it without a word and the node advertises the address the manager sees it connect from" if {
	address.kind == "swarm join"
	address.flag == "advertise-addr"
}

_consequence(address) := sprintf("Docker refuses it: %s", [_docker_message[address.flag]]) if {
	not _join_advertise(address)
}

_join_advertise(address) if {
	address.kind == "swarm join"
	address.flag == "advertise-addr"
}
