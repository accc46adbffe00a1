#!/usr/bin/env bash
# The snapshot benchmark (docs/performance.md "Snapshot"): etl-producer's initial snapshot into Kafka
# against PostgreSQL's own read rate (COPY into a null sink) and Debezium's initial snapshot, at N and N/5 rows.
# Options: --help.
# Builds the modules it needs first (BENCH_SKIP_BUILD=1 skips that). Never part of mvn verify.
exec "$(dirname "$0")/launch.sh" SnapshotBench bench,bench-debezium "$@"
