#!/usr/bin/env bash
# Startup benchmark: time from launch to the first successful answer, and resident memory right
# after it, for
#   (a) a bare Funqy application with one trivial function (the framework's floor), JDK 17
#   (b) clusterfn as a fast-jar, JDK 17
#   (c) clusterfn on JDK 25 with an ahead-of-time cache trained on a realistic run
# all against the same PostgreSQL, RUNS times each, interleaved so machine noise hits all alike.
# Reports medians and the ratios (b)/(a), (c)/(a), (c)/(b). Not a test: a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
JVM_OPTS=${JVM_OPTS:-}
work=target/bench
rm -rf "$work" && mkdir -p "$work/jwt" bench/results

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { "$JDK17/bin/java" bench/FreePort.java; }

echo "building clusterfn, the floor application and the benchmark classpath..."
./mvnw -q -B package -DskipTests
./mvnw -q -B -f bench/floor/pom.xml package -DskipTests
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
app=target/quarkus-app/quarkus-run.jar
floor=bench/floor/target/quarkus-app/quarkus-run.jar

echo "starting PostgreSQL..."
pg_port=$(free_port)
"$JDK17/bin/java" -cp "$(cat "$work/cp.txt")" bench/StartPostgres.java "$work/pgdata" "$pg_port" >"$work/pg.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do grep -q '^ready' "$work/pg.log" && break; sleep 0.1; done
grep -q '^ready' "$work/pg.log" || { cat "$work/pg.log"; exit 1; }

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/jwt/private.pem" 2>/dev/null
openssl pkey -in "$work/jwt/private.pem" -pubout -out "$work/jwt/public.pem"
export CLUSTERFN_KEY="$work/jwt/private.pem"
export QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://localhost:$pg_port/postgres"
export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres
export MP_JWT_VERIFY_PUBLICKEY_LOCATION="$PWD/$work/jwt/public.pem"
export CLUSTERFN_EMBEDDED_ENABLED=false

echo "migrating (as the deployment's migration job does)..."
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:$pg_port/postgres" QUARKUS_FLYWAY_MIGRATE_AT_START=true \
    QUARKUS_INIT_AND_EXIT=true "$JDK17/bin/java" -jar "$app" >"$work/migrate.log" 2>&1
# Functions serve as deployed: no migration at start, no JDBC datasource.
export QUARKUS_FLYWAY_MIGRATE_AT_START=false

# Starts a JVM and answers "milliseconds-to-first-answer resident-kB" once PATH answers 200.
measure() {
    local java=$1 jar=$2 path=$3; shift 3
    local port; port=$(free_port)
    local start; start=$(date +%s%N)
    QUARKUS_HTTP_PORT=$port "$java" "$@" $JVM_OPTS -jar "$jar" >"$work/run.log" 2>&1 &
    local pid=$!
    local deadline=$(( $(date +%s) + 120 ))
    until curl -sf -o /dev/null "http://localhost:$port$path"; do
        if ! kill -0 "$pid" 2>/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
            echo "no answer from $jar:" >&2; tail -20 "$work/run.log" >&2; kill "$pid" 2>/dev/null; exit 1
        fi
        sleep 0.01
    done
    local end; end=$(date +%s%N)
    local rss; rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$(( (end - start) / 1000000 )) $rss"
}

echo "training the JDK 25 ahead-of-time cache on a realistic run of the functions..."
port=$(free_port)
QUARKUS_HTTP_PORT=$port "$JDK25/bin/java" -XX:AOTCacheOutput="$work/clusterfn.aot" -jar "$app" >"$work/train.log" 2>&1 &
train=$!
until curl -sf -o /dev/null "http://localhost:$port/q/health/ready"; do
    kill -0 "$train" 2>/dev/null || { tail -30 "$work/train.log"; exit 1; }
    sleep 0.1
done
bench/workload.sh "http://localhost:$port" 20 || { echo "the training workload failed"; exit 1; }
kill -TERM "$train"; wait "$train" || true
[ -s "$work/clusterfn.aot" ] || { echo "no AOT cache written"; tail -20 "$work/train.log"; exit 1; }

echo "measuring, $RUNS runs each..."
: >"$work/a.txt"; : >"$work/b.txt"; : >"$work/c.txt"
for i in $(seq 1 "$RUNS"); do
    measure "$JDK17/bin/java" "$floor" /hello >>"$work/a.txt"
    measure "$JDK17/bin/java" "$app" /clusters >>"$work/b.txt"
    measure "$JDK25/bin/java" "$app" /clusters -XX:AOTCache="$work/clusterfn.aot" >>"$work/c.txt"
    echo "  run $i: a $(tail -1 "$work/a.txt")  b $(tail -1 "$work/b.txt")  c $(tail -1 "$work/c.txt")  (ms kB)"
done

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
at=$(cut -d' ' -f1 "$work/a.txt" | median); am=$(cut -d' ' -f2 "$work/a.txt" | median)
bt=$(cut -d' ' -f1 "$work/b.txt" | median); bm=$(cut -d' ' -f2 "$work/b.txt" | median)
ct=$(cut -d' ' -f1 "$work/c.txt" | median); cm=$(cut -d' ' -f2 "$work/c.txt" | median)
ratio() { awk -v x="$1" -v y="$2" 'BEGIN {printf "%.2f", x / y}'; }

report="bench/results/startup-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "clusterfn startup benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $RUNS runs each, medians"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); JVM_OPTS='$JVM_OPTS'"
    echo
    printf '%-52s %10s %12s\n' "variant" "first (ms)" "RSS (MiB)"
    printf '%-52s %10s %12.0f\n' "(a) bare Funqy, one function, JDK 17" "$at" "$(awk -v k="$am" 'BEGIN {print k/1024}')"
    printf '%-52s %10s %12.0f\n' "(b) clusterfn fast-jar, JDK 17" "$bt" "$(awk -v k="$bm" 'BEGIN {print k/1024}')"
    printf '%-52s %10s %12.0f\n' "(c) clusterfn, JDK 25 + AOT cache" "$ct" "$(awk -v k="$cm" 'BEGIN {print k/1024}')"
    echo
    echo "time   (b)/(a) = $(ratio "$bt" "$at")   (c)/(a) = $(ratio "$ct" "$at")   (c)/(b) = $(ratio "$ct" "$bt")"
    echo "memory (b)/(a) = $(ratio "$bm" "$am")   (c)/(a) = $(ratio "$cm" "$am")   (c)/(b) = $(ratio "$cm" "$bm")"
} | tee "$report"
echo "written to $report"
