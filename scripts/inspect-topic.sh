#!/usr/bin/env bash
# Looks into Tributary's change topic: partitions (offsets, routed tables, records per table), tail (decoded
# events, filtered), lag (a consumer group's lag per partition), route (where a table goes).
# Runs topic-inspector/target/topic-inspector.jar, building it first when it is missing.
#   scripts/inspect-topic.sh --help            the commands
#   scripts/inspect-topic.sh tail --help       a command's options
# Exit status: 0 done, 1 failed (Kafka unreachable, topic or group missing), 2 usage mistake.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/topic-inspector/target/topic-inspector.jar"

# shellcheck source=lib/tool-jar.sh
source "$ROOT/scripts/lib/tool-jar.sh"
require_jar inspect-topic topic-inspector "$JAR"
exec java -jar "$JAR" "$@"
