#!/bin/sh
# Lab swarm, torn down every week. The pool is deliberately odd.
set -eu

# swarmlint:ignore SWL502 the lab tests how Docker rejects this mask length
docker swarm init \
  --advertise-addr 10.0.1.10 \
  --default-addr-pool 10.20.0.0/16 \
  --default-addr-pool-mask-length 12
