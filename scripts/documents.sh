#!/usr/bin/env bash
# Joined documents of a running pipeline (tributary.documents of the subscriber).
#   scripts/documents.sh status [<name>]    each documents index: documents searchable, and the configuration
#                                           fingerprint it was fully built for (_meta.tributary_built)
#   scripts/documents.sh rebuild <name>     request a full build of <name>: every subscriber rebuilds every
#                                           document from PostgreSQL within document-rebuild.check-interval, while
#                                           changes keep streaming (it clears _meta.tributary_built)
# Elasticsearch is ELASTICSEARCH_URL (default http://localhost:9200); ELASTICSEARCH_USER / ELASTICSEARCH_PASSWORD
# for basic auth, or ELASTICSEARCH_API_KEY (the encoded key) or ELASTICSEARCH_BEARER_TOKEN; ELASTICSEARCH_CA_FILE
# (PEM) to trust an https:// cluster's CA. The secrets reach curl through its standard input, never its arguments.
# Exit status: 0 done, 1 Elasticsearch refused or is unreachable, 2 usage mistake.
set -euo pipefail
URL="${ELASTICSEARCH_URL:-http://localhost:9200}"
# curl options holding secrets, read by curl from its standard input (--config -) so no secret shows in ps.
quoted() { # a value for curl's config file: in double quotes, with \ and " escaped
  local value="${1//\\/\\\\}"
  printf '"%s"' "${value//\"/\\\"}"
}
CURL_SECRETS=""
if [[ -n "${ELASTICSEARCH_USER:-}" ]]; then
  CURL_SECRETS="user = $(quoted "$ELASTICSEARCH_USER:${ELASTICSEARCH_PASSWORD:-}")"
elif [[ -n "${ELASTICSEARCH_API_KEY:-}" ]]; then
  CURL_SECRETS="header = $(quoted "Authorization: ApiKey $ELASTICSEARCH_API_KEY")"
elif [[ -n "${ELASTICSEARCH_BEARER_TOKEN:-}" ]]; then
  CURL_SECRETS="header = $(quoted "Authorization: Bearer $ELASTICSEARCH_BEARER_TOKEN")"
fi
TLS=()
if [[ -n "${ELASTICSEARCH_CA_FILE:-}" ]]; then
  TLS=(--cacert "$ELASTICSEARCH_CA_FILE")
fi

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

es() {
  printf '%s\n' "$CURL_SECRETS" | curl -sS --fail-with-body --config - "${TLS[@]}" \
    -H 'Content-Type: application/json' "$@"
}

status() {
  local pattern="${1:-*}"
  local mappings
  mappings=$(es "$URL/$pattern/_mapping?filter_path=*.mappings._meta") || { echo "$mappings" >&2; exit 1; }
  local rows alias built count
  rows=$(python3 - "$mappings" <<'PY'
import json, sys
mappings = json.loads(sys.argv[1] or "{}")
for index, meta in sorted(mappings.items()):
    built = meta.get("mappings", {}).get("_meta", {}).get("tributary_built")
    if built is not None:
        print(index[:-len("-000001")] if index.endswith("-000001") else index, built)
PY
)
  if [[ -z "$rows" ]]; then
    echo "no documents index found"
    return
  fi
  while read -r alias built; do
    count=$(es "$URL/$alias/_count" | python3 -c 'import json, sys; print(json.load(sys.stdin)["count"])') \
      || { echo "Elasticsearch refused counting $alias" >&2; exit 1; }
    if [[ "$built" == requested ]]; then
      echo "$alias: $count documents, full build requested"
    else
      echo "$alias: $count documents, built for configuration $built"
    fi
  done <<< "$rows"
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
