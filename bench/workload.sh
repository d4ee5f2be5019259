#!/usr/bin/env bash
# A realistic run of the functions against a clusterfn at $1 (base URL), $2 rounds (default 20):
# credits, a worker, a cluster, heartbeats, access checks, deploys, stakes, reads, an epoch, and
# a refused call. Tokens are minted by bin/clusterfn token with the key in $CLUSTERFN_KEY (else the
# embedded default's key in ./.clusterfn).
# Used to train the JDK ahead-of-time cache. Prints, per function, how many calls were answered
# with each HTTP status, and the share of 2xx answers on its last line ("ok N of M").
set -euo pipefail
base=$1
rounds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
token() { "$here/../bin/clusterfn" token ${CLUSTERFN_KEY:+--key "$CLUSTERFN_KEY"} "$@"; }
ADMIN=$(token bench-admin admin)
OP=$(token bench-op operator)
OWNER=$(token bench-owner)
SCHED=$(token bench-cron scheduler)
J='Content-Type: application/json'
log=$(mktemp)
body=$(mktemp)
trap 'rm -f "$log" "$body"' EXIT

hex() { printf '0x%s' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
# call NAME [curl arguments...]: the answer's body is left in $body, its status noted in $log.
call() {
    local name=$1; shift
    local code
    code=$(curl -s -o "$body" -w '%{http_code}' --max-time 10 "$@") || code=000
    echo "$name $code" >>"$log"
}
post() { call "$1" -X POST "$base/$1" -H "Authorization: Bearer $2" -H "$J" -d "$3"; }
field() { { grep -o "\"$1\":\"[^\"]*\"" "$body" || true; } | head -1 | cut -d'"' -f4; }   # the first one

for i in $(seq 1 "$rounds"); do
    post credit "$ADMIN" "{\"account\":\"bench-owner\",\"amount\":\"100000000000000\",\"transferId\":\"w-$$-$i-$(date +%s%N)\"}"
    W=$(hex)
    post registerWorker "$OP" "{\"workerId\":\"$W\",\"endpoint\":\"https://w.example\",\"capacity\":4,\"rentPerEpoch\":\"1000\",\"attributes\":{\"tee\":\"sgx\"}}"
    post formCluster "$OWNER" "{\"name\":\"b$i\",\"workers\":[\"$W\"],\"prepaidEpochs\":10,\"permission\":{\"rule\":\"EXPRESSION\",\"expression\":\"codeSize < 100000 && account.startsWith(\\\"bench\\\")\"},\"quota\":{\"maxContracts\":50,\"maxContractsPerDeployer\":20},\"pricing\":{\"deployFee\":\"10\",\"depositPerByte\":\"1\"}}"
    C=$(field id)
    post heartbeat "$OP" "{\"workerId\":\"$W\"}"
    call access -X POST "$base/access" -H "$J" -d "{\"clusterId\":\"$C\",\"account\":\"bench-owner\",\"codeSize\":100}"
    call access-get "$base/access?clusterId=$C&account=bench-owner&codeSize=100"
    post deploy "$OWNER" "{\"clusterId\":\"$C\",\"codeHash\":\"$(hex)\",\"codeSize\":100,\"salt\":\"s$i\"}"
    K=$(field id)
    post stake "$OWNER" "{\"contractId\":\"$K\",\"amount\":\"1000000000000\"}"
    call cluster "$base/cluster?id=$C"
    call contract "$base/contract?id=$K"
    call clusters "$base/clusters"
    call clusters-owner "$base/clusters?owner=bench-owner&limit=10"
    call balance "$base/balance?account=bench-owner" -H "Authorization: Bearer $OWNER"
    post fundCluster "$OWNER" "{\"clusterId\":\"$C\",\"amount\":\"1000\"}"
    post configureCluster "$OWNER" "{\"clusterId\":\"$C\",\"permission\":{\"rule\":\"PUBLIC\"}}"
    post undeploy "$OWNER" "{\"contractId\":\"$K\"}"
    post credit "$OWNER" '{"account":"x","amount":"1","transferId":"refused"}'   # refused: not an admin
    call cluster-missing "$base/cluster?id=0x$(printf '0%.0s' {1..64})"        # 404
    post epoch "$SCHED" '{}'
done
call health "$base/q/health/ready"
call metrics "$base/q/metrics"

sort "$log" | uniq -c | awk '{printf "  %-18s %s x%d\n", $2, $3, $1}'
awk '{n++} $2 ~ /^2/ {ok++} END {printf "ok %d of %d\n", ok, n}' "$log"
