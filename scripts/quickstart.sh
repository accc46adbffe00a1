#!/usr/bin/env bash
# Tributary quickstart: builds, starts a local PostgreSQL + Kafka + Elasticsearch (real processes, no Docker),
# runs etl-producer and es-subscriber, writes demo rows and shows them arriving in Elasticsearch.
# Ctrl-C stops everything. Set QUICKSTART_KEEP_RUNNING=0 to stop right after the report.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=target/quickstart
PRODUCER_PORT=${QUICKSTART_PRODUCER_PORT:-18080}
SUBSCRIBER_PORT=${QUICKSTART_SUBSCRIBER_PORT:-18081}
KEEP_RUNNING=${QUICKSTART_KEEP_RUNNING:-1}
STACK_JAR=local-stack/target/local-stack.jar
DEMO="java -cp $STACK_JAR io.tributary.localstack.demo.QuickstartDemo"
rm -rf "$WORK" && mkdir -p "$WORK"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nquickstart failed: %s\n' "$*" >&2; exit 1; }

pids=()
stop_all() {
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then
    step "Stopping (services first, gracefully; then the local stack)"
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
      kill -TERM "${pids[i]}" 2>/dev/null || true
      wait "${pids[i]}" 2>/dev/null || true
    done
  fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# GET http://127.0.0.1:PORT/PATH and print the status code, with bash alone (no curl needed).
http_status() {
  local status
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || { echo 000; return; }
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  status=$(head -n 1 <&3 | awk '{print $2}')
  exec 3>&-
  echo "${status:-000}"
}

# Wait until CHECK succeeds, printing a dot every 2 s; fail with LOG's tail when PID dies or TIMEOUT passes.
await() {
  local what=$1 pid=$2 log=$3 timeout=$4; shift 4
  local waited=0
  printf '    waiting for %s ' "$what"
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || { echo; tail -n 30 "$log" >&2; fail "$what: the process exited (log: $log)"; }
    [ "$waited" -ge "$timeout" ] && { echo; tail -n 30 "$log" >&2; fail "$what: not ready after ${timeout}s (log: $log)"; }
    printf '.'; sleep 2; waited=$((waited + 2))
  done
  echo " ready"
}
ready() { [ "$(http_status "$1" /health/ready)" = 200 ]; }

step "Building with Maven (tests skipped; the first build downloads dependencies and takes a few minutes)"
mvn -B package -DskipTests -Dstyle.color=never | grep -E '^\[INFO\] Building |BUILD|ERROR' || fail "the build failed (run mvn -B package -DskipTests to see why)"
[ -f "$STACK_JAR" ] || fail "the build did not produce $STACK_JAR"

step "Starting PostgreSQL, Kafka and Elasticsearch as local processes (about 30 s)"
java -jar "$STACK_JAR" --env-file "$WORK/stack.env" > "$WORK/local-stack.log" 2>&1 &
pids+=($!)
await "the local stack" "${pids[0]}" "$WORK/local-stack.log" 240 grep -q "local stack ready" "$WORK/local-stack.log"
# shellcheck disable=SC1091
source "$WORK/stack.env"
JDBC_URL="jdbc:postgresql://$POSTGRES_HOST:$POSTGRES_PORT/postgres"
TOPIC=tributary.changes

step "Creating the demo tables shop.customers, shop.orders, shop.order_lines"
$DEMO schema "$JDBC_URL"

cat > "$WORK/producer.conf" <<CONF
tributary {
  postgres {
    url = "$JDBC_URL"
    user = "$POSTGRES_USER"
    password = "postgres"
    slot = "tributary_quickstart"
    publication = "tributary_quickstart"
    tables = [shop.customers, shop.orders, shop.order_lines]
  }
  kafka {
    bootstrap-servers = "$KAFKA_BOOTSTRAP_SERVERS"
    topic = "$TOPIC"
    partitions = 3
    replication-factor = 1
  }
  http.port = $PRODUCER_PORT
}
CONF
cat > "$WORK/subscriber.conf" <<CONF
tributary {
  kafka {
    bootstrap-servers = "$KAFKA_BOOTSTRAP_SERVERS"
    topic = "$TOPIC"
    group-id = "tributary-quickstart"
  }
  elasticsearch.urls = ["$ELASTICSEARCH_URL"]
  http.port = $SUBSCRIBER_PORT
}
CONF

step "Starting etl-producer (config: $WORK/producer.conf)"
java -jar etl-producer/target/etl-producer.jar --config "$WORK/producer.conf" > "$WORK/etl-producer.log" 2>&1 &
pids+=($!)
await "etl-producer" "${pids[1]}" "$WORK/etl-producer.log" 120 ready "$PRODUCER_PORT"

step "Starting es-subscriber (config: $WORK/subscriber.conf)"
java -jar es-subscriber/target/es-subscriber.jar --config "$WORK/subscriber.conf" > "$WORK/es-subscriber.log" 2>&1 &
pids+=($!)
await "es-subscriber" "${pids[2]}" "$WORK/es-subscriber.log" 120 ready "$SUBSCRIBER_PORT"

step "Writing demo rows: inserts, updates and deletes in three tables"
$DEMO write "$JDBC_URL"

step "Waiting until Elasticsearch shows them"
$DEMO report "$JDBC_URL" "$ELASTICSEARCH_URL" || fail "Elasticsearch did not catch up within 2 minutes (logs in $WORK)"

cat <<REPORT

Tributary is streaming. Where to look:
  Elasticsearch   $ELASTICSEARCH_URL/shop.customers/_search?pretty      (indices: shop.customers, shop.orders, shop.order_lines)
  PostgreSQL      $JDBC_URL  (user $POSTGRES_USER; psql -h $POSTGRES_HOST -p $POSTGRES_PORT -U $POSTGRES_USER postgres)
  Kafka           $KAFKA_BOOTSTRAP_SERVERS, topic $TOPIC (3 partitions)
  Metrics         http://127.0.0.1:$PRODUCER_PORT/metrics (etl-producer)   http://127.0.0.1:$SUBSCRIBER_PORT/metrics (es-subscriber)
  Logs            $WORK/*.log; PostgreSQL, Kafka and Elasticsearch logs under target/local-stack/
Change rows in PostgreSQL and watch them appear in Elasticsearch.
REPORT

if [ "$KEEP_RUNNING" = 1 ]; then
  printf '\nPress Ctrl-C to stop everything.\n'
  wait "${pids[0]}"
fi
