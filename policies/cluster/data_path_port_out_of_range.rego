# METADATA
# title: Data path port outside 1024–49151
# description: |
#   `docker swarm init --data-path-port` sets the UDP port of the VXLAN data path
#   for the whole swarm. Docker's reference: "The provided port number must be
#   within the 1024 - 49151 range. If this flag isn't set, or if it's set to 0, the
#   default port number 4789 is used." The daemon refuses other values with
#   `Datapath port number is not in valid range (1024-49151) : <n>`. The
#   flag is an unsigned integer, so a value that is not a number makes the docker
#   CLI refuse the command.
# related_resources:
#   - description: docker swarm init reference, --data-path-port
#     ref: https://docs.docker.com/reference/cli/docker/swarm/init/#data-path-port
#   - description: Docker docs, swarm networking
#     ref: https://docs.docker.com/engine/swarm/networking/
#   - description: "swarmlint, how Docker behaves: Data path port 1024–49151"
#     ref: https://github.com/swarmlint/swarmlint/blob/main/docs/swarm-behaviour.md#data-path-port-range
# custom:
#   id: SWL504
#   name: data-path-port-out-of-range
#   severity: error
#   remediation: >-
#     Pick a data path port from 1024 to 49151 that nothing else uses, or leave the
#     flag out to keep 4789.
package swarmlint.rules.cluster.data_path_port_out_of_range

import data.swarmlint.lib.result

report contains finding if {
	some init in input.swarm.inits
	port := init.data_path_port
	port.set
	port.valid
	port.value != 0
	not _in_range(port.value)
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"--data-path-port %d is outside 1024-49151; Docker refuses swarm init: Datapath port number is not in valid range (1024-49151) : %d",
		[port.value, port.value],
	))
}

report contains finding if {
	some init in input.swarm.inits
	port := init.data_path_port
	port.set
	port.known
	not port.valid
	finding := result.finding(rego.metadata.chain(), port, sprintf(
		"--data-path-port %q is not a port number; the docker CLI refuses the command",
		[port.raw],
	))
}

_in_range(n) if {
	n >= 1024
	n <= 49151
}
