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

if [ ! -f "$JAR" ]; then
  echo "inspect-topic: building $JAR first (mvn -B package -pl topic-inspector -am -DskipTests)" >&2
  if ! (cd "$ROOT" && mvn -B package -pl topic-inspector -am -DskipTests -Dstyle.color=never \
        | sed -e 's/\x1b\[[0-9;]*m//g' | grep -E '^\[INFO\] Building .*\[[0-9]+/[0-9]+\]$|BUILD|ERROR' >&2); then
    echo "inspect-topic: the build failed; run the command above to see why" >&2
    exit 1
  fi
fi
exec java -jar "$JAR" "$@"
