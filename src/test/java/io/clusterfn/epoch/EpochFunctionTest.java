package io.clusterfn.epoch;

import io.clusterfn.support.Api;
import io.clusterfn.support.FreshDatabase;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.LedgerCheck;
import io.clusterfn.support.Race;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settlement with one-second epochs on a store of its own. Assertions use the epoch numbers the
 * service answers with, never how long anything took.
 */
@QuarkusTest
@TestProfile(ShortEpochs.class)
class EpochFunctionTest {
    private static final Instant GENESIS = Instant.parse("2026-01-01T00:00:00Z");
    private static final Api SCHEDULER = Api.as("cron", "scheduler");

    /** The current epoch, by the same rule as the service (same machine, same clock). */
    private static long currentEpoch() {
        return Duration.between(GENESIS, Instant.now()).toMillis() / 1000;
    }

    private static Instant inEpoch(long epoch) {
        return GENESIS.plusMillis(epoch * 1000 + 500);
    }

    private static void awaitEpoch(long epoch) {
        while (currentEpoch() < epoch) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Settles up to the target, call after call (each settles at most max-per-call = 3), answering every epoch settled. */
    private static List<Long> settleUpTo(long target) {
        List<Long> settled = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Response answer = SCHEDULER.request().body(Map.of("epoch", target)).post("/epoch");
            assertEquals(200, answer.statusCode(), answer.asString());
            List<Number> epochs = answer.path("settledEpochs");
            assertTrue(epochs.size() <= 3, "at most max-per-call epochs per call");
            epochs.forEach(e -> settled.add(e.longValue()));
            Number last = answer.path("lastSettled");
            if (last != null && last.longValue() >= target) {
                return settled;
            }
        }
        throw new AssertionError("settlement did not reach " + target);
    }

    private static long lastSettled() {
        long now = currentEpoch();
        List<Long> settled = settleUpTo(now);
        return settled.isEmpty() ? now : settled.get(settled.size() - 1);
    }

    private static void assertConsecutive(List<Long> epochs) {
        for (int i = 1; i < epochs.size(); i++) {
            assertEquals(epochs.get(i - 1) + 1, epochs.get(i), "epochs settle once each, in order: " + epochs);
        }
    }

    @Test
    void theSameEventThreeTimesSettlesOnceAndGapsAreCaughtUpInOrder() {
        long last = lastSettled();
        awaitEpoch(last + 1);
        Map<String, Object> event = Map.of("specversion", "1.0", "id", "tick-" + last, "source", "/ping",
                "type", "dev.clusterfn.tick", "time", inEpoch(last + 1).toString(), "data", Map.of());
        for (int delivery = 0; delivery < 3; delivery++) {
            Response answer = SCHEDULER.request().contentType("application/cloudevents+json").body(event).post("/epoch");
            assertEquals(200, answer.statusCode(), answer.asString());
            assertEquals(delivery == 0 ? List.of((int) (last + 1)) : List.of(), answer.path("settledEpochs"));
            assertEquals((int) (last + 1), (int) answer.path("lastSettled"));
        }

        awaitEpoch(last + 8);
        List<Long> caughtUp = settleUpTo(last + 8);
        assertEquals(7, caughtUp.size(), "every missing epoch is settled: " + caughtUp);
        assertEquals(last + 2, caughtUp.get(0));
        assertConsecutive(caughtUp);
        // Behind the last settled epoch: nothing to do.
        SCHEDULER.post("epoch", Map.of("epoch", last)).statusCode(200).body("settledEpochs", empty());
        // Not begun yet: refused.
        SCHEDULER.post("epoch", Map.of("epoch", currentEpoch() + 100)).statusCode(409).body("error", equalTo("CONFLICT"));
    }

    @Test
    void binaryStructuredAndPlainTriggersAllWork() {
        long last = lastSettled();
        awaitEpoch(last + 3);
        SCHEDULER.request().header("ce-specversion", "1.0").header("ce-id", "b-" + last).header("ce-source", "/cron")
                .header("ce-type", "dev.clusterfn.tick").header("ce-time", inEpoch(last + 1).toString())
                .body("{}").post("/epoch").then().statusCode(200)
                .body("settledEpochs", equalTo(List.of((int) (last + 1))));
        SCHEDULER.request().contentType("application/cloudevents+json")
                .body(Map.of("specversion", "1.0", "id", "s-" + last, "source", "/cron", "type", "dev.clusterfn.tick",
                        "time", inEpoch(last + 2).toString(), "data", Map.of()))
                .post("/epoch").then().statusCode(200).body("settledEpochs", equalTo(List.of((int) (last + 2))));
        SCHEDULER.post("epoch", Map.of()).statusCode(200).body("settledEpochs[0]", equalTo((int) (last + 3)));
    }

    @Test
    void onlySchedulersSettle() {
        Api.as("someone").post("epoch", Map.of()).statusCode(403).body("error", equalTo("ROLE_REQUIRED"))
                .body("details.role", equalTo("scheduler"));
        Api.anonymous().post("epoch", Map.of()).statusCode(401).body("error", equalTo("UNAUTHENTICATED"));
        SCHEDULER.post("epoch", Map.of("epoch", -1)).statusCode(400).body("details.field", equalTo("epoch"));
    }

    @Test
    void schedulersCallingAtTheSameMomentSettleEachEpochOnce() {
        String operator = Fixtures.account("op");
        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "1000000");
        Fixtures.cluster(owner, List.of(Fixtures.worker(operator, "10")), 1000, Map.of());
        long last = lastSettled();
        awaitEpoch(last + 3);
        List<Supplier<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(() -> SCHEDULER.request().body(Map.of("epoch", last + 3)).post("/epoch"));
        }
        List<Long> settled = new ArrayList<>();
        for (Response answer : Race.run(calls)) {
            assertEquals(200, answer.statusCode(), answer.asString());
            List<Number> epochs = answer.path("settledEpochs");
            epochs.forEach(e -> settled.add(e.longValue()));
        }
        settled.sort(Long::compare);
        assertEquals(new HashSet<>(settled).size(), settled.size(), "no epoch settled twice: " + settled);
        assertEquals(List.of(last + 1, last + 2, last + 3), settled);
        assertEquals(0, LedgerCheck.scalar(FreshDatabase.jdbcUrl(), """
                SELECT count(*) FROM (SELECT to_account, epoch FROM ledger_transfer WHERE reason = 'rent'
                GROUP BY from_account, to_account, epoch HAVING count(*) > 1) twice
                """).intValue(), "no rent paid twice for one epoch");
    }

    @Test
    void aSilentWorkerGoesOfflineAndIsNotPaid() {
        String talker = Fixtures.account("talker");
        String silent = Fixtures.account("silent");
        String talking = Fixtures.worker(talker, "10");
        String quiet = Fixtures.worker(silent, "10");
        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "1000000");
        long before = lastSettled();
        String cluster = Fixtures.cluster(owner, List.of(talking, quiet), 1000, Map.of());
        long joined = Api.anonymous().get("cluster", Map.of("id", cluster)).statusCode(200)
                .extract().<Number>path("workers[0].lastHeartbeatEpoch").longValue();

        long end = joined + 6;
        while (currentEpoch() < end) {
            Api.as(talker).post("heartbeat", Map.of("workerId", talking)).statusCode(200);
            awaitEpoch(Math.min(currentEpoch() + 1, end));
        }
        Api.as(talker).post("heartbeat", Map.of("workerId", talking)).statusCode(200);
        settleUpTo(end);

        // Epochs before + 1 .. end were settled with the cluster in them. The silent worker's last
        // heartbeat was its joining, so it was online through joined + 3 and offline after.
        long talkerEpochs = end - before;
        long silentEpochs = joined + 3 - before;
        Api.as(talker).get("balance", Map.of()).statusCode(200).body("free", equalTo(String.valueOf(10 * talkerEpochs)));
        Api.as(silent).get("balance", Map.of()).statusCode(200).body("free", equalTo(String.valueOf(10 * silentEpochs)));
        Api.anonymous().get("cluster", Map.of("id", cluster)).statusCode(200)
                .body("workers.find { it.id == '" + quiet + "' }.status", equalTo("OFFLINE"))
                .body("workers.find { it.id == '" + talking + "' }.status", equalTo("ASSIGNED"));

        // A heartbeat brings it back.
        Api.as(silent).post("heartbeat", Map.of("workerId", quiet)).statusCode(200).body("clusterId", equalTo(cluster));
        Api.anonymous().get("cluster", Map.of("id", cluster)).statusCode(200)
                .body("workers.find { it.id == '" + quiet + "' }.status", equalTo("ASSIGNED"));
    }

    @Test
    void anEscrowThatRunsOutSuspendsTheClusterUntilFunded() {
        String operator = Fixtures.account("op");
        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "100");
        long before = lastSettled();
        String cluster = Fixtures.cluster(owner, List.of(Fixtures.worker(operator, "10")), 2,
                Map.of("permission", Map.of("rule", "PUBLIC")));
        awaitEpoch(before + 3);
        settleUpTo(before + 3);

        Api.anonymous().get("cluster", Map.of("id", cluster)).statusCode(200)
                .body("status", equalTo("SUSPENDED")).body("escrow", equalTo("0"));
        Api.as(operator).get("balance", Map.of()).statusCode(200).body("free", equalTo("20"));
        String dev = Fixtures.account("dev");
        Api.as(dev).post("deploy", Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", 1))
                .statusCode(409).body("error", equalTo("CLUSTER_SUSPENDED"));
        Api.anonymous().post("access", Map.of("clusterId", cluster, "account", dev, "codeSize", 1)).statusCode(200)
                .body("allowed", equalTo(false)).body("checks[0].passed", equalTo(false));

        Api.as(owner).post("fundCluster", Map.of("clusterId", cluster, "amount", "9")).statusCode(200)
                .body("status", equalTo("SUSPENDED"));
        Api.as(owner).post("fundCluster", Map.of("clusterId", cluster, "amount", "1")).statusCode(200)
                .body("status", equalTo("ACTIVE"));
        Api.as(dev).post("deploy", Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", 1))
                .statusCode(200);
    }

    @AfterAll
    static void ledgerInvariantHolds() {
        LedgerCheck.assertInvariant(FreshDatabase.jdbcUrl());
    }
}
