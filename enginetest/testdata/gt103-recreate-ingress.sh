#!/usr/bin/env bash
# The documented procedure once no service publishes a port: remove, then recreate
# ingress with a custom subnet. In between, a publishing service cannot be created (docs/swarm-behaviour.md#ingress-network-required).
INGRESS_SUBNET=10.61.0.0/24
echo y | docker network rm ingress
docker service create --detach --no-resolve-image --name gt040-web --publish 18091:80 "$SWARMLINT_PROBE_IMAGE"
docker network create --driver overlay --ingress --subnet "$INGRESS_SUBNET" --opt encrypted ingress
