#!/usr/bin/env bash
# Joined documents of a running pipeline (tributary.documents of the subscriber).
#   scripts/documents.sh status [<name>]    each documents index: documents searchable, and the configuration
#                                           fingerprint it was fully built for (_meta.tributary_built)
#   scripts/documents.sh rebuild <name>     request a full build of <name>: every subscriber rebuilds every
#                                           document from PostgreSQL within document-rebuild.check-interval, while
#                                           changes keep streaming (it clears _meta.tributary_built)
# Elasticsearch is ELASTICSEARCH_URL (default http://localhost:9200); ELASTICSEARCH_USER / ELASTICSEARCH_PASSWORD
# for basic auth.
# Exit status: 0 done, 1 Elasticsearch refused or is unreachable, 2 usage mistake.
set -euo pipefail
URL="${ELASTICSEARCH_URL:-http://localhost:9200}"
AUTH=()
if [[ -n "${ELASTICSEARCH_USER:-}" ]]; then
  AUTH=(-u "$ELASTICSEARCH_USER:${ELASTICSEARCH_PASSWORD:-}")
fi

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

es() {
  curl -sS --fail-with-body "${AUTH[@]}" -H 'Content-Type: application/json' "$@"
}

status() {
  local pattern="${1:-*}"
  local mappings
  mappings=$(es "$URL/$pattern/_mapping?filter_path=*.mappings._meta") || { echo "$mappings" >&2; exit 1; }
  python3 - "$URL" "$mappings" <<'PY'
import json, sys, urllib.request
url, mappings = sys.argv[1], json.loads(sys.argv[2] or "{}")
rows = [(index, meta["mappings"]["_meta"].get("tributary_built", "-"))
        for index, meta in sorted(mappings.items()) if "tributary_built" in meta.get("mappings", {}).get("_meta", {})]
if not rows:
    print("no documents index found")
for index, built in rows:
    alias = index[:-len("-000001")] if index.endswith("-000001") else index
    with urllib.request.urlopen(f"{url}/{alias}/_count") as answer:
        count = json.load(answer)["count"]
    state = "full build requested" if built == "requested" else f"built for configuration {built}"
    print(f"{alias}: {count} documents, {state}")
PY
}

case "${1:-}" in
  status)
    status "${2:-*}"
    ;;
  rebuild)
    [[ -n "${2:-}" ]] || usage
    answer=$(es -X PUT "$URL/$2/_mapping" -d '{"_meta":{"tributary_built":"requested"}}') \
      || { echo "Elasticsearch refused: $answer" >&2; exit 1; }
    echo "full build of $2 requested: the subscribers rebuild every document within their check-interval"
    ;;
  *)
    usage
    ;;
esac
