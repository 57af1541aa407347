#!/usr/bin/env bash
# Second half of the procedure, once the node no longer lists the old ingress.
docker network create --driver overlay --ingress --subnet 10.61.0.0/24 --opt encrypted ingress
