package io.clusterfn.epoch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.LedgerCheck;
import io.clusterfn.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static io.clusterfn.epoch.ShortEpochs.MAX_PER_CALL;
import static io.clusterfn.epoch.ShortEpochs.OFFLINE_AFTER;
import static io.clusterfn.support.Fixtures.PHA;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Epoch settlement with two-second epochs on a database of its own. Settlement is global to a
 * store, so every test reasons only with the epoch numbers the service answers (heartbeats tell
 * the current epoch, settlements what they settled) and never with wall-clock timing. Not a
 * {@code FunctionTest}: the store it checks at the end is its own, not the shared one.
 */
@QuarkusTest
@TestProfile(ShortEpochs.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EpochFunctionTest {
    private static final Api SCHEDULER = Api.as("ping-source", "scheduler");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String db;
    private static Worker clock;

    /** A registered worker, its operator (an account used for nothing else) and its rent. */
    record Worker(String id, String operator, BigInteger rent) {
    }

    /** One answer of the epoch function. */
    record Settlement(List<Long> epochs, Long lastSettled, int clustersPaid, int clustersSuspended,
            int workersOffline) {
    }

    @BeforeAll
    static void theServiceRunsOnADatabaseOfItsOwn() {
        db = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        assertTrue(db.contains("/epochs_"), "the epoch tests use a fresh database, not " + db);
        assertTrue(ConfigProvider.getConfig().getValue("quarkus.datasource.reactive.url", String.class)
                .endsWith(db.substring(db.lastIndexOf('/'))), "the service's queries go to the same fresh database");
    }

    @AfterEach
    void theLedgerBalancesAndEveryOperatorWasPaidOncePerEpochOnline() {
        LedgerCheck.assertInvariant(db);
        assertEquals(0, count("""
                SELECT count(*) FROM (SELECT to_account, reference, epoch FROM ledger_transfer
                WHERE reason = 'rent' GROUP BY 1, 2, 3 HAVING count(*) > 1) repeated
                """), "no worker is paid twice for one epoch");
        assertEquals(0, count("""
                SELECT count(*) FROM ledger_transfer t, epoch_state e
                WHERE t.reason = 'rent' AND (e.last_settled IS NULL OR t.epoch IS NULL OR t.epoch > e.last_settled
                  OR t.from_account <> ('escrow/' || t.reference))
                """), "rent comes from the cluster's escrow, for settled epochs only");
        assertEquals(0, count("SELECT count(*) FROM ledger_transfer t JOIN worker w ON w.operator = t.to_account"
                + " WHERE t.reason = 'rent' AND (t.reference <> w.cluster_id OR t.epoch > w.last_heartbeat_epoch + "
                + OFFLINE_AFTER + " OR t.epoch < w.joined_epoch)"),
                "rent goes only to the cluster's workers, for epochs they were in it and online");
        assertEquals(0, count("SELECT count(*) FROM ledger_transfer t JOIN cluster c ON c.id = t.reference"
                + " WHERE t.reason = 'rent' AND t.epoch < floor(extract(epoch FROM c.created_at - timestamptz '"
                + ShortEpochs.GENESIS + "') * 1000 / " + ShortEpochs.LENGTH.toMillis() + ")"),
                "no cluster pays for epochs before it was formed");
        assertEquals(0, count("SELECT count(*) FROM worker_heartbeat h, epoch_state e WHERE h.epoch < e.last_settled + 1 - "
                + OFFLINE_AFTER), "settlement forgets the heartbeats no later settlement needs");
        assertEquals(0, count("""
                SELECT count(*) FROM worker w JOIN ledger_account a ON a.id = w.operator
                WHERE a.balance <> w.rent_per_epoch
                  * (SELECT count(*) FROM ledger_transfer t WHERE t.to_account = w.operator AND t.reason = 'rent')
                """), "every operator holds exactly its rent times the epochs it was paid");
    }

    @AfterAll
    static void theLedgerInvariantHoldsOnTheEpochDatabase() {
        LedgerCheck.assertInvariant(db);
    }

    // --- plain JSON ---------------------------------------------------------------

    @Test
    @Order(1)
    void theFirstSettlementStartsWithTheEpochTheStoreWasCreatedInAndReachesTheClock() {
        assertNull(lastSettled(), "a new store has settled nothing");
        long created = ShortEpochs.epochOf(storeCreatedAt());
        long before = currentEpoch();
        List<Settlement> calls = new ArrayList<>();
        do {
            calls.add(settle(Map.of()));
        } while (!calls.get(calls.size() - 1).epochs().isEmpty() && calls.size() < 30);
        long after = currentEpoch();

        List<Long> settled = epochsOf(calls);
        assertEquals(created, settled.get(0), "the first epoch settled is the one the store was created in");
        assertInOrder(calls, created);
        long last = settled.get(settled.size() - 1);
        assertTrue(before <= last && last <= after, "without a target the clock's epoch is settled: " + last);
        Settlement nothingLeft = calls.get(calls.size() - 1);
        assertEquals(List.of(), nothingLeft.epochs());
        assertEquals(last, nothingLeft.lastSettled());
        assertEquals(last, lastSettled());
    }

    @Test
    void anExplicitEpochIsSettledUpToItAndNoFurther() {
        long last = catchUp();
        awaitEpoch(last + 2);
        Settlement s = settle(Map.of("epoch", last + 1));
        assertEquals(List.of(last + 1), s.epochs());
        assertEquals(last + 1, s.lastSettled());

        // Again, or behind what is settled: nothing changes.
        for (long target : new long[] {last + 1, last, last - 5}) {
            s = settle(Map.of("epoch", target));
            assertEquals(List.of(), s.epochs());
            assertEquals(last + 1, s.lastSettled());
        }
        assertEquals(last + 1, lastSettled());

        // Without a target the rest up to the clock follows.
        s = settle(Map.of());
        assertEquals(last + 2, s.epochs().get(0));
    }

    @Test
    void anEpochThatHasNotBegunIsAConflictAndMalformedEpochsAreInvalid() {
        long last = catchUp();
        SCHEDULER.post("epoch", Map.of("epoch", currentEpoch() + 1000)).statusCode(409)
                .body("error", equalTo("CONFLICT"));
        SCHEDULER.post("epoch", Map.of("epoch", -1)).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("epoch"));
        SCHEDULER.post("epoch", Map.of("epoch", String.valueOf(last))).statusCode(400)
                .body("details.field", equalTo("epoch"));
        SCHEDULER.post("epoch", Map.of("epoch", 2.5)).statusCode(400).body("details.field", equalTo("epoch"));
        assertEquals(last, lastSettled(), "a refused call settles nothing");
    }

    // --- CloudEvents ------------------------------------------------------------------

    @Test
    void aBinaryCloudEventSettlesUpToTheEpochOfItsTime() {
        long last = catchUp();
        awaitEpoch(last + 2);
        // The event is late: its time, not the clock, decides the target.
        Settlement s = settlement(binaryEvent(UUID.randomUUID().toString(), ShortEpochs.middleOf(last + 1), "{}")
                .statusCode(200));
        assertEquals(List.of(last + 1), s.epochs());
        assertEquals(last + 1, s.lastSettled());

        // An epoch in the data wins over the time.
        s = settlement(binaryEvent(UUID.randomUUID().toString(), Instant.now(), "{\"epoch\": " + (last + 2) + "}")
                .statusCode(200));
        assertEquals(List.of(last + 2), s.epochs());

        binaryEvent(UUID.randomUUID().toString(), ShortEpochs.middleOf(currentEpoch() + 1000), "{}").statusCode(409)
                .body("error", equalTo("CONFLICT"));
        // A binary-mode attribute is a header: the refusal names it.
        binaryEvent(UUID.randomUUID().toString(), null).header("ce-time", "yesterday").body("{}").post("/epoch").then()
                .statusCode(400).body("details.field", equalTo("ce-time"));
        binaryEvent(UUID.randomUUID().toString(), null).header("ce-time", "+300000000-01-01T00:00:00Z").body("{}").post("/epoch").then()
                .statusCode(400).body("details.field", equalTo("ce-time"));
        assertEquals(last + 2, lastSettled());
    }

    @Test
    void aStructuredCloudEventSettlesUpToItsTimeOrItsDataEpoch() {
        long last = catchUp();
        awaitEpoch(last + 2);
        Settlement s = settlement(structuredEvent(event(ShortEpochs.middleOf(last + 1), Map.of())).statusCode(200));
        assertEquals(List.of(last + 1), s.epochs());

        s = settlement(structuredEvent(event(Instant.now(), Map.of("epoch", last + 2))).statusCode(200));
        assertEquals(List.of(last + 2), s.epochs());

        structuredEvent(event(ShortEpochs.middleOf(currentEpoch() + 1000), Map.of())).statusCode(409)
                .body("error", equalTo("CONFLICT"));
        Map<String, Object> badTime = event(Instant.now(), Map.of());
        badTime.put("time", "yesterday");
        structuredEvent(badTime).statusCode(400).body("details.field", equalTo("time"));
        assertEquals(last + 2, lastSettled());

        // Neither time nor data: the clock decides.
        long before = currentEpoch();
        List<Settlement> calls = new ArrayList<>();
        do {
            calls.add(settlement(structuredEvent(event(null, null)).statusCode(200)));
        } while (!calls.get(calls.size() - 1).epochs().isEmpty() && calls.size() < 30);
        long after = currentEpoch();
        long settled = calls.get(calls.size() - 1).lastSettled();
        assertTrue(before <= settled && settled <= after, "settled up to the clock: " + calls);
        assertEquals(range(last + 3, settled), epochsOf(calls), "in order: " + calls);
    }

    @Test
    void theSameEventDeliveredThreeTimesSettlesOnce() {
        long last = catchUp();
        Worker worker = worker("2");
        String cluster = form(Fixtures.account("owner"), 100, worker);
        long joined = joinedEpoch(cluster);
        awaitEpoch(last + 2, worker);
        String id = UUID.randomUUID().toString();
        Instant time = ShortEpochs.middleOf(last + 1);

        Settlement first = settlement(binaryEvent(id, time, "{}").statusCode(200));
        assertEquals(List.of(last + 1), first.epochs());
        for (int delivery = 2; delivery <= 3; delivery++) {
            Settlement again = settlement(binaryEvent(id, time, "{}").statusCode(200));
            assertEquals(List.of(), again.epochs(), "delivery " + delivery + " settles nothing");
            assertEquals(last + 1, again.lastSettled());
        }
        Settlement structured = settlement(structuredEvent(event(id, time, Map.of())).statusCode(200));
        assertEquals(List.of(), structured.epochs());

        assertEquals(last + 1, lastSettled());
        // The cluster was formed after epoch `last` was settled: it pays epoch last + 1 (if formed by then), once.
        List<Long> paid = between(List.of(last + 1), joined, last + 1);
        paidExactly(worker, paid);
        assertEquals(BigInteger.valueOf(100 - paid.size()).multiply(worker.rent()).toString(),
                clusterView(cluster).extract().path("escrow"));
    }

    @Test
    void aClusterFormedWhileEarlierEpochsAreUnsettledPaysNothingForThem() {
        long last = catchUp();
        awaitEpoch(last + 2);
        Worker worker = worker("4");
        String cluster = form(Fixtures.account("owner"), 100, worker);
        long formed = joinedEpoch(cluster);
        assertTrue(formed >= last + 2);

        List<Settlement> calls = settleThrough(formed);
        assertInOrder(calls, last + 1);
        paidExactly(worker, List.of(formed));
        clusterView(cluster).body("escrow", equalTo("396" + PHA));
    }

    @Test
    void aWorkerAddedWhileEarlierEpochsAreUnsettledIsPaidOnlyFromTheEpochItJoined() {
        String owner = Fixtures.account("owner");
        Worker first = worker("1");
        String cluster = form(owner, 100, first);
        long formed = joinedEpoch(cluster);
        long last = lastSettledOrNone();

        // Epochs pass unsettled; then a second worker joins.
        awaitEpoch(formed + 2, first);
        Worker added = worker("3");
        Api.as(owner).post("configureCluster", Map.of("clusterId", cluster, "addWorkers", List.of(added.id())))
                .statusCode(200);
        long joined = ((Number) clusterView(cluster).extract()
                .path("workers.find { it.id == '" + added.id() + "' }.joinedEpoch")).longValue();
        assertTrue(joined >= formed + 2, "it joined after the epochs that are still unsettled");

        long target = awaitEpoch(joined + 1, first, added);
        settleThrough(target);
        paidExactly(first, range(Math.max(last + 1, formed), target));
        paidExactly(added, range(joined, target));
    }

    // --- concurrency and catching up --------------------------------------------------

    @Test
    void twoSchedulersCallingAtTheSameMomentSettleEachEpochOnce() throws Exception {
        Worker a = worker("1");
        Worker b = worker("2");
        String cluster = form(Fixtures.account("owner"), 100, a, b);
        long joined = joinedEpoch(cluster);
        long last = lastSettledOrNone();
        long target = awaitEpoch(joined + 3, a, b);

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<List<Settlement>>> schedulers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                schedulers.add(pool.submit(() -> {
                    start.await();
                    List<Settlement> mine = new ArrayList<>();
                    for (int call = 0; call < 3; call++) {
                        Settlement s = settle(Map.of("epoch", target));
                        mine.add(s);
                        if (s.lastSettled() != null && s.lastSettled() >= target) {
                            break;
                        }
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<Settlement> all = new ArrayList<>();
            for (Future<List<Settlement>> scheduler : schedulers) {
                List<Settlement> calls = scheduler.get(60, TimeUnit.SECONDS);
                calls.forEach(s -> assertConsecutive(s.epochs()));
                all.addAll(calls);
            }
            all.addAll(settleThrough(target));

            List<Long> settled = epochsOf(all);
            assertEquals(settled.size(), new HashSet<>(settled).size(), "no epoch is settled twice: " + settled);
            Collections.sort(settled);
            assertEquals(range(last + 1, target), settled, "every epoch up to the target is settled");
        } finally {
            pool.shutdownNow();
        }
        List<Long> paid = range(Math.max(last + 1, joined), target);
        paidExactly(a, paid);
        paidExactly(b, paid);
        for (Worker w : List.of(a, b)) {
            assertEquals(paid.size(), count("SELECT count(*) FROM ledger_transfer WHERE reason = 'rent' AND to_account = ? "
                    + "AND reference = ?", w.operator(), cluster), "one rent transfer per epoch");
        }
    }

    @Test
    void aGapOfSeveralEpochsIsCaughtUpInOrderAtMostMaxPerCall() {
        Worker worker = worker("3");
        form(Fixtures.account("owner"), 100, worker);
        long last = catchUp();
        List<Long> paidBefore = rentEpochs(worker);
        long target = awaitEpoch(last + MAX_PER_CALL + 1, worker);

        List<Settlement> calls = settleThrough(target);
        assertTrue(calls.size() >= 2, "a gap larger than max-per-call takes several calls");
        assertEquals(range(last + 1, last + MAX_PER_CALL), calls.get(0).epochs(), "the oldest epochs come first");
        for (Settlement s : calls.subList(0, calls.size() - 1)) {
            assertEquals(MAX_PER_CALL, s.epochs().size(), "a call settles at most max-per-call epochs: " + s);
        }
        assertInOrder(calls, last + 1);
        assertEquals(target, calls.get(calls.size() - 1).lastSettled());

        // Rent was paid epoch after epoch, in the order of the transfers.
        List<Long> paid = new ArrayList<>(paidBefore);
        paid.addAll(range(last + 1, target));
        paidExactly(worker, paid);
    }

    // --- workers offline, clusters suspended -------------------------------------------

    @Test
    void aWorkerSilentForOfflineAfterEpochsGoesOfflineAndIsNotPaidWhileOneThatHeartbeatsIs() {
        Worker alive = worker("1");
        Worker silent = worker("2");
        String cluster = form(Fixtures.account("owner"), 100, alive, silent);
        long joined = joinedEpoch(cluster);
        long last = lastSettledOrNone();
        long offlineBefore = count("SELECT count(*) FROM worker WHERE status = 'OFFLINE'");

        long target = awaitEpoch(joined + OFFLINE_AFTER + 1, alive);
        List<Settlement> calls = settleThrough(target);
        assertInOrder(calls, last + 1);
        int wentOffline = calls.stream().mapToInt(Settlement::workersOffline).sum();
        assertTrue(wentOffline >= 1, "the silent worker is counted: " + calls);
        assertEquals(count("SELECT count(*) FROM worker WHERE status = 'OFFLINE'") - offlineBefore, wentOffline,
                "workersOffline counts the workers that went offline");

        ValidatableResponse view = clusterView(cluster).body("status", equalTo("ACTIVE"));
        view.body("workers.find { it.id == '" + silent.id() + "' }.status", equalTo("OFFLINE"))
                .body("workers.find { it.id == '" + alive.id() + "' }.status", equalTo("ASSIGNED"))
                .body("rentPerEpoch", equalTo(alive.rent().toString()));
        // Joining counts as a heartbeat: the silent worker is online through joined + offline-after.
        List<Long> settled = range(last + 1, target);
        List<Long> alivePaid = new ArrayList<>(between(settled, joined, target));
        List<Long> silentPaid = new ArrayList<>(between(settled, joined, joined + OFFLINE_AFTER));
        paidExactly(alive, alivePaid);
        paidExactly(silent, silentPaid);

        // A heartbeat brings it back, and it is paid again from the next settled epoch on.
        heartbeat(silent);
        clusterView(cluster).body("workers.find { it.id == '" + silent.id() + "' }.status", equalTo("ASSIGNED"))
                .body("rentPerEpoch", equalTo(alive.rent().add(silent.rent()).toString()));
        long next = awaitEpoch(target + 1, alive, silent);
        settleThrough(next);
        alivePaid.addAll(range(target + 1, next));
        silentPaid.addAll(range(target + 1, next));
        paidExactly(alive, alivePaid);
        paidExactly(silent, silentPaid);
    }

    @Test
    void aWorkerSilentWhileSettlementIsBehindIsNotPaidForThoseEpochsThoughItIsBackBeforeTheCatchUp() {
        Worker worker = worker("2");
        String cluster = form(Fixtures.account("owner"), 100, worker);
        long joined = joinedEpoch(cluster);
        long last = lastSettledOrNone();
        catchUp();

        // Silent for longer than offline-after while nothing is settled, then heard again.
        awaitEpoch(joined + OFFLINE_AFTER + 2);
        long back = heartbeat(worker);
        settleThrough(back);

        // Joining counts as being heard: online through joined + offline-after, then again when back
        // (an epoch settled before the cluster was formed is not its own).
        List<Long> paid = new ArrayList<>(range(Math.max(joined, last + 1), joined + OFFLINE_AFTER));
        paid.add(back);
        paidExactly(worker, paid);
        clusterView(cluster).body("workers[0].status", equalTo("ASSIGNED"));
    }

    @Test
    void anEscrowThatRunsOutSuspendsTheClusterWhichRefusesDeploysUntilFunded() {
        String owner = Fixtures.account("owner");
        Worker worker = worker("5");
        String cluster = form(owner, 1, worker);
        long joined = joinedEpoch(cluster);
        long last = lastSettledOrNone();
        long suspendedBefore = count("SELECT count(*) FROM cluster WHERE status = 'SUSPENDED'");

        long target = awaitEpoch(joined + 2, worker);
        List<Settlement> calls = settleThrough(target);
        List<Long> owed = between(range(last + 1, target), joined, target);
        assertTrue(owed.size() >= 2);
        int suspended = calls.stream().mapToInt(Settlement::clustersSuspended).sum();
        assertTrue(suspended >= 1, "the cluster is counted: " + calls);
        assertEquals(count("SELECT count(*) FROM cluster WHERE status = 'SUSPENDED'") - suspendedBefore, suspended,
                "clustersSuspended counts the clusters suspended");
        // One prepaid epoch: the first epoch is paid, the next finds the escrow empty.
        paidExactly(worker, List.of(owed.get(0)));
        clusterView(cluster).body("status", equalTo("SUSPENDED")).body("escrow", equalTo("0"));

        String ownerFree = free(owner);
        Map<String, Object> contract = Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", 100);
        Api.as(owner).post("deploy", contract).statusCode(409).body("error", equalTo("CLUSTER_SUSPENDED"));
        assertEquals(ownerFree, free(owner), "a refused deploy changes nothing");
        clusterView(cluster).body("contracts", equalTo(0));

        // Less than one epoch's rent is kept but does not reactivate; enough does.
        String funder = Fixtures.account("funder");
        Fixtures.fund(funder, "10" + PHA);
        Api.as(funder).post("fundCluster", Map.of("clusterId", cluster, "amount", worker.rent().subtract(BigInteger.ONE)
                .toString())).statusCode(200).body("status", equalTo("SUSPENDED"))
                .body("escrow", equalTo(worker.rent().subtract(BigInteger.ONE).toString()));
        Api.as(funder).post("deploy", contract).statusCode(409).body("error", equalTo("CLUSTER_SUSPENDED"));
        Api.as(owner).post("fundCluster", Map.of("clusterId", cluster, "amount", "1")).statusCode(200)
                .body("status", equalTo("ACTIVE")).body("escrow", equalTo(worker.rent().toString()));
        Api.as(owner).post("deploy", contract).statusCode(200).body("status", equalTo("DEPLOYED"));
        clusterView(cluster).body("status", equalTo("ACTIVE")).body("contracts", equalTo(1));

        // Epochs settled while it was suspended stay unpaid; the next one is paid from the new escrow.
        long resumedAfter = lastSettled();
        long next = awaitEpoch(resumedAfter + 1, worker);
        settleThrough(next);
        paidExactly(worker, List.of(owed.get(0), resumedAfter + 1));
        clusterView(cluster).body("escrow", equalTo("0"))
                .body("status", equalTo(next > resumedAfter + 1 ? "SUSPENDED" : "ACTIVE"));
    }

    // --- who may settle -----------------------------------------------------------------

    @Test
    void settlingNeedsTheSchedulerRole() {
        long last = catchUp();
        awaitEpoch(last + 1);
        String someone = Fixtures.account("someone");
        for (Api caller : new Api[] {Api.as(someone), Api.as(someone, "admin", "operator")}) {
            caller.post("epoch", Map.of()).statusCode(403)
                    .body("error", equalTo("ROLE_REQUIRED")).body("details.role", equalTo("scheduler"));
        }
        for (Api caller : new Api[] {Api.anonymous(), Api.withToken(Tokens.forged("ping-source", "scheduler")),
                Api.withToken(Tokens.expired("ping-source"))}) {
            caller.post("epoch", Map.of()).statusCode(401).body("error", equalTo("UNAUTHENTICATED"));
        }
        Api.anonymous().request().header("ce-specversion", "1.0").header("ce-id", "x").header("ce-source", "/s")
                .header("ce-type", "t").body("{}").post("/epoch").then().statusCode(401);
        assertEquals(last, lastSettled(), "a refused call settles nothing");

        Settlement s = settle(Map.of());
        assertEquals(last + 1, s.epochs().get(0));
    }

    // --- helpers ------------------------------------------------------------------------

    private static Worker worker(String rentPha) {
        String operator = Fixtures.account("op");
        BigInteger rent = new BigInteger(rentPha + PHA);
        return new Worker(Fixtures.worker(operator, rent.toString()), operator, rent);
    }

    /** Forms a cluster over the workers, its escrow holding their rent for the prepaid epochs. */
    private static String form(String owner, long prepaidEpochs, Worker... workers) {
        Fixtures.fund(owner, "1000" + PHA);
        return Fixtures.cluster(owner, List.of(workers).stream().map(Worker::id).toList(), prepaidEpochs, Map.of());
    }

    private static ValidatableResponse clusterView(String cluster) {
        return Api.anonymous().get("cluster", Map.of("id", cluster)).statusCode(200);
    }

    /** The epoch the cluster's workers joined in (joining counts as a heartbeat). */
    private static long joinedEpoch(String cluster) {
        return ((Number) clusterView(cluster).extract().path("workers[0].lastHeartbeatEpoch")).longValue();
    }

    /** Heartbeats a worker; answers the service's current epoch. */
    private static long heartbeat(Worker w) {
        return ((Number) Api.as(w.operator()).post("heartbeat", Map.of("workerId", w.id())).statusCode(200)
                .extract().path("epoch")).longValue();
    }

    /** The service's current epoch, as the heartbeat of a worker in no cluster tells it. */
    private static synchronized long currentEpoch() {
        if (clock == null) {
            clock = worker("1");
        }
        return heartbeat(clock);
    }

    /** Waits, heartbeating the given workers, until the service's current epoch reaches the target. */
    private static long awaitEpoch(long target, Worker... alive) {
        long now = currentEpoch();
        Instant deadline = Instant.now().plus(ShortEpochs.LENGTH.multipliedBy(Math.max(0, target - now)))
                .plus(Duration.ofSeconds(20));
        while (true) {
            for (Worker w : alive) {
                heartbeat(w);
            }
            now = currentEpoch();
            if (now >= target) {
                return now;
            }
            if (Instant.now().isAfter(deadline)) {
                fail("the current epoch stays " + now + ", waiting for " + target);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static Settlement settle(Object body) {
        return settlement(SCHEDULER.post("epoch", body).statusCode(200));
    }

    private static Settlement settlement(ValidatableResponse response) {
        JsonPath json = response.extract().jsonPath();
        List<Long> epochs = json.getList("settledEpochs", Object.class).stream()
                .map(e -> ((Number) e).longValue()).toList();
        Object last = json.get("lastSettled");
        return new Settlement(epochs, last == null ? null : ((Number) last).longValue(), json.getInt("clustersPaid"),
                json.getInt("clustersSuspended"), json.getInt("workersOffline"));
    }

    /** Settles with the target until it is settled (a call settles at most max-per-call epochs). */
    private static List<Settlement> settleThrough(long target) {
        List<Settlement> calls = new ArrayList<>();
        while (calls.size() < 30) {
            Settlement s = settle(Map.of("epoch", target));
            calls.add(s);
            if (s.lastSettled() != null && s.lastSettled() >= target) {
                return calls;
            }
        }
        return fail("epoch " + target + " was not settled: " + calls);
    }

    /** Settles everything up to the current epoch; answers the last settled epoch. */
    private static long catchUp() {
        settleThrough(currentEpoch());
        return lastSettled();
    }

    private static ValidatableResponse binaryEvent(String id, Instant time, String data) {
        RequestSpecification request = binaryEvent(id, time);
        return request.body(data).post("/epoch").then();
    }

    private static RequestSpecification binaryEvent(String id, Instant time) {
        RequestSpecification request = SCHEDULER.request()
                .header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-source", "/apis/v1/namespaces/clusterfn/pingsources/epochs")
                .header("ce-type", "dev.knative.sources.ping");
        return time == null ? request : request.header("ce-time", time.toString());
    }

    private static Map<String, Object> event(Instant time, Map<String, ?> data) {
        return event(UUID.randomUUID().toString(), time, data);
    }

    private static Map<String, Object> event(String id, Instant time, Map<String, ?> data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", id);
        event.put("source", "/apis/v1/namespaces/clusterfn/pingsources/epochs");
        event.put("type", "dev.knative.sources.ping");
        if (time != null) {
            event.put("time", time.toString());
        }
        if (data != null) {
            event.put("datacontenttype", "application/json");
            event.put("data", data);
        }
        return event;
    }

    private static ValidatableResponse structuredEvent(Map<String, Object> event) {
        try {
            return SCHEDULER.request()
                    .config(RestAssured.config().encoderConfig(
                            EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                    .contentType("application/cloudevents+json")
                    .body(JSON.writeValueAsString(event)).post("/epoch").then();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> epochsOf(List<Settlement> calls) {
        return calls.stream().flatMap(s -> s.epochs().stream()).collect(java.util.stream.Collectors.toList());
    }

    /** The calls settled consecutive epochs from {@code first}, in ascending order, each call at most max-per-call. */
    private static void assertInOrder(List<Settlement> calls, long first) {
        List<Long> settled = epochsOf(calls);
        assertFalse(settled.isEmpty());
        assertEquals(range(first, first + settled.size() - 1), settled, "settled in order: " + calls);
        for (Settlement s : calls) {
            assertTrue(s.epochs().size() <= MAX_PER_CALL, "at most max-per-call epochs: " + s);
            if (!s.epochs().isEmpty()) {
                assertEquals(s.epochs().get(s.epochs().size() - 1), s.lastSettled());
            }
        }
    }

    private static void assertConsecutive(List<Long> epochs) {
        if (!epochs.isEmpty()) {
            assertEquals(range(epochs.get(0), epochs.get(0) + epochs.size() - 1), epochs);
        }
    }

    private static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    private static List<Long> between(List<Long> epochs, long from, long to) {
        return epochs.stream().filter(e -> e >= from && e <= to).toList();
    }

    /** The operator was paid the worker's rent for exactly these epochs, in this order, and holds exactly that. */
    private static void paidExactly(Worker w, List<Long> epochs) {
        assertEquals(epochs, rentEpochs(w), "the epochs " + w.operator() + " was paid for");
        assertEquals(w.rent().multiply(BigInteger.valueOf(epochs.size())).toString(), free(w.operator()),
                "rent × epochs paid");
    }

    /** A free balance; an account that never received anything holds "0". */
    private static String free(String account) {
        ValidatableResponse response = Api.as(account).get("balance", Map.of());
        int status = response.extract().statusCode();
        if (status == 404) {
            return "0";
        }
        return response.statusCode(200).extract().path("free");
    }

    // --- the store, read directly ---------------------------------------------------------

    private static List<Long> rentEpochs(Worker w) {
        return column("SELECT epoch FROM ledger_transfer WHERE reason = 'rent' AND to_account = ? ORDER BY id",
                w.operator()).stream().map(e -> ((Number) e).longValue()).toList();
    }

    private static Long lastSettled() {
        Object last = column("SELECT last_settled FROM epoch_state").get(0);
        return last == null ? null : ((Number) last).longValue();
    }

    /** The last settled epoch; before any, the one before the store was created (the first to be settled). */
    private static long lastSettledOrNone() {
        Long last = lastSettled();
        return last == null ? ShortEpochs.epochOf(storeCreatedAt()) - 1 : last;
    }

    private static Instant storeCreatedAt() {
        return ((OffsetDateTime) column("SELECT created_at FROM store_info").get(0)).toInstant();
    }

    private static long count(String sql, Object... params) {
        return ((Number) column(sql, params).get(0)).longValue();
    }

    private static List<Object> column(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(db, "postgres", "postgres");
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                List<Object> values = new ArrayList<>();
                while (rs.next()) {
                    Object value = rs.getObject(1);
                    values.add(value instanceof java.sql.Timestamp ? rs.getObject(1, OffsetDateTime.class) : value);
                }
                return values;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
