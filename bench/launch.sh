#!/usr/bin/env bash
# What every run-*-bench.sh does: build the modules the bench needs (BENCH_SKIP_BUILD=1 skips that), remove the
# local stack's directories of earlier runs, and run the bench's main class with the remaining arguments.
# Usage: bench/launch.sh <MainClass> <maven -pl list> [bench options…]
set -euo pipefail
main_class=$1
modules=$2
shift 2
cd "$(dirname "$0")/.."

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "[bench] building ${modules} and what they need (mvn package, tests skipped)"
  # -Ppeers: the peers' modules (bench-debezium) are only in the build with this profile.
  mvn -B -q -Ppeers -pl "${modules}" -am package -DskipTests
fi

cd bench
# Earlier runs' PostgreSQL, Kafka and Elasticsearch directories hold gigabytes of WAL, log segments and index data:
# remove them. (Under root the services' real directories may sit elsewhere, behind a symbolic link.)
if [ -d target/local-stack ]; then
  for entry in target/local-stack/*; do
    [ -L "$entry" ] && rm -rf "$(readlink -f "$entry")"
    rm -rf "$entry"
  done
fi

exec java -Xmx512m -cp "target/classes:$(cat target/bench.classpath)" "io.tributary.bench.${main_class}" "$@"
