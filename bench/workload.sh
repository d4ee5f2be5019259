#!/usr/bin/env bash
# A realistic run of the functions against a clusterfn at $1 (base URL): credits, a worker, a
# cluster, access checks, deploys, stakes, reads, an epoch. Tokens are minted with $CLUSTERFN_KEY.
# Used to train the JDK ahead-of-time cache.
set -euo pipefail
base=$1
rounds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
token() { java "$here/../bin/MintToken.java" "$@"; }
ADMIN=$(token bench-admin admin)
OP=$(token bench-op operator)
OWNER=$(token bench-owner)
SCHED=$(token bench-cron scheduler)
J='Content-Type: application/json'
hex() { printf '0x%s' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
post() { curl -sf -o /dev/null -X POST "$base/$1" -H "Authorization: Bearer $2" -H "$J" -d "$3" || true; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -1; }

for i in $(seq 1 "$rounds"); do
    post credit "$ADMIN" "{\"account\":\"bench-owner\",\"amount\":\"100000000000000\",\"transferId\":\"w-$RANDOM-$i-$(date +%s%N)\"}"
    W=$(hex)
    post registerWorker "$OP" "{\"workerId\":\"$W\",\"endpoint\":\"https://w.example\",\"capacity\":4,\"rentPerEpoch\":\"1000\",\"attributes\":{}}"
    C=$(curl -sf -X POST "$base/formCluster" -H "Authorization: Bearer $OWNER" -H "$J" \
        -d "{\"name\":\"b$i\",\"workers\":[\"$W\"],\"prepaidEpochs\":10,\"permission\":{\"rule\":\"EXPRESSION\",\"expression\":\"account.startsWith(\\\"bench\\\")\"},\"quota\":{\"maxContracts\":50},\"pricing\":{\"deployFee\":\"10\",\"depositPerByte\":\"1\"}}" | field id)
    post heartbeat "$OP" "{\"workerId\":\"$W\"}"
    curl -sf -o /dev/null -X POST "$base/access" -H "$J" -d "{\"clusterId\":\"$C\",\"account\":\"bench-owner\",\"codeSize\":100}" || true
    K=$(curl -sf -X POST "$base/deploy" -H "Authorization: Bearer $OWNER" -H "$J" \
        -d "{\"clusterId\":\"$C\",\"codeHash\":\"$(hex)\",\"codeSize\":100}" | field id)
    post stake "$OWNER" "{\"contractId\":\"$K\",\"amount\":\"1000000000000\"}"
    curl -sf -o /dev/null "$base/cluster?id=$C" || true
    curl -sf -o /dev/null "$base/contract?id=$K" || true
    curl -sf -o /dev/null "$base/clusters?limit=10" || true
    curl -sf -o /dev/null "$base/balance?account=bench-owner" -H "Authorization: Bearer $OWNER" || true
    post fundCluster "$OWNER" "{\"clusterId\":\"$C\",\"amount\":\"1000\"}"
    post undeploy "$OWNER" "{\"contractId\":\"$K\"}"
    post credit "$OWNER" '{"account":"x","amount":"1","transferId":"refused"}'
    post epoch "$SCHED" '{}'
done
