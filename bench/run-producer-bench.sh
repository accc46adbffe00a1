#!/usr/bin/env bash
# The producer benchmark (docs/performance.md): PostgreSQL's own decode limit (pg_recvlogical into /dev/null),
# etl-producer into Kafka and Debezium's embedded PostgreSQL connector into Kafka (the peer; bench-debezium, a child
# JVM with its own classpath; --no-debezium skips it), each on its own slot of the same workload, on this machine.
# Options: --help. Builds the modules it needs first, bench-debezium included (BENCH_SKIP_BUILD=1 skips that).
# Never part of mvn verify.
exec "$(dirname "$0")/launch.sh" ProducerBench bench,bench-debezium "$@"
