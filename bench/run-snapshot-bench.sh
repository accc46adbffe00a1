#!/usr/bin/env bash
# The snapshot benchmark (docs/performance.md "Snapshot"): etl-producer's initial snapshot into Kafka
# against PostgreSQL's own read rate (COPY into a null sink), at N and N/5 rows. Options: --help.
# Builds the modules it needs first (BENCH_SKIP_BUILD=1 skips that). Never part of mvn verify.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "[bench] building etl-producer, local-stack and bench (mvn package, tests skipped)"
  mvn -B -q -pl bench -am package -DskipTests
fi

cd bench
# Earlier runs' PostgreSQL and Kafka directories hold gigabytes of WAL and log segments: remove them.
# (Under root the services' real directories may sit elsewhere, behind a symbolic link.)
if [ -d target/local-stack ]; then
  for entry in target/local-stack/*; do
    [ -L "$entry" ] && rm -rf "$(readlink -f "$entry")"
    rm -rf "$entry"
  done
fi

exec java -Xmx512m -cp "target/classes:$(cat target/bench.classpath)" io.tributary.bench.SnapshotBench "$@"
