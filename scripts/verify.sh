#!/usr/bin/env bash
# Compares PostgreSQL tables with their Elasticsearch indices the way the pipeline writes them, and joined documents
# (tributary.documents) with the join computed in PostgreSQL; with --repair sends change events through Kafka that
# make the subscriber fix the tables' drift, and writes the drifted documents at the version of the snapshot read.
# Runs verifier/target/verifier.jar, building it first when it is missing.
#   scripts/verify.sh --producer-config producer.conf --subscriber-config subscriber.conf [--table schema.table ...]
#                     [--document name ...] [--repair [--wait [seconds]]] [--max-report N] [--chunk-size N] [--json]
#   scripts/verify.sh --help
# Exit status: 0 no drift, 3 drift found, 1 failed (a service unreachable, a table missing, a document type not
# matching the database), 2 usage mistake.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/verifier/target/verifier.jar"

# shellcheck source=lib/tool-jar.sh
source "$ROOT/scripts/lib/tool-jar.sh"
require_jar verify verifier "$JAR"
exec java -jar "$JAR" "$@"
