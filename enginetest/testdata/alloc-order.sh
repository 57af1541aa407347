#!/usr/bin/env bash
# On a fresh default swarm (ingress 10.0.0.0/24): replace ingress without --subnet.
echo y | docker network rm ingress
while docker network inspect ingress >/dev/null 2>&1; do :; done
docker network create --driver overlay --ingress ingress
