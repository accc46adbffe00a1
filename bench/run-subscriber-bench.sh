#!/usr/bin/env bash
# The subscriber benchmark (docs/performance.md): change events already in a Kafka topic, drained by es-subscriber
# into Elasticsearch, against Elasticsearch's own ceiling (the same final documents bulk-indexed straight into it),
# on this machine. Options: --help.
# Builds the modules it needs first (BENCH_SKIP_BUILD=1 skips that). Never part of mvn verify.
exec "$(dirname "$0")/launch.sh" SubscriberBench es-subscriber,bench "$@"
