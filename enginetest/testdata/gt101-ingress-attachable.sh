#!/usr/bin/env bash
# docs/swarm-behaviour.md#ingress-not-attachable: an attachable ingress network.
docker network create --driver overlay --ingress --attachable ingress-att
