#!/usr/bin/env bash
# The producer benchmark (docs/performance.md): PostgreSQL's own decode limit (pg_recvlogical into /dev/null)
# against etl-producer into Kafka, on the same slot workload, on this machine. Options: --help.
# Builds the modules it needs first (BENCH_SKIP_BUILD=1 skips that). Never part of mvn verify.
exec "$(dirname "$0")/launch.sh" ProducerBench bench "$@"
