#!/usr/bin/env bash
# The subscriber benchmark (docs/performance.md): change events already in a Kafka topic, drained by es-subscriber
# into Elasticsearch, against Elasticsearch's own ceiling (the same final documents bulk-indexed straight into it),
# on this machine. Options: --help.
# Builds the modules it needs first (BENCH_SKIP_BUILD=1 skips that). Never part of mvn verify.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "[bench] building es-subscriber, local-stack and bench (mvn package, tests skipped)"
  mvn -B -q -pl es-subscriber,bench -am package -DskipTests
fi

cd bench
# Earlier runs' Kafka and Elasticsearch directories hold gigabytes of log segments and index data: remove them.
# (Under root the services' real directories may sit elsewhere, behind a symbolic link.)
if [ -d target/local-stack ]; then
  for entry in target/local-stack/*; do
    [ -L "$entry" ] && rm -rf "$(readlink -f "$entry")"
    rm -rf "$entry"
  done
fi

exec java -Xmx512m -cp "target/classes:$(cat target/bench.classpath)" io.tributary.bench.SubscriberBench "$@"
