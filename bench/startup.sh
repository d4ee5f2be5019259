#!/usr/bin/env bash
# Startup benchmark (a measurement, not a test). In one run, against one PostgreSQL server, it
# measures the time from launching a JVM to its first successful HTTP answer, the CPU time spent
# until then, and the resident memory right after that answer, for
#   (a) the framework's floor: a bare Funqy application with one function (bench/floor), JDK 17
#   (b) clusterfn as a fast-jar, JDK 17, first answer = GET /clusters (a real read of the store)
#   (c) clusterfn on JDK 25 with a JDK ahead-of-time cache (-XX:AOTCache), in Quarkus' aot-jar
#       packaging, the cache trained on a realistic run of the functions (bench/workload.sh)
#   (s) the floor of the stack the spec prescribes (bench/stack): Funqy with Hibernate Reactive
#       Panache on the reactive PostgreSQL client, one entity, one function reading it, JDK 17
# RUNS times each, interleaved (a b c a b c ...) after unrecorded warm-up rounds, and prints the
# medians and the ratios (b)/(a), (c)/(a), (c)/(b), (s)/(a), (b)/(s); the table is also written to
# bench/results/startup-<UTC time>.txt. See bench/README.md.
#
# Environment:
#   RUNS=5           measured runs per variant
#   WARMUP=1         unrecorded rounds before them
#   TRAIN_ROUNDS=20  rounds of bench/workload.sh in the training run of an AOT cache
#   JVM_OPTS=        extra JVM flags, the same for every variant and for the training runs
#   JDK17=/usr/lib/jvm/java-17-openjdk-amd64  JDK25=/usr/lib/jvm/temurin-25-jdk-amd64
#   EXTRA="d e f"    more variants, to tell apart what (c) gains from the JDK, the cache and the
#                    packaging: (d) the fast-jar on JDK 25, no cache; (e) the fast-jar on JDK 25
#                    with its own AOT cache; (f) Quarkus' AppCDS archive on JDK 17
#                    (quarkus.package.jar.aot.enabled, type AppCDS, phase build)
#   APP_JAR=path     measure this jar instead of clusterfn in (b) and (c): no clusterfn build, no
#                    migration, a trivial training load (to try the machinery); APP_PATH=/hello
#   NATIVE=path      also (n): this clusterfn native executable (./mvnw package -Dnative), started
#                    directly, as deployed, against the same store
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
TRAIN_ROUNDS=${TRAIN_ROUNDS:-20}
JVM_OPTS=${JVM_OPTS:-}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
EXTRA=${EXTRA:-}
APP_JAR=${APP_JAR:-}
NATIVE=${NATIVE:-}
work=bench/.work
mvn=(env JAVA_HOME="$JDK17" "$root/mvnw" -q -B)

for tool in curl openssl awk getconf; do
    command -v "$tool" >/dev/null || { echo "bench/startup.sh needs $tool" >&2; exit 1; }
done
for jdk in "$JDK17" "$JDK25"; do
    [ -x "$jdk/bin/java" ] || { echo "no JDK at $jdk (set JDK17 / JDK25)" >&2; exit 1; }
done
extra() { [[ " $EXTRA " == *" $1 "* ]]; }
if [ -n "$APP_JAR" ] && extra f; then echo "(f) needs the clusterfn build: not with APP_JAR" >&2; exit 1; fi
if [ -n "$NATIVE" ]; then
    [ -x "$NATIVE" ] || { echo "NATIVE=$NATIVE is not an executable" >&2; exit 1; }
    NATIVE=$(realpath "$NATIVE")
fi

# --- processes: every one this script starts is stopped on exit ---------------------------------
pg_pid='' app_pid=''
source bench/processes.sh
cleanup() {
    if [ -n "$app_pid" ]; then stop "$app_pid" 5; fi
    if [ -n "$pg_pid" ]; then
        stop "$pg_pid" 20
        # should the launcher have died without stopping its server, stop the server itself
        local pm="$work/pgdata/postmaster.pid"
        if [ -f "$pm" ]; then kill -TERM "$(head -1 "$pm")" 2>/dev/null || true; fi
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build --------------------------------------------------------------------------------------
rm -rf "$work" && mkdir -p "$work/logs" "$work/jwt" bench/results
floor=bench/floor/target/quarkus-app/quarkus-run.jar
stack=bench/stack/target/quarkus-app/quarkus-run.jar
echo "building the floor application..."
"${mvn[@]}" -f bench/floor/pom.xml package -DskipTests
if [ -z "$APP_JAR" ]; then
    echo "building the prescribed stack's floor..."
    "${mvn[@]}" -f bench/stack/pom.xml package -DskipTests
fi
echo "resolving the PostgreSQL server..."
"${mvn[@]}" -f bench/pg/pom.xml dependency:build-classpath -Dmdep.outputFile="$root/$work/pg-cp.txt" >/dev/null
if [ -z "$APP_JAR" ]; then
    app=target/quarkus-app/quarkus-run.jar
    aot_app=$work/aot-jar/quarkus-run.jar
    app_path=${APP_PATH:-/clusters}
    echo "building clusterfn in Quarkus' aot-jar packaging (for the AOT cache)..."
    "${mvn[@]}" package -DskipTests -Dquarkus.package.jar.type=aot-jar \
        -Dquarkus.package.output-directory="$root/$work/aot-jar"
    if extra f; then
        echo "building clusterfn with Quarkus' AppCDS archive (JDK 17)..."
        # The archive is dumped by starting the application up to its static init, in the build: a
        # datasource URL keeps clusterfn from starting its embedded store there (it connects to nothing).
        QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:1/none \
            "${mvn[@]}" package -DskipTests -Dquarkus.package.jar.aot.enabled=true \
            -Dquarkus.package.jar.aot.type=AppCDS -Dquarkus.package.jar.aot.phase=build \
            -Dquarkus.package.output-directory="$root/$work/appcds"
        [ -s "$work/appcds/app-cds.jsa" ] || { echo "no AppCDS archive built" >&2; exit 1; }
    fi
    echo "building clusterfn as a fast-jar (./mvnw package, the normal build, last)..."
    "${mvn[@]}" package -DskipTests
else
    app=$APP_JAR
    aot_app=${AOT_APP_JAR:-$APP_JAR}
    app_path=${APP_PATH:-/hello}
fi

# --- the store ----------------------------------------------------------------------------------
echo "starting PostgreSQL..."
pg_port=$(free_port)
"$JDK17/bin/java" -cp "$(cat "$work/pg-cp.txt")" bench/pg/StartPostgres.java "$work/pgdata" "$pg_port" \
    >"$work/logs/postgres.log" 2>&1 &
pg_pid=$!
for _ in $(seq 1 600); do grep -q '^ready' "$work/logs/postgres.log" && break; kill -0 "$pg_pid" || break; sleep 0.1; done
grep -q '^ready' "$work/logs/postgres.log" || { tail -30 "$work/logs/postgres.log"; exit 1; }

# As deployed (deploy/functions/*.yaml): the reactive URL only, no migration at start, no embedded
# store. Only the migration (the clusterfn-migrate job) has a JDBC URL.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/jwt/private.pem" 2>/dev/null
openssl pkey -in "$work/jwt/private.pem" -pubout -out "$work/jwt/public.pem"
export CLUSTERFN_KEY="$root/$work/jwt/private.pem"
export MP_JWT_VERIFY_PUBLICKEY_LOCATION="$root/$work/jwt/public.pem"
export QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$pg_port/postgres"
export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres
export CLUSTERFN_EMBEDDED_ENABLED=false

if [ -z "$APP_JAR" ]; then
    echo "migrating once (a start with QUARKUS_FLYWAY_MIGRATE_AT_START=true, as the migration job)..."
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$pg_port/postgres" \
        QUARKUS_FLYWAY_MIGRATE_AT_START=true QUARKUS_INIT_AND_EXIT=true QUARKUS_HTTP_PORT=$(free_port) \
        "$JDK17/bin/java" -jar "$app" >"$work/logs/migrate.log" 2>&1 ||
        { tail -30 "$work/logs/migrate.log"; exit 1; }
fi
export QUARKUS_FLYWAY_MIGRATE_AT_START=false

# --- the AOT caches -----------------------------------------------------------------------------
# One-step JDK 25 training (JEP 514): run the jar with -XX:AOTCacheOutput, drive it with a
# realistic load, stop it with SIGTERM; at exit the JVM assembles the cache. The cache belongs to
# this JDK build and this classpath: the measured runs use the same java, jar path and JVM_OPTS.
# Drives the clusterfn on PORT with TRAIN_ROUNDS rounds of bench/workload.sh; sets ok and total
# (calls answered 2xx, calls made) and stops the benchmark if most calls failed: a cache trained,
# or memory measured, on refusals would say nothing about real work.
drive() { # PORT NAME
    local out=$work/logs/workload-$2.txt
    bench/workload.sh "http://127.0.0.1:$1" "$TRAIN_ROUNDS" >"$out"
    read -r _ ok _ total < <(tail -1 "$out")
    echo "  workload: $ok of $total calls answered 2xx (by function: $out)"
    if [ "$ok" -lt $((total * 3 / 4)) ]; then
        cat "$out" >&2
        echo "the workload mostly failed" >&2
        exit 1
    fi
}

train() { # NAME JAR CACHE
    local name=$1 jar=$2 cache=$3 port log=$work/logs/train-$1.log
    port=$(free_port)
    echo "training the AOT cache $cache ($name: $jar on JDK 25)..."
    # shellcheck disable=SC2086
    QUARKUS_HTTP_PORT=$port "$JDK25/bin/java" $JVM_OPTS -XX:AOTCacheOutput="$cache" -jar "$jar" >"$log" 2>&1 &
    app_pid=$!
    wait_answer "$app_pid" "$port" "$app_path" 180 "$log"
    if [ -z "$APP_JAR" ]; then
        drive "$port" "$name"
    else
        for _ in $(seq 1 200); do curl -sf -o /dev/null "http://127.0.0.1:$port$app_path"; done
    fi
    stop "$app_pid" 600 # the JVM assembles the cache before it exits
    app_pid=''
    [ -s "$cache" ] || { echo "no AOT cache written" >&2; tail -30 "$log" >&2; exit 1; }
    echo "  $(du -m "$cache" | cut -f1) MiB: $(grep -m1 'AOTCache creation is complete' "$log" || echo '?')"
}
train c "$aot_app" "$work/c.aot"
if extra e; then train e "$app" "$work/e.aot"; fi

# --- the measurements ---------------------------------------------------------------------------
# Each variant: a label, a java, a working directory, a jar (relative to it), the path of its
# first answer, and JVM flags of its own.
names=(a b c)
declare -A label java dir jar path flags
add() { label[$1]=$2 java[$1]=$3 dir[$1]=$4 jar[$1]=$5 path[$1]=$6 flags[$1]=${7:-}; }
add a "(a) bare Funqy, one function, fast-jar, JDK 17" "$JDK17/bin/java" . "$floor" /hello
add b "(b) clusterfn fast-jar, JDK 17" "$JDK17/bin/java" . "$app" "$app_path"
add c "(c) clusterfn aot-jar + AOT cache, JDK 25" "$JDK25/bin/java" . "$aot_app" "$app_path" \
    "-XX:AOTCache=$work/c.aot -XX:AOTMode=on"
if [ -z "$APP_JAR" ]; then
    names+=(s)
    add s "(s) prescribed stack's floor, fast-jar, JDK 17" "$JDK17/bin/java" . "$stack" /clusters
fi
if extra d; then
    names+=(d)
    add d "(d) clusterfn fast-jar, JDK 25, no cache" "$JDK25/bin/java" . "$app" "$app_path"
fi
if extra e; then
    names+=(e)
    add e "(e) clusterfn fast-jar + AOT cache, JDK 25" "$JDK25/bin/java" . "$app" "$app_path" \
        "-XX:AOTCache=$work/e.aot -XX:AOTMode=on"
fi
# (n): a native executable has no JVM, no jar and no JVM_OPTS
if [ -n "$NATIVE" ]; then
    names+=(n)
    add n "(n) clusterfn native executable" "$NATIVE" . "" "$app_path"
fi
if extra f; then
    names+=(f)
    add f "(f) clusterfn aot-jar + AppCDS, JDK 17" "$JDK17/bin/java" "$work/appcds" quarkus-run.jar "$app_path" \
        "-XX:SharedArchiveFile=app-cds.jsa -Xshare:on"
fi

# One start: appends "ms-to-first-answer rss-kB quarkus-started-in-ms cpu-ms" to OUT.
tick=$(getconf CLK_TCK)
measure() { # NAME OUT
    local v=$1 out=$2 port log=$root/$work/logs/run-$1.log start end rss started cpu
    port=$(free_port)
    start=$(now_ms)
    # shellcheck disable=SC2086
    if [ -n "${jar[$v]}" ]; then
        (cd "${dir[$v]}" && QUARKUS_HTTP_PORT=$port exec "${java[$v]}" $JVM_OPTS ${flags[$v]} -jar "${jar[$v]}") >"$log" 2>&1 &
    else
        (cd "${dir[$v]}" && QUARKUS_HTTP_PORT=$port exec "${java[$v]}" ${flags[$v]}) >"$log" 2>&1 &
    fi
    app_pid=$!
    wait_answer "$app_pid" "$port" "${path[$v]}" 120 "$log"
    end=$(now_ms)
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$app_pid/status")
    # user + system CPU time of all the JVM's threads until then (fields 14 and 15 of stat)
    cpu=$(sed 's/.*) //' "/proc/$app_pid/stat" | awk -v t="$tick" '{printf "%d", ($12 + $13) * 1000 / t}')
    stop "$app_pid" 20
    app_pid=''
    started=$(sed -n 's/.* started in \([0-9.]*\)s\..*/\1/p' "$log" | head -1)
    started=$(awk -v s="${started:-0}" 'BEGIN {printf "%d", s * 1000}')
    echo "$((end - start)) $rss $started $cpu" >>"$out"
}

for ((i = 1; i <= WARMUP; i++)); do
    echo "warm-up round $i (not recorded)..."
    for v in "${names[@]}"; do measure "$v" /dev/null; done
done
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "measuring, $RUNS runs per variant, interleaved (load average $load_before)..."
for v in "${names[@]}"; do : >"$work/$v.txt"; done
for ((i = 1; i <= RUNS; i++)); do
    line="  run $i:"
    for v in "${names[@]}"; do
        measure "$v" "$work/$v.txt"
        line+="  $v $(tail -1 "$work/$v.txt" | awk '{printf "%d ms %d MiB", $1, $2 / 1024}')"
    done
    echo "$line"
done

# --- memory under load (what the deployment's memory requests are sized from) ---------------------
load_line=''
if [ -z "$APP_JAR" ]; then
    echo "memory under load: (b) driven by $TRAIN_ROUNDS rounds of bench/workload.sh..."
    port=$(free_port)
    # shellcheck disable=SC2086
    QUARKUS_HTTP_PORT=$port "$JDK17/bin/java" $JVM_OPTS -jar "$app" >"$work/logs/load-b.log" 2>&1 &
    app_pid=$!
    wait_answer "$app_pid" "$port" "$app_path" 120 "$work/logs/load-b.log"
    drive "$port" load
    rss=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$app_pid/status")
    hwm=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$app_pid/status")
    stop "$app_pid" 20
    app_pid=''
    load_line="memory under load: (b) after $TRAIN_ROUNDS rounds of bench/workload.sh ($ok of $total calls 2xx): RSS $rss MiB, peak $hwm MiB (default heap limits)"
fi

# --- the report ---------------------------------------------------------------------------------
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { cut -d' ' -f"$2" "$work/$1.txt" | median; }
declare -A t m s u lo hi
for v in "${names[@]}"; do
    t[$v]=$(col "$v" 1) m[$v]=$(col "$v" 2) s[$v]=$(col "$v" 3) u[$v]=$(col "$v" 4)
    lo[$v]=$(cut -d' ' -f1 "$work/$v.txt" | sort -n | head -1)
    hi[$v]=$(cut -d' ' -f1 "$work/$v.txt" | sort -n | tail -1)
done
ratio() { awk -v x="$1" -v y="$2" 'BEGIN {printf "%.2f", x / y}'; }
below() { awk -v x="$1" -v y="$2" 'BEGIN {printf "%.0f%%", (1 - x / y) * 100}'; }
ratios() { # WHAT ARRAY
    local -n r=$2
    local line
    line=$(printf '%-6s (b)/(a) = %s   (c)/(a) = %s   (c)/(b) = %s' "$1" "$(ratio "${r[b]}" "${r[a]}")" \
        "$(ratio "${r[c]}" "${r[a]}")" "$(ratio "${r[c]}" "${r[b]}")")
    for v in "${names[@]:3}"; do
        if [ "$v" = s ]; then
            line+="   (s)/(a) = $(ratio "${r[s]}" "${r[a]}")   (b)/(s) = $(ratio "${r[b]}" "${r[s]}")"
        else
            line+="   ($v)/(b) = $(ratio "${r[$v]}" "${r[b]}")"
        fi
    done
    echo "$line"
}

report="bench/results/startup-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "clusterfn startup benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ): medians of $RUNS interleaved runs ($WARMUP warm-up round(s) not counted)"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); load average $load_before before the runs, $(cut -d' ' -f1-3 /proc/loadavg) after; JVM_OPTS='$JVM_OPTS'"
    echo "JDK 17: $("$JDK17/bin/java" -version 2>&1 | sed -n 2p)"
    echo "JDK 25: $("$JDK25/bin/java" -version 2>&1 | sed -n 2p)"
    if [ -n "$NATIVE" ]; then echo "native: $NATIVE ($(du -m "$NATIVE" | cut -f1) MiB)"; fi
    echo "clusterfn: ${APP_JAR:-commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes')}; first answer: GET $app_path; store: PostgreSQL 17 on this machine"
    echo
    printf '%-46s %10s %13s %12s %8s %9s\n' "variant" "first (ms)" "first min-max" "started (ms)" "CPU (ms)" "RSS (MiB)"
    for v in "${names[@]}"; do
        printf '%-46s %10.0f %13s %12.0f %8.0f %9.0f\n' "${label[$v]}" "${t[$v]}" "${lo[$v]}-${hi[$v]}" "${s[$v]}" \
            "${u[$v]}" "$(awk -v k="${m[$v]}" 'BEGIN {print k / 1024}')"
    done
    echo
    ratios time t
    ratios CPU u
    ratios memory m
    echo "(c) starts $(below "${t[c]}" "${t[b]}") faster than (b) (CPU: $(below "${u[c]}" "${u[b]}") less)"
    if [ -n "$load_line" ]; then echo "$load_line"; fi
    echo "targets: time (b)/(a) <= 1.30; (c) at least 40% below (b)"
    if [[ " ${names[*]} " == *" s "* ]]; then
        echo "(s) is the floor of the store layer the spec prescribes (Hibernate Reactive Panache, one entity,"
        echo "one read): (s)/(a) is what that layer costs by itself, (b)/(s) what clusterfn adds over it."
    fi
    echo
    echo "first = from launching the JVM to the first 2xx answer (polled every 10 ms); started = Quarkus'"
    echo "own 'started in' (JVM boot and first request excluded); CPU = user + system time of all the"
    echo "JVM's threads until the first answer (less sensitive than wall time to other load on the"
    echo "machine); RSS = VmRSS right after the first answer."
} | tee "$report"
echo "written to $report"
