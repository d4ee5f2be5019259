#!/usr/bin/env bash
# Load benchmark (a measurement, not a test). In one run, against one PostgreSQL server (bench/pg,
# with pg_stat_statements), it measures at CONNECTIONS concurrent connections:
#   the floors: a bare Funqy application (bench/point) with hello (no store) and point (one
#   primary-key SELECT through the reactive client), pgbench -S (select-only) and pgbench's
#   default tpcb-like transaction, each at the start and again at the end of the run;
#   clusterfn's reads (access, cluster, contract, balance, clusters page of 50, inbox) and writes
#   (deploy, stake, fundCluster, credit, undeploy, send), with clusterfn run as the manifests run
#   it (deploy/functions/api-service.yaml: its container memory limit and store connections);
# and prints, per function, requests per second, p50 and p99 latency, the ratio to its floor
# (reads to point, writes to tpcb-like, each the mean of its two runs), statements the store
# executed per call, the answers that were not 2xx, and clusterfn's peak resident memory. The
# table is written to bench/results/load-<UTC time>.txt. See bench/README.md.
#
# Environment:
#   DURATION=15 WARMUP=5   seconds of each measured run and of the warm-up before it
#   CONNECTIONS=16 THREADS=2
#   TARGETS="..."          only these functions (names as in the table), floors always
#   PROFILE="access ..."   a JFR recording of clusterfn during these measured runs, summarized
#   SKIP_BUILD=1           use the jars already built
#   JVM_OPTS=              extra JVM flags for clusterfn and the floor application
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
TARGETS=${TARGETS:-access cluster contract balance clusters inbox deploy undeploy stake fundCluster credit send}
PROFILE=${PROFILE:-}
work=bench/.work-load
source bench/load/common.sh
need_tools wrk psql pgbench curl openssl awk

rm -rf "$work" && mkdir -p "$work/logs" "$work/conf" "$work/runs" "$work/pgbench" "$work/seed" bench/results
started_at=$(date +%s)

# --- build --------------------------------------------------------------------------------------
point_jar=bench/point/target/quarkus-app/quarkus-run.jar
if [ -z "${SKIP_BUILD:-}" ]; then
    echo "building the floor application (bench/point)..."
    "${mvn[@]}" -f bench/point/pom.xml package -DskipTests
    echo "building clusterfn (fast-jar)..."
    "${mvn[@]}" package -DskipTests
fi

# --- the store: clusterfn's schema, pgbench's database, the point table ---------------------------
start_pg shared_preload_libraries=pg_stat_statements pg_stat_statements.track_utility=on pg_stat_statements.max=10000
sql "CREATE EXTENSION pg_stat_statements"
setup_clusterfn
sql "CREATE TABLE bench_point (id integer PRIMARY KEY, name text NOT NULL);
     INSERT INTO bench_point SELECT i, 'row ' || i FROM generate_series(1, 1000) i; ANALYZE bench_point"
sql "CREATE DATABASE pgbench"
echo "pgbench -i -s 1..."
pgbench -i -s 1 -q pgbench >"$work/logs/pgbench-init.log" 2>&1 || { cat "$work/logs/pgbench-init.log"; exit 1; }

# --- the applications -----------------------------------------------------------------------------
start_clusterfn
point_port=$(free_port)
# shellcheck disable=SC2086
QUARKUS_HTTP_PORT=$point_port QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE=$pool_size BENCH_POINT_ROWS=1000 \
    "$java17" $JVM_FLAGS -jar "$point_jar" >"$work/logs/point.log" 2>&1 &
point_pid=$!
pids+=("$point_pid")
wait_answer "$point_pid" "$point_port" /hello 60 "$work/logs/point.log"

echo "seeding clusterfn through its functions..."
"$java17" bench/load/Bench.java load "http://127.0.0.1:$app_port" "$key" "$issuer" "$work/seed" |
    tee "$work/logs/seed.txt"
source "$work/seed/tokens.env"
messaging=$(cat "$work/seed/messaging")

# --- one target: a warm-up, then a measured run with the store's statements counted ---------------
conf() { # NAME key=value...: the target's wrk configuration
    local name=$1; shift
    printf '%s\n' "threads=$THREADS" "$@" >"$work/conf/$name.conf"
}
stats_reset() { sql "SELECT pg_stat_statements_reset()" >/dev/null; }
statements() { # DB: statements executed since the reset (other than this bookkeeping)
    sql "SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = '$1' AND s.query NOT LIKE '%pg_stat_statements%'"
}
statement_list() { # DB REQUESTS: the statements per call, most frequent first
    sql "SELECT to_char(s.calls::numeric / $2, 'FM990.00') || ' ' || left(regexp_replace(s.query, '\s+', ' ', 'g'), 150)
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = '$1' AND s.query NOT LIKE '%pg_stat_statements%' ORDER BY s.calls DESC LIMIT 12"
}
wrk_run() { # NAME PORT SECONDS CONF OUT
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3s" --timeout 10s -s bench/load/target.lua "http://127.0.0.1:$2" -- "$4" >"$5" 2>&1 ||
        { cat "$5" >&2; echo "wrk failed on $1" >&2; exit 1; }
}
value() { grep '^RESULT ' "$1" | grep -v '^RESULT sample=' | sed -n "s/^RESULT .*\b$2=\([^ ]*\).*/\1/p" | head -1; }

# Results, one file per measured target: key=value lines.
record() { # NAME key=value...
    local name=$1; shift
    printf '%s\n' "$@" >>"$work/runs/$name.result"
}

# Requests clusterfn has answered on PATH (its own metrics), or '' for the floor application.
round_trips() { # PORT: clusterfn's count of round trips to the store (its reactive client's)
    [ "$1" = "$app_port" ] || { echo ''; return; }
    curl -s --max-time 10 "http://127.0.0.1:$1/q/metrics" |
        awk '/^clusterfn_store_round_trips_total/ {printf "%d", $NF}'
}
served() { # PORT PATH
    [ "$1" = "$app_port" ] || { echo ''; return; }
    curl -s --max-time 10 "http://127.0.0.1:$1/q/metrics" |
        awk -v u="uri=\"$2\"" '/^http_server_requests_seconds_count\{/ && index($0, u) {n += $NF} END {printf "%d", n}'
}
# Waits until the requests still in flight after a wrk run are answered (at most 30 s): clusterfn's
# gauge of active requests (the scrape itself is one), else its answered count standing still for 2 s.
drain() { # PORT PATH
    [ "$1" = "$app_port" ] || { sleep 1; return; }
    local before now active i still=0
    before=$(served "$1" "$2")
    for ((i = 0; i < 60; i++)); do
        active=$(curl -s --max-time 10 "http://127.0.0.1:$1/q/metrics" |
            awk '/^http_server_active_requests[ {]/ {n += $NF; f = 1} END {if (f) printf "%d", n; else print "?"}')
        if [ "$active" != "?" ]; then
            [ "$active" -le 1 ] && return
            sleep 0.2
            continue
        fi
        sleep 0.5
        now=$(served "$1" "$2")
        if [ "$now" = "$before" ]; then
            still=$((still + 1))
            [ "$still" -ge 4 ] && return
        else
            still=0 before=$now
        fi
    done
}

http_target() { # NAME PORT KIND(floor|read|write) [extra conf...]
    local name=$1 port=$2 kind=$3 label=${1%%#*}; shift 3
    local path
    path=$(printf '%s\n' "$@" | sed -n 's/^path=\([^?]*\).*/\1/p')
    conf "$name-w" tag="w$RANDOM" "$@"
    echo "  $label: warm-up ${WARMUP}s..."
    wrk_run "$name" "$port" "$WARMUP" "$work/conf/$name-w.conf" "$work/runs/$name-w.out"
    local start served0 served1
    start=$(value "$work/runs/$name-w.out" used)
    conf "$name-m" tag="m$RANDOM" start="$start" "$@"
    drain "$port" "$path"
    stats_reset
    served0=$(served "$port" "$path")
    trips0=$(round_trips "$port")
    local jfr=''
    if [[ " $PROFILE " == *" $label "* ]]; then
        jfr="$PWD/$work/$label.jfr"
        "$JDK17/bin/jcmd" "$app_pid" JFR.start name="$label" settings=profile duration="${DURATION}s" filename="$jfr" >/dev/null
    fi
    wrk_run "$name" "$port" "$DURATION" "$work/conf/$name-m.conf" "$work/runs/$name.out"
    drain "$port" "$path"
    served1=$(served "$port" "$path")
    trips1=$(round_trips "$port")
    local out=$work/runs/$name.out requests calls stmts per
    requests=$(value "$out" requests)
    # statements over the calls clusterfn answered in the window (the requests still in flight when
    # wrk stopped included); for the floor application, over the requests wrk counted
    calls=$requests
    if [ -n "$served0" ] && [ -n "$served1" ] && [ "$((served1 - served0))" -gt 0 ]; then calls=$((served1 - served0)); fi
    stmts=$(statements postgres)
    per=$(awk -v s="$stmts" -v r="$calls" 'BEGIN {printf "%.2f", s / r}')
    trips=-
    if [ -n "$trips0" ] && [ -n "$trips1" ]; then trips=$(awk -v s="$((trips1 - trips0))" -v r="$calls" 'BEGIN {printf "%.2f", s / r}'); fi
    statement_list postgres "$calls" >"$work/runs/$name.statements"
    record "$name" label="$label" kind="$kind" rps="$(value "$out" rps)" p50="$(value "$out" p50_ms)" \
        p99="$(value "$out" p99_ms)" requests="$requests" calls="$calls" non2xx="$(value "$out" non2xx)" \
        socket="$(value "$out" socket_errors)" statuses="$(value "$out" statuses)" \
        exhausted="$(value "$out" exhausted)" stmts="$per" trips="$trips"
    printf '    %s rps, p50 %s ms, p99 %s ms, %s statements and %s round trips per call, statuses %s\n' \
        "$(value "$out" rps)" "$(value "$out" p50_ms)" "$(value "$out" p99_ms)" "$per" "$trips" "$(value "$out" statuses)"
    grep '^RESULT sample=' "$out" | sed 's/^RESULT sample=/      refused: /' || true
    if [ "$(value "$out" exhausted)" != 0 ]; then echo "    the pool ran out: $(value "$out" exhausted) requests repeated a used entry"; fi
    if [ -n "$jfr" ]; then
        for _ in $(seq 1 100); do [ -s "$jfr" ] && break; sleep 0.2; done
        profile_summary "$jfr" "$label" >"$work/runs/profile-$label.txt" || true
    fi
}

pgbench_target() { # NAME DB [pgbench options]
    local name=$1 db=$2 label=${1%%#*}; shift 2
    echo "  $label: warm-up ${WARMUP}s..."
    pgbench -c "$CONNECTIONS" -j "$THREADS" -T "$WARMUP" "$@" "$db" >"$work/runs/$name-w.out" 2>&1 ||
        { cat "$work/runs/$name-w.out" >&2; exit 1; }
    stats_reset
    rm -f "$work/pgbench/$name".*
    pgbench -n -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" -l --log-prefix="$work/pgbench/$name" "$@" "$db" \
        >"$work/runs/$name.out" 2>&1 || { cat "$work/runs/$name.out" >&2; exit 1; }
    local out=$work/runs/$name.out tps requests failed lat stmts
    tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | head -1)
    requests=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out")
    failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
    # per-transaction latencies (microseconds, third column of pgbench's log)
    lat=$(cat "$work/pgbench/$name".* | awk '{print $3}' | sort -n |
        awk '{v[NR] = $1} END {i50 = int(NR * 0.5 + 0.999); i99 = int(NR * 0.99 + 0.999); printf "%.2f %.2f", v[i50] / 1000, v[i99] / 1000}')
    stmts=$(statements "$db")
    statement_list "$db" "$requests" >"$work/runs/$name.statements"
    record "$name" label="$label" kind=floor rps="$tps" p50="${lat% *}" p99="${lat#* }" requests="$requests" \
        non2xx="${failed:-0}" socket=0 statuses="-" exhausted=0 stmts="$(awk -v s="$stmts" -v r="$requests" 'BEGIN {printf "%.2f", s / r}')"
    printf '    %s tps, p50 %s ms, p99 %s ms\n' "$tps" "${lat% *}" "${lat#* }"
}

# The store alone: pgbench running the very statement a read sends (read from the built jar, with
# the parameters of the measured run) at the same concurrency. Nothing in front of the store can
# serve that read faster than this.
store_target() { # NAME CLASS#FIELD PARAM...
    local name=$1 field=$2; shift 2
    "$java17" bench/load/Statement.java target/quarkus-app "$field" "$@" >"$work/conf/$name.sql"
    pgbench_target "$name" postgres -n -M prepared -f "$work/conf/$name.sql"
}

# JFR samples: the share of samples whose stack passes through each layer, and the hottest leaves.
profile_summary() { # FILE TARGET
    local text=$work/profile-$2.txt
    "$JDK17/bin/jfr" print --events jdk.ExecutionSample --stack-depth 200 "$1" >"$text"
    awk -v layers="io.clusterfn. org.hibernate. io.vertx.pgclient. io.vertx.sqlclient. io.smallrye.jwt. org.jose4j. io.smallrye.mutiny. com.fasterxml.jackson. io.quarkus.funqy. io.quarkus.vertx. io.netty. io.vertx.core. io.micrometer. org.projectnessie.cel. java.util.regex. java.math. sun.security." '
        BEGIN {L = split(layers, layer, " ")}
        /jdk.ExecutionSample/ {n++; delete seen; first = 0; next}
        /stackTrace = \[/ {first = 1; next}
        /^[ \t]+[a-zA-Z_$][a-zA-Z0-9_.$<>]*\(/ {
            frame = $1; sub(/\(.*/, "", frame)
            if (first) {leaf[frame]++; first = 0}
            for (i = 1; i <= L; i++) if (index(frame, layer[i]) == 1 && !seen[i]) {seen[i] = 1; through[i]++}
        }
        END {
            for (i = 1; i <= L; i++) if (through[i]) printf "A %08d   %5.1f%%  %s\n", through[i], 100 * through[i] / n, layer[i]
            for (f in leaf) printf "B %08d   %5.1f%%  %s\n", leaf[f], 100 * leaf[f] / n, f
            printf "N %d\n", n
        }' "$text" >"$text.raw"
    echo "JFR (settings=profile) of clusterfn during the measured $2 run: $(sed -n 's/^N //p' "$text.raw") execution samples"
    echo "share of samples whose stack passes through (a sample counts once per layer):"
    grep '^A ' "$text.raw" | sort -r | cut -c12-
    echo "hottest leaf methods:"
    grep '^B ' "$text.raw" | sort -r | head -20 | cut -c12-
}

# --- the run --------------------------------------------------------------------------------------
floors() { # ROUND
    http_target "hello#$1" "$point_port" floor method=GET path=/hello
    http_target "point#$1" "$point_port" floor method=GET path=/point
    pgbench_target "pgbench-S#$1" pgbench -S
    pgbench_target "tpcb-like#$1" pgbench
}
wanted() { [[ " $TARGETS " == *" $1 "* ]]; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "floors, first round:"
floors 1

s=$PWD/$work/seed
# The JIT compiles clusterfn's common paths (routing, tokens, JSON, the store client) while the
# first targets run: one warm-up round over the reads first, so that the first measured read is not
# the one that pays for it.
echo "clusterfn warm-up: ${WARMUP}s on each read..."
conf jit-access tag="j$RANDOM" method=POST path=/access list="$s/access.tsv" 'body={"clusterId":"{1}","account":"{2}","codeSize":100}'
conf jit-cluster tag="j$RANDOM" method=GET list="$s/clusters.tsv" 'path=/cluster?id={1}'
conf jit-contract tag="j$RANDOM" method=GET list="$s/contract.tsv" 'path=/contract?id={1}'
conf jit-balance tag="j$RANDOM" method=GET list="$s/balance.tsv" 'path=/balance?account={1}' 'auth={2}'
for jit in access cluster contract balance; do
    wrk_run "jit-$jit" "$app_port" "$WARMUP" "$work/conf/jit-$jit.conf" "$work/runs/jit-$jit.out"
done

echo "reads:"
if wanted access; then
    http_target access "$app_port" read method=POST path=/access list="$s/access.tsv" \
        'body={"clusterId":"{1}","account":"{2}","codeSize":100}'
    store_target access-store 'io.clusterfn.contract.ContractService#ACCESS_FACTS' \
        "$(head -1 "$s/access.tsv" | cut -f1)" "$(head -1 "$s/access.tsv" | cut -f2)"
fi
wanted cluster && http_target cluster "$app_port" read method=GET list="$s/clusters.tsv" 'path=/cluster?id={1}'
wanted contract && http_target contract "$app_port" read method=GET list="$s/contract.tsv" 'path=/contract?id={1}'
wanted balance && http_target balance "$app_port" read method=GET list="$s/balance.tsv" 'path=/balance?account={1}' 'auth={2}'
if wanted clusters; then
    http_target clusters "$app_port" read method=GET 'path=/clusters?limit=50'
    store_target clusters-store 'io.clusterfn.cluster.ClusterQueries#PAGE' '' null null null 51
fi
if wanted inbox; then
    if [ "$messaging" = present ]; then
        http_target inbox "$app_port" read method=GET list="$s/inbox.tsv" 'path=/inbox?workerId={1}&limit=100' 'auth={2}'
        store_target inbox-store 'io.clusterfn.message.MessageService#INBOX' "$(head -1 "$s/inbox.tsv" | cut -f1)" 100
    else
        record inbox label=inbox kind=read na=1
    fi
fi

echo "writes:"
# The writes that answer with a cluster's figures (stake, fundCluster) or touch no cluster run
# first; deploy and undeploy, which grow and shrink the clusters they use, run last, so that
# every write meets the world as seeded.
# stake: each request changes the stake: it alternates between two amounts per contract, and the
# measured run uses other amounts than the warm-up, so that its first visit changes it too.
wanted stake && http_target stake "$app_port" write method=POST path=/stake list="$s/stake.tsv" 'auth={2}' \
    'body={"contractId":"{1}","amount":"{alt}"}' alt=2000000000000,3000000000000 alt_measured=4000000000000,5000000000000
wanted fundCluster && http_target fundCluster "$app_port" write method=POST path=/fundCluster list="$s/fund.tsv" 'auth={2}' \
    'body={"clusterId":"{1}","amount":"1000"}'
wanted credit && http_target credit "$app_port" write method=POST path=/credit list="$s/credit.tsv" 'auth={2}' \
    'body={"account":"{1}","amount":"1000","transferId":"{n}"}'
if wanted send; then
    if [ "$messaging" = present ]; then
        http_target send "$app_port" write method=POST path=/send list="$s/send.tsv" 'auth={4}' \
            'body={"workerId":"{1}","from":"{2}","to":"{3}","nonce":"{n}","payload":"aGVsbG8gZnJvbSB0aGUgbG9hZCBiZW5jaG1hcms="}'
    else
        record send label=send kind=write na=1
    fi
fi

wanted deploy && http_target deploy "$app_port" write method=POST path=/deploy list="$s/deploy.tsv" 'auth={2}' \
    'body={"clusterId":"{1}","codeHash":"0x00000000000000000000000000000000000000000000000000000000000000aa","codeSize":100,"salt":"{n}"}'
if wanted undeploy; then
    # The pool: contracts deployed by the deploy runs, topped up so that it outlasts the undeploys
    # (sized from the deploy rate: undeploys are not expected to run more than three times as fast).
    pool_sql="SELECT id, deployer FROM contract WHERE status = 'DEPLOYED' AND deployer LIKE 'bench-deployer-%' AND salt NOT LIKE 'seed-%' AND salt <> 'msg' ORDER BY id"
    have=$(sql "SELECT count(*) FROM ($pool_sql) p")
    rate=$(awk -F= '$1 == "rps" {printf "%d", $2}' "$work/runs/deploy.result" 2>/dev/null || echo 200)
    want=$(( (rate > 0 ? rate : 200) * (WARMUP + DURATION) * 3 ))
    if [ "$have" -lt "$want" ]; then
        secs=$(( (want - have) / (rate > 0 ? rate : 200) + 1 ))
        secs=$(( secs > 90 ? 90 : secs ))
        echo "  undeploy pool: $have contracts, deploying more for ${secs}s..."
        conf deploy-pool tag="p$RANDOM" method=POST path=/deploy list="$s/deploy.tsv" 'auth={2}' \
            'body={"clusterId":"{1}","codeHash":"0x00000000000000000000000000000000000000000000000000000000000000aa","codeSize":100,"salt":"{n}"}'
        wrk_run deploy-pool "$app_port" "$secs" "$work/conf/deploy-pool.conf" "$work/runs/deploy-pool.out"
    fi
    # each contract with its deployer's token
    sql "$pool_sql" | awk -F'[|\t]' 'NR == FNR {token[$1] = $2; next} {print $1 "\t" token[$2]}' "$s/deployers.tsv" - >"$s/undeploy.tsv"
    echo "  undeploy pool: $(wc -l <"$s/undeploy.tsv") contracts"
    http_target undeploy "$app_port" write method=POST path=/undeploy list="$s/undeploy.tsv" once=1 'auth={2}' \
        'body={"contractId":"{1}"}'
fi
echo "floors, second round:"
floors 2
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
hwm=$(status_of "$app_pid" VmHWM)
rss=$(status_of "$app_pid" VmRSS)
point_hwm=$(status_of "$point_pid" VmHWM)
errors=$(grep -c ' ERROR ' "$work/logs/clusterfn.log" || true)
warns=$(grep -c ' WARN ' "$work/logs/clusterfn.log" || true)

# --- the report -----------------------------------------------------------------------------------
get() { sed -n "s/^$2=//p" "$work/runs/$1.result" | tail -1; }
mean2() { awk -v a="$(get "$1#1" "$2")" -v b="$(get "$1#2" "$2")" 'BEGIN {printf "%.1f", (a + b) / 2}'; }
point_rps=$(mean2 point rps)
tpcb_tps=$(mean2 tpcb-like rps)
report="bench/results/load-$(date -u +%Y%m%dT%H%M%SZ).txt"
row() { # NAME FLOOR-RPS FLOOR-NAME
    local n=$1
    if [ "$(get "$n" na)" = 1 ]; then
        printf '%-18s %s\n' "$(get "$n" label)" "n/a (not in this build)"
        return
    fi
    local rps p50 p99
    rps=$(get "$n" rps) p50=$(get "$n" p50) p99=$(get "$n" p99)
    printf '%-18s %9.0f %9.2f %9.2f %8.1f %10s %10s %11s %7s %s\n' "${n/\#/ #}" "$rps" "$p50" "$p99" \
        "$(awk -v a="$p99" -v b="$p50" 'BEGIN {print (b > 0 ? a / b : 0)}')" \
        "$(if [ -n "$2" ]; then awk -v a="$rps" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; else echo -; fi)" \
        "$(get "$n" stmts)" "$(get "$n" trips)" "$(($(get "$n" non2xx) + $(get "$n" socket)))" \
        "$(if [ "$(get "$n" exhausted)" != 0 ]; then echo "pool ran out ($(get "$n" exhausted) repeats)"; fi)"
}
{
    echo "clusterfn load benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ): $CONNECTIONS connections, wrk -t$THREADS, ${WARMUP}s warm-up + ${DURATION}s measured per target"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), unpinned; load average $load_before before, $load_after after"
    echo "clusterfn: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes'); JDK 17 ($("$java17" -version 2>&1 | sed -n 2p | sed 's/.*(build \(.*\))/\1/')), JVM flags of $manifest (limit $mem_limit): $JVM_FLAGS (heap at most $heap_mib MiB); $pool_size store connections"
    echo "store: PostgreSQL 17 from Maven (bench/pg), one server for everything; pgbench -s 1 in its own database"
    echo
    printf '%-18s %9s %9s %9s %8s %10s %10s %11s %7s\n' target rps p50_ms p99_ms p99/p50 ratio stmts/call trips/call non-2xx
    echo "floors (round 1, round 2):"
    for r in 1 2; do for n in hello point pgbench-S tpcb-like; do row "$n#$r" ""; done; done
    printf '  point (mean of both rounds) %.0f rps; tpcb-like %.0f tps\n' "$point_rps" "$tpcb_tps"
    echo "reads (ratio to point):"
    for n in access access-store cluster contract balance clusters clusters-store inbox inbox-store; do
        [ -f "$work/runs/$n.result" ] && row "$n" "$point_rps"
    done
    echo "  (NAME-store: the store alone running that read's statement with pgbench, its ceiling)"
    echo "writes (ratio to tpcb-like):"
    for n in deploy stake undeploy fundCluster credit send; do
        [ -f "$work/runs/$n.result" ] && row "$n" "$tpcb_tps"
    done
    echo
    echo "clusterfn memory: peak resident (VmHWM) $hwm MiB over the whole run, $rss MiB at its end; the floor application: peak $point_hwm MiB"
    echo "clusterfn log: $errors ERROR and $warns WARN lines"
    echo "targets: access >= 0.80x point, other reads >= 0.50x point; writes >= 0.50x tpcb-like with at most 3 round trips"
    echo "(COMMIT included); p99/p50 <= 5; peak resident memory <= 350 MiB."
    echo
    echo "rps = requests (transactions for pgbench) per second; p50/p99 from wrk's latency histogram (pgbench: its"
    echo "per-transaction log); ratio = rps over the floor's mean of both rounds; stmts/call = statements the store"
    echo "executed during the measured run (pg_stat_statements, BEGIN and COMMIT included) over the calls clusterfn answered:"
    echo "statements sent pipelined share a round trip, so this is an upper bound on round trips per call;"
    echo "trips/call = round trips to the store over the calls, as clusterfn counts them (clusterfn_store_round_trips_total:"
    echo "each batch of statements it sends together and then waits for is one; work through Hibernate is not counted);"
    echo "non-2xx = answers other than 2xx plus socket errors (pgbench: failed transactions)."
    for n in access cluster contract balance clusters inbox deploy stake undeploy fundCluster credit send; do
        [ -f "$work/runs/$n.result" ] || continue
        [ "$(get "$n" na)" = 1 ] && continue
        if [ "$(($(get "$n" non2xx) + $(get "$n" socket)))" != 0 ]; then
            echo "$n answers by status: $(get "$n" statuses) (socket errors: $(get "$n" socket))"
            grep '^RESULT sample=' "$work/runs/$n.out" | sed 's/^RESULT sample=/  e.g. /' || true
        fi
    done
    echo
    echo "statements per call, by statement (measured runs):"
    for n in point#1 tpcb-like#1 access access-store cluster contract balance clusters clusters-store inbox inbox-store deploy stake undeploy fundCluster credit send; do
        [ -f "$work/runs/$n.statements" ] || continue
        echo "  $n:"
        sed 's/^/    /' "$work/runs/$n.statements"
    done
    for f in "$work"/runs/profile-*.txt; do
        [ -f "$f" ] || continue
        echo
        cat "$f"
    done
    echo
    echo "whole run: $(( $(date +%s) - started_at )) s"
} | tee "$report"
echo "written to $report"
