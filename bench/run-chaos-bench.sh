#!/usr/bin/env bash
# The chaos harness (docs/reliability.md "Chaos harness"): the whole pipeline under a continuous workload while one
# random fault per cycle hits it (kill -9 of the active producer or of a subscriber, Kafka stopped, Elasticsearch
# stopped, PostgreSQL restarted), then verify over every table. Exit status 0 only for 0 drift and no service that
# died on its own. Options: --help (--cycles N, --seed N, --pause-seconds N, --fault-seconds N, …).
# Builds the modules it needs first (BENCH_SKIP_BUILD=1 skips that). Never part of mvn verify.
exec "$(dirname "$0")/launch.sh" chaos.ChaosBench es-subscriber,etl-producer,verifier,bench "$@"
