#!/usr/bin/env bash
# docs/swarm-behaviour.md#one-ingress-network: create a second ingress network while the default one exists.
docker network create --driver overlay --ingress --subnet 10.62.0.0/24 ingress-two
