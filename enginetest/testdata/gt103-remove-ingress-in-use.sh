#!/usr/bin/env bash
# docs/swarm-behaviour.md#ingress-removal: recreate ingress with a custom subnet while a service still publishes a port.
# Unattended, the confirmation prompt reads EOF.
docker network rm ingress
# Confirmed.
echo y | docker network rm ingress
docker network create --driver overlay --ingress --subnet 10.61.0.0/24 ingress
