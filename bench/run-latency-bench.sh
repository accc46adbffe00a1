#!/usr/bin/env bash
# The latency benchmark (docs/performance.md, "Latency (commit → document)"): etl-producer and es-subscriber under a
# steady background load, with probe rows timed from COMMIT to Kafka, to a real-time GET and to search; then a sweep of
# tributary.elasticsearch.bulk.max-wait x the producer's linger.ms. Default run: about 10 minutes. Options: --help.
# Builds the modules it needs first (BENCH_SKIP_BUILD=1 skips that). Never part of mvn verify.
exec "$(dirname "$0")/launch.sh" LatencyBench etl-producer,es-subscriber,bench "$@"
