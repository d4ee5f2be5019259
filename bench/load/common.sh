# Shared by bench/load.sh and bench/settle.sh (sourced, from the repository's root, after `work`
# is set): the tools, the one PostgreSQL server (bench/pg), the schema migration, clusterfn started
# as the manifests start it, and the stopping of every process started here.

JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
java17="$JDK17/bin/java"
mvn=(env JAVA_HOME="$JDK17" "$PWD/mvnw" -q -B)
[ -x "$java17" ] || { echo "no JDK at $JDK17 (set JDK17)" >&2; exit 1; }

# wrk and the PostgreSQL client tools (psql, pgbench) come from Debian's packages; the server is
# always the one from Maven (bench/pg), whatever else is installed.
need_tools() { # TOOL...
    local missing=() tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null && continue
        if [ "$tool" = pgbench ] || [ "$tool" = psql ]; then
            local found
            found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
            if [ -n "$found" ] && [ -x "$found/$tool" ]; then PATH="$PATH:$found"; continue; fi
        fi
        missing+=("$tool")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local packages=()
    for tool in "${missing[@]}"; do
        case $tool in
            wrk) packages+=(wrk) ;;
            psql | pgbench) packages+=(postgresql-client) ;;
            *) echo "this benchmark needs $tool" >&2; exit 1 ;;
        esac
    done
    if [ "$(id -u)" -ne 0 ]; then echo "install ${packages[*]} (apt-get) first" >&2; exit 1; fi
    echo "installing ${packages[*]}..."
    apt-get install -y -qq "${packages[@]}" >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y -qq "${packages[@]}" >/dev/null; }
    for tool in "${missing[@]}"; do
        command -v "$tool" >/dev/null && continue
        PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    done
}

# --- processes: every one started here is stopped on exit ------------------------------------------
source bench/processes.sh
pids=()
cleanup() {
    local i
    # the latest first: the applications, then the store
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop "${pids[$i]}" 20; done
    # should the launcher have died without stopping its server, stop the server itself
    local pm="$work/pgdata/postmaster.pid"
    if [ -f "$pm" ]; then kill -TERM "$(head -1 "$pm")" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the JVM as the manifests run it ------------------------------------------------------------
# deploy/functions/api-service.yaml runs the JVM image (src/main/docker/Dockerfile.jvm), whose
# run-java.sh derives the heap from the container's memory limit (JAVA_MAX_MEM_RATIO, default 50%
# of it) and adds its GC defaults. Outside a container -XX:MaxRAM stands for that limit, so the
# heap and every other memory ergonomic come out as in the container.
manifest=deploy/functions/api-service.yaml
mem_limit=$(awk '/limits:/ {l = 1} l && /memory:/ {print $2; exit}' "$manifest")
case $mem_limit in
    *Mi) max_ram="${mem_limit%Mi}m" ;;
    *Gi) max_ram="${mem_limit%Gi}g" ;;
    *) echo "cannot read the container's memory limit from $manifest ('$mem_limit')" >&2; exit 1 ;;
esac
env_of() { # NAME: the value of a container env entry of the manifest
    awk -v n="$1" '$0 ~ "name: " n "$" {getline; sub(/.*value: */, ""); gsub(/"/, ""); print; exit}' "$manifest"
}
pool_size=$(env_of QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE)
pool_size=${pool_size:-20}
mem_ratio=$(env_of JAVA_MAX_MEM_RATIO)
mem_ratio=${mem_ratio:-50}
JVM_FLAGS="-XX:MaxRAM=$max_ram -XX:MaxRAMPercentage=$mem_ratio.0 -XX:+UseParallelGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:GCTimeRatio=4 -XX:AdaptiveSizePolicyWeight=90 -XX:+ExitOnOutOfMemoryError $(env_of JAVA_OPTS_APPEND) ${JVM_OPTS:-}"
heap_mib=$("$java17" $JVM_FLAGS -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" {printf "%d", $4 / 1048576}')

# --- the store --------------------------------------------------------------------------------
pg_port=''
start_pg() { # [SETTING=VALUE...]
    echo "resolving the PostgreSQL server (bench/pg)..."
    "${mvn[@]}" -f bench/pg/pom.xml dependency:build-classpath -Dmdep.outputFile="$PWD/$work/pg-cp.txt" >/dev/null
    echo "starting PostgreSQL..."
    pg_port=$(free_port)
    "$java17" -cp "$(cat "$work/pg-cp.txt")" bench/pg/StartPostgres.java "$work/pgdata" "$pg_port" "$@" \
        >"$work/logs/postgres.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 600); do grep -q '^ready' "$work/logs/postgres.log" && break; kill -0 "${pids[-1]}" || break; sleep 0.1; done
    grep -q '^ready' "$work/logs/postgres.log" || { tail -30 "$work/logs/postgres.log"; exit 1; }
    export PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=postgres PGPASSWORD=postgres
}
sql() { # [DB] QUERY: the rows, unaligned
    if [ $# -eq 2 ]; then psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; else psql -X -q -At -v ON_ERROR_STOP=1 -d postgres -c "$1"; fi
}

# --- clusterfn ------------------------------------------------------------------------------------
app=target/quarkus-app/quarkus-run.jar
issuer=https://bench.clusterfn.invalid
setup_clusterfn() { # keys, the deployed configuration, and the migration (as the clusterfn-migrate job)
    mkdir -p "$work/jwt"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/jwt/private.pem" 2>/dev/null
    openssl pkey -in "$work/jwt/private.pem" -pubout -out "$work/jwt/public.pem"
    key="$PWD/$work/jwt/private.pem"
    export MP_JWT_VERIFY_PUBLICKEY_LOCATION="$PWD/$work/jwt/public.pem" MP_JWT_VERIFY_ISSUER=$issuer
    export QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$pg_port/postgres"
    export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres
    export CLUSTERFN_EMBEDDED_ENABLED=false
    echo "migrating the schema (QUARKUS_FLYWAY_MIGRATE_AT_START=true, QUARKUS_INIT_AND_EXIT=true)..."
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$pg_port/postgres" \
        QUARKUS_FLYWAY_MIGRATE_AT_START=true QUARKUS_INIT_AND_EXIT=true QUARKUS_HTTP_PORT=$(free_port) \
        "$java17" -jar "$app" >"$work/logs/migrate.log" 2>&1 || { tail -30 "$work/logs/migrate.log"; exit 1; }
    export QUARKUS_FLYWAY_MIGRATE_AT_START=false
}
app_pid='' app_port=''
start_clusterfn() {
    app_port=$(free_port)
    echo "starting clusterfn ($JVM_FLAGS; heap at most $heap_mib MiB; $pool_size store connections)..."
    # shellcheck disable=SC2086
    QUARKUS_HTTP_PORT=$app_port QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE=$pool_size \
        "$java17" $JVM_FLAGS -jar "$app" >"$work/logs/clusterfn.log" 2>&1 &
    app_pid=$!
    pids+=("$app_pid")
    wait_answer "$app_pid" "$app_port" /clusters 120 "$work/logs/clusterfn.log"
}
status_of() { # PID FIELD: a /proc status field in MiB
    awk -v f="$2:" '$1 == f {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo '?'
}
