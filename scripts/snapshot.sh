#!/usr/bin/env bash
# Incremental snapshots while the producer streams: ask for one, and follow them.
# Runs etl-producer/target/etl-producer.jar (SnapshotCommand), building it first when it is missing.
#   scripts/snapshot.sh --producer-config producer.conf request schema.table [schema.table ...]   (or --all)
#   scripts/snapshot.sh --producer-config producer.conf status [--follow]
# Exit status: 0 done, 1 failed (PostgreSQL unreachable; under status: a table's snapshot failed), 2 usage mistake.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/etl-producer/target/etl-producer.jar"

# shellcheck source=lib/tool-jar.sh
source "$ROOT/scripts/lib/tool-jar.sh"
require_jar snapshot etl-producer "$JAR"
exec java -cp "$JAR" io.tributary.producer.snapshot.SnapshotCommand "$@"
