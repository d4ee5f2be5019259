package io.clusterfn.support;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Builds the world a test needs through the public functions, with names no other test uses. */
public final class Fixtures {
    public static final String PHA = "000000000000";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SEQ = new AtomicLong();

    private Fixtures() {
    }

    public static String account(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + SEQ.incrementAndGet();
    }

    public static String hex64() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    /** Credits an account from the bridge. */
    public static void fund(String account, String amount) {
        Api.as("bridge-admin", "admin").post("credit",
                Map.of("account", account, "amount", amount, "transferId", UUID.randomUUID().toString()))
                .statusCode(200);
    }

    /** Registers a worker for an operator and answers its id. */
    public static String worker(String operator, String rentPerEpoch) {
        String id = hex64();
        Api.as(operator, "operator").post("registerWorker", Map.of("workerId", id, "endpoint", "https://w.example/" + id,
                "capacity", 8, "rentPerEpoch", rentPerEpoch, "attributes", Map.of("tee", "sgx")))
                .statusCode(200);
        return id;
    }

    /** Forms a cluster over the given workers (the owner must afford the rent) and answers its id. */
    public static String cluster(String owner, List<String> workers, long prepaidEpochs, Map<String, ?> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "c-" + owner, "workers", workers,
                "prepaidEpochs", prepaidEpochs));
        body.putAll(extra);
        return Api.as(owner).post("formCluster", body).statusCode(200).extract().path("id");
    }

    /** An owner with funds and a one-worker cluster of the given rules; answers the cluster id. */
    public static String clusterWith(String owner, Map<String, ?> rules) {
        fund(owner, "1000" + PHA);
        String operator = account("op");
        return cluster(owner, List.of(worker(operator, "1" + PHA)), 10, rules);
    }
}
