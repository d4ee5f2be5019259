#!/usr/bin/env bash
# Settlement benchmark (a measurement, not a test). Against one PostgreSQL server (bench/pg) and
# clusterfn run as the manifests run it, it makes CLUSTERS active public clusters of WORKERS
# workers each through the functions (every worker online: joining counts as a heartbeat; escrow
# for two epochs of rent), then lets 16 callers deploy into 16 of those clusters without pause
# while one scheduler call of `epoch` settles the epoch in progress. It reports how long the
# settlement took, its answer (clustersPaid should be CLUSTERS), what the store holds after it, the
# statements the store executed while it ran, and the deploys' p50/p99 before and during it.
# Written to bench/results/settle-<UTC time>.txt. See bench/README.md.
#
# Environment:
#   CLUSTERS=10000 WORKERS=3
#   WARMUP_S=10 BASELINE_S=10   seconds of deploys before the epoch call: unrecorded, then recorded
#   SETTLE_TIMEOUT_S=900        how long the epoch call may take
#   SKIP_BUILD=1                use target/quarkus-app as built
#   JVM_OPTS=                   extra JVM flags for clusterfn
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTERS=${CLUSTERS:-10000}
WORKERS=${WORKERS:-3}
export WARMUP_S=${WARMUP_S:-10} BASELINE_S=${BASELINE_S:-10} SETTLE_TIMEOUT_S=${SETTLE_TIMEOUT_S:-900}
work=bench/.work-settle
source bench/load/common.sh
need_tools psql curl openssl awk

rm -rf "$work" && mkdir -p "$work/logs" "$work/seed" bench/results
started_at=$(date +%s)
if [ -z "${SKIP_BUILD:-}" ]; then
    echo "building clusterfn (fast-jar)..."
    "${mvn[@]}" package -DskipTests
fi
start_pg shared_preload_libraries=pg_stat_statements pg_stat_statements.track_utility=on pg_stat_statements.max=10000
sql "CREATE EXTENSION pg_stat_statements"
setup_clusterfn
start_clusterfn

echo "seeding $CLUSTERS clusters of $WORKERS workers through the functions, then settling one epoch under deploys..."
export BEFORE_EPOCH="psql -X -q -At -d postgres -c 'SELECT pg_stat_statements_reset()' >/dev/null"
"$java17" bench/load/Bench.java settle "http://127.0.0.1:$app_port" "$key" "$issuer" "$work/seed" "$CLUSTERS" "$WORKERS" |
    tee "$work/logs/settle.txt"
hwm=$(status_of "$app_pid" VmHWM)
statements=$(sql "SELECT to_char(calls, 'FM9999999') || ' ' || left(regexp_replace(query, '\s+', ' ', 'g'), 150)
    FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC LIMIT 15")
store=$(sql "SELECT 'epochs settled up to ' || coalesce(last_settled::text, 'none') FROM epoch_state;
    SELECT 'clusters: ' || string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM cluster GROUP BY status) c;
    SELECT 'workers: ' || string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM worker GROUP BY status) w;
    SELECT 'rent transfers: ' || count(*) || ' into ' || count(DISTINCT to_account) || ' operator accounts from ' || count(DISTINCT from_account) || ' escrows, epochs ' || coalesce(string_agg(DISTINCT epoch::text, ','), '-') FROM ledger_transfer WHERE reason = 'rent';
    SELECT 'ledger sum (must be 0): ' || sum(balance) FROM ledger_account")
errors=$(grep -c ' ERROR ' "$work/logs/clusterfn.log" || true)

report="bench/results/settle-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "clusterfn settlement benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), unpinned; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "clusterfn: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes'); JDK 17, JVM flags of $manifest (limit $mem_limit): $JVM_FLAGS (heap at most $heap_mib MiB); $pool_size store connections"
    echo "store: PostgreSQL 17 from Maven (bench/pg); epoch length PT1H (the default): the call settles the epoch in progress"
    echo
    sed -n '/^settlement:/,$p' "$work/logs/settle.txt"
    echo "seeding: $(grep -E 'registered|formed' "$work/logs/settle.txt" | sed 's/^ *//' | paste -sd';' | sed 's/;/; /g')"
    echo
    echo "the store after it:"
    echo "$store" | sed 's/^/  /'
    echo "clusterfn: peak resident memory (VmHWM) $hwm MiB; $errors ERROR lines in its log"
    echo
    echo "statements the store executed from just before the epoch call to the end (calls, statement), deploys included:"
    echo "$statements" | sed 's/^/  /'
    echo
    echo "targets: one epoch of $CLUSTERS clusters x $WORKERS workers settles in at most 10 s, in set-based statements;"
    echo "deploys during the settlement answer with p99 at most 250 ms."
    echo "whole run: $(( $(date +%s) - started_at )) s"
} | tee "$report"
echo "written to $report"
