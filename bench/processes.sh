# Shared by the benchmarks (sourced): starting, waiting for and stopping the processes they run.

stop() { # PID [seconds] [signal]: the signal (TERM), then SIGKILL after the grace period
    local pid=$1 grace=${2:-20} sig=${3:-TERM} i
    kill -"$sig" "$pid" 2>/dev/null || return 0
    for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A TCP port that no socket on this machine uses.
free_port() {
    local p hex
    while :; do
        p=$((20000 + RANDOM % 30000))
        hex=$(printf ':%04X' "$p")
        awk -v h="$hex" 'NR > 1 && substr($2, length($2) - 4) == h {found = 1} END {exit found ? 0 : 1}' \
            /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$p"; return; }
    done
}

# Waits until http://127.0.0.1:PORT/PATH answers 2xx, polling every 10 ms while PID lives.
wait_answer() { # PID PORT PATH TIMEOUT_S LOG
    local pid=$1 port=$2 path=$3 deadline=$(($(date +%s) + $4)) log=$5
    until curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$port$path"; do
        if ! kill -0 "$pid" 2>/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
            echo "no answer on $path from the process logging to $log:" >&2
            tail -30 "$log" >&2
            return 1
        fi
        sleep 0.01
    done
}
