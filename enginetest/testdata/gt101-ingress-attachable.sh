#!/usr/bin/env bash
# GT101: an attachable ingress network.
docker network create --driver overlay --ingress --attachable ingress-att
