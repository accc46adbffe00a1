#!/usr/bin/env bash
# The subscriber's dead letters: list (why, table, key, where from, when; filtered, or --json) and resend (chosen
# letters back to the change topic and partition they came from, once the cause is fixed).
# Runs `inspect-topic dead-letters` from topic-inspector/target/topic-inspector.jar, building it first when missing.
#   scripts/dead-letters.sh --help            the commands
#   scripts/dead-letters.sh resend --help     a command's options
# Exit status: 0 done, 1 failed (Kafka unreachable, topic missing, a letter not taken), 2 usage mistake.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/topic-inspector/target/topic-inspector.jar"

# shellcheck source=lib/tool-jar.sh
source "$ROOT/scripts/lib/tool-jar.sh"
require_jar dead-letters topic-inspector "$JAR"
exec java -jar "$JAR" dead-letters "$@"
