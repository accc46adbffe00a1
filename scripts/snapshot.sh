#!/usr/bin/env bash
# Incremental snapshots while the producer streams: ask for one, and follow them.
# Runs etl-producer/target/etl-producer.jar (SnapshotCommand), building it first when it is missing.
#   scripts/snapshot.sh --producer-config producer.conf request schema.table [schema.table ...]   (or --all)
#   scripts/snapshot.sh --producer-config producer.conf status [--follow]
# Exit status: 0 done, 1 failed (PostgreSQL unreachable; under status: a table's snapshot failed), 2 usage mistake.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/etl-producer/target/etl-producer.jar"

if [ ! -f "$JAR" ]; then
  echo "snapshot: building $JAR first (mvn -B package -pl etl-producer -am -DskipTests)" >&2
  if ! (cd "$ROOT" && mvn -B package -pl etl-producer -am -DskipTests -Dstyle.color=never \
        | sed -e 's/\x1b\[[0-9;]*m//g' | grep -E '^\[INFO\] Building .*\[[0-9]+/[0-9]+\]$|BUILD|ERROR' >&2); then
    echo "snapshot: the build failed; run the command above to see why" >&2
    exit 1
  fi
fi
exec java -cp "$JAR" io.tributary.producer.SnapshotCommand "$@"
