#!/usr/bin/env bash
# Tributary quickstart: builds, starts a local PostgreSQL + Kafka + Elasticsearch (real processes, no Docker),
# runs etl-producer and es-subscriber, writes demo rows and shows them arriving in Elasticsearch, per table and as
# joined orders documents (an order with its customer, its items and their product, its tags).
# Every step prints what it does and how long it has taken. Ctrl-C (or SIGTERM) stops everything it started:
# the services first, gracefully, then the local stack. Set QUICKSTART_KEEP_RUNNING=0 to stop right after the report.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=target/quickstart
PRODUCER_PORT=${QUICKSTART_PRODUCER_PORT:-18080}
SUBSCRIBER_PORT=${QUICKSTART_SUBSCRIBER_PORT:-18081}
KEEP_RUNNING=${QUICKSTART_KEEP_RUNNING:-1}
STACK_JAR=local-stack/target/local-stack.jar
DEMO="java -cp $STACK_JAR io.tributary.localstack.demo.QuickstartDemo"
rm -rf "$WORK" && mkdir -p "$WORK"

STARTED=$SECONDS
step() { printf '\n==> [%3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }
fail() { printf '\nquickstart failed: %s\n' "$*" >&2; exit 1; }

# Processes started in the background, in start order; they ignore Ctrl-C (bash gives background jobs of a script
# SIGINT ignored), so stop_all stops them explicitly.
pids=()
names=()
started() { pids+=("$1"); names+=("$2"); }

# TERM, then up to TIMEOUT seconds for it to exit, then KILL.
stop_process() {
  local pid=$1 name=$2 timeout=$3 waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  printf '    stopping %s (pid %s) ' "$name" "$pid"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((timeout * 2)) ]; do
    sleep 0.5; waited=$((waited + 1))
    [ $((waited % 4)) -eq 0 ] && printf '.'
  done
  if kill -0 "$pid" 2>/dev/null; then
    printf ' still running after %ss: killing it\n' "$timeout"
    kill -KILL "$pid" 2>/dev/null || true
  else
    echo " stopped"
  fi
  wait "$pid" 2>/dev/null || true
}

stop_all() {
  trap '' INT TERM
  trap - EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    step "Stopping what the quickstart started (services first, gracefully; then the local stack)"
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
      # The local stack (always first) stops PostgreSQL, Kafka and Elasticsearch before it exits: give it time.
      stop_process "${pids[i]}" "${names[i]}" "$([ "$i" -eq 0 ] && echo 90 || echo 30)"
    done
  fi
}
trap stop_all EXIT
trap 'echo; exit 130' INT TERM

# Runs "$@" in the background with its output in LOG, printing every 5 s how long it has been running and, when
# DESCRIBE (a command printing one line) is not empty, what it is doing. Returns the command's exit status.
run_logged() {
  local what=$1 log=$2 describe=$3; shift 3
  local since=$SECONDS status=0 next=5
  "$@" > "$log" 2>&1 &
  local pid=$!
  started "$pid" "$what"
  printf '    %s ' "$what"
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ $((SECONDS - since)) -ge "$next" ]; then
      if [ -n "$describe" ]; then
        printf '\n    %s: %3ds  %s' "$what" "$((SECONDS - since))" "$($describe "$log")"
      else
        printf '%ss ' "$((SECONDS - since))"
      fi
      next=$((next + 5))
    fi
  done
  wait "$pid" || status=$?
  unset 'pids[-1]' 'names[-1]'
  printf '\n    %s: %s after %ds\n' "$what" "$([ "$status" -eq 0 ] && echo done || echo "FAILED (exit $status)")" \
    "$((SECONDS - since))"
  return "$status"
}
# The newest status block scripts/snapshot.sh status --follow wrote (one line per table, with a progress bar).
last_status_block() {
  awk '/^slot /{block=""} {block=block $0 "\n"} END{printf "%s", block}' "$1"
}
# One line for run_logged: the first table still being read, with its progress bar.
snapshot_progress() {
  last_status_block "$1" | grep -E ' (running|pending) ' | head -1 | sed -e 's/^ *//'
}
# The module Maven is building, from its log: "Tributary etl-producer [4/8]".
maven_module() {
  sed -e 's/\x1b\[[0-9;]*m//g' "$1" | grep -E '^\[INFO\] Building .*\[[0-9]+/[0-9]+\]$' | tail -n 1 \
    | sed -E -e 's/^\[INFO\] Building //' -e 's/ [0-9][^ ]*-SNAPSHOT +\[/ [/' || true
}

# GET http://127.0.0.1:PORT/PATH and print the status code, with bash alone (no curl needed).
http_status() {
  local status
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || { echo 000; return; }
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  status=$(head -n 1 <&3 | awk '{print $2}')
  exec 3>&-
  echo "${status:-000}"
}

# Wait until CHECK succeeds, printing a dot every 2 s and the seconds waited every 10 s; fail with LOG's tail when
# PID dies or TIMEOUT passes.
await() {
  local what=$1 pid=$2 log=$3 timeout=$4; shift 4
  local waited=0
  printf '    waiting for %s ' "$what"
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || { echo; tail -n 30 "$log" >&2; fail "$what: the process exited (log: $log)"; }
    [ "$waited" -ge "$timeout" ] && { echo; tail -n 30 "$log" >&2; fail "$what: not ready after ${timeout}s (log: $log)"; }
    sleep 2; waited=$((waited + 2))
    if [ $((waited % 10)) -eq 0 ]; then printf '%ss' "$waited"; else printf '.'; fi
  done
  echo " ready after ${waited}s"
}
ready() { [ "$(http_status "$1" /health/ready)" = 200 ]; }

step "Building with Maven (tests skipped; the first build downloads dependencies and takes a few minutes)"
run_logged "mvn package" "$WORK/build.log" maven_module mvn -B package -DskipTests -Dstyle.color=never \
  || { grep -E 'ERROR' "$WORK/build.log" | head -n 20 >&2; fail "the build failed (log: $WORK/build.log)"; }
for jar in "$STACK_JAR" etl-producer/target/etl-producer.jar es-subscriber/target/es-subscriber.jar \
           topic-inspector/target/topic-inspector.jar; do
  [ -f "$jar" ] || fail "the build did not produce $jar"
done

step "Starting PostgreSQL, Kafka and Elasticsearch as local processes (about 30 s)"
java -jar "$STACK_JAR" --env-file "$WORK/stack.env" > "$WORK/local-stack.log" 2>&1 &
started $! "the local stack"
await "the local stack" "${pids[0]}" "$WORK/local-stack.log" 240 grep -q "local stack ready" "$WORK/local-stack.log"
# shellcheck disable=SC1091
source "$WORK/stack.env"
JDBC_URL="jdbc:postgresql://$POSTGRES_HOST:$POSTGRES_PORT/postgres"
TOPIC=tributary.changes

step "Creating the demo tables shop.customers, products, orders, order_items, tags, order_tags"
run_logged "create tables" "$WORK/demo-schema.log" "" $DEMO schema "$JDBC_URL" \
  || { cat "$WORK/demo-schema.log" >&2; fail "could not create the demo tables"; }

cat > "$WORK/producer.conf" <<CONF
tributary {
  postgres {
    url = "$JDBC_URL"
    user = "$POSTGRES_USER"
    password = "postgres"
    slot = "tributary_quickstart"
    publication = "tributary_quickstart"
    tables = [shop.customers, shop.products, shop.orders, shop.order_items, shop.tags, shop.order_tags]
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
  # Joined documents are read from PostgreSQL; every table taking part must be in the producer's publication.
  postgres {
    url = "$JDBC_URL"
    user = "$POSTGRES_USER"
    password = "postgres"
    publication = "tributary_quickstart"
  }
  # One document per order, searched as the alias "orders": the order with its customer, its items with their
  # product, and its tags (many-to-many through shop.order_tags), kept equal to the SQL join whatever table changes.
  documents {
    orders {
      root = "shop.orders"
      join {
        customer { table = "shop.customers", on { customer_id = id }, columns = [id, name, city, vip] }
        items {
          table = "shop.order_items", on { id = order_id }, many = true
          join { product { table = "shop.products", on { sku = sku }, columns = [sku, title, price] } }
        }
        tags {
          table = "shop.tags", many = true
          through { table = "shop.order_tags", on { id = order_id }, to { tag_id = id } }
        }
      }
    }
  }
  http.port = $SUBSCRIBER_PORT
}
CONF

step "Starting etl-producer (config: $WORK/producer.conf)"
java -jar etl-producer/target/etl-producer.jar --config "$WORK/producer.conf" > "$WORK/etl-producer.log" 2>&1 &
started $! etl-producer
await "etl-producer" "${pids[1]}" "$WORK/etl-producer.log" 120 ready "$PRODUCER_PORT"

step "Starting es-subscriber (config: $WORK/subscriber.conf)"
java -jar es-subscriber/target/es-subscriber.jar --config "$WORK/subscriber.conf" > "$WORK/es-subscriber.log" 2>&1 &
started $! es-subscriber
await "es-subscriber" "${pids[2]}" "$WORK/es-subscriber.log" 120 ready "$SUBSCRIBER_PORT"

step "Writing demo rows: inserts, updates and deletes in six tables"
run_logged "write rows" "$WORK/demo-write.log" "" $DEMO write "$JDBC_URL" \
  || { cat "$WORK/demo-write.log" >&2; fail "could not write the demo rows"; }

step "Waiting until Elasticsearch shows them (rows in PostgreSQL = documents in Elasticsearch, per table)"
run_logged "compare counts" "$WORK/report.txt" "" $DEMO report "$JDBC_URL" "$ELASTICSEARCH_URL" \
  || { cat "$WORK/report.txt" >&2; fail "Elasticsearch did not catch up within 2 minutes (logs in $WORK)"; }

step "Showing a joined orders document: renaming a customer, moving an item and tagging an order in one transaction"
run_logged "joined document" "$WORK/document.txt" "" $DEMO document "$JDBC_URL" "$ELASTICSEARCH_URL" \
  || { cat "$WORK/document.txt" >&2; fail "the orders documents did not show the change (logs in $WORK)"; }

step "Looking into the Kafka topic with scripts/inspect-topic.sh"
INSPECT="scripts/inspect-topic.sh"
INSPECT_CONF="--producer-config $WORK/producer.conf"
$INSPECT partitions $INSPECT_CONF > "$WORK/partitions.txt" 2>&1 \
  || echo "    (inspect-topic.sh partitions failed; see $WORK/partitions.txt)"

step "Re-reading every table while streaming: an incremental snapshot (scripts/snapshot.sh)"
SNAPSHOT="scripts/snapshot.sh"
$SNAPSHOT $INSPECT_CONF request --all > "$WORK/snapshot-request.txt" 2>&1 \
  || { cat "$WORK/snapshot-request.txt" >&2; fail "could not request the incremental snapshot"; }
run_logged "incremental snapshot" "$WORK/snapshot-status.txt" snapshot_progress \
  timeout 120 $SNAPSHOT $INSPECT_CONF status --follow \
  || echo "    (the incremental snapshot did not finish within 2 minutes; see $WORK/snapshot-status.txt)"

cat <<REPORT

Tributary is streaming (ready in $((SECONDS - STARTED)) s).

Rows in PostgreSQL and documents in Elasticsearch:
$(sed -e 's/^/  /' "$WORK/report.txt")

$(sed -e '/./s/^/  /' "$WORK/document.txt")

The Kafka topic $TOPIC on $KAFKA_BOOTSTRAP_SERVERS ($INSPECT partitions $INSPECT_CONF):
$(sed -e 's/^/  /' "$WORK/partitions.txt")

Every table re-read while streaming ($SNAPSHOT $INSPECT_CONF status):
$(last_status_block "$WORK/snapshot-status.txt" | sed -e 's/^/  /')

Where to look:
  Elasticsearch   $ELASTICSEARCH_URL/shop.customers/_search?pretty      (one index per table: shop.customers, shop.orders, ...)
                  $ELASTICSEARCH_URL/orders/_search?pretty              (joined documents: orders with customer, items, tags)
  PostgreSQL      $JDBC_URL  (user $POSTGRES_USER; psql -h $POSTGRES_HOST -p $POSTGRES_PORT -U $POSTGRES_USER postgres)
  Metrics         http://127.0.0.1:$PRODUCER_PORT/metrics (etl-producer)   http://127.0.0.1:$SUBSCRIBER_PORT/metrics (es-subscriber)
  Logs            $WORK/*.log; PostgreSQL, Kafka and Elasticsearch logs under target/local-stack/
  The topic       $INSPECT tail $INSPECT_CONF --table shop.orders -n 3
                  $INSPECT tail $INSPECT_CONF --table shop.customers --key id=25 --from-beginning
                  $INSPECT tail $INSPECT_CONF --follow
                  $INSPECT lag $INSPECT_CONF --group tributary-quickstart
                  $INSPECT route shop.orders $INSPECT_CONF
                  ($INSPECT --help lists the commands; each has --help)
  Dead letters    scripts/dead-letters.sh list --subscriber-config $WORK/subscriber.conf   (then resend --help)
  Documents       ELASTICSEARCH_URL=$ELASTICSEARCH_URL scripts/documents.sh status    (documents; configuration built for)
                  scripts/verify.sh $INSPECT_CONF --subscriber-config $WORK/subscriber.conf --document orders
Change rows in PostgreSQL and watch them appear in Elasticsearch.
REPORT

if [ "$KEEP_RUNNING" = 1 ]; then
  printf '\nPress Ctrl-C to stop everything.\n'
  wait "${pids[0]}"
fi
