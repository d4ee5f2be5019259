package io.clusterfn.message;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.LedgerCheck;
import io.clusterfn.support.Race;
import io.clusterfn.support.ServiceProcess;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static io.clusterfn.support.Fixtures.PHA;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages between contracts of two clusters (SPEC section 8): a sending cluster A with contract
 * {@code a} and worker {@code wa}, and a receiving cluster B with contract {@code b} and worker
 * {@code wb}, each cluster with its own owner, operator and deployer.
 */
@QuarkusTest
class MessageFunctionsTest extends FunctionTest {
    private static final String FEE = "7";

    private World w;

    /** Everything one test needs, named for what it is. */
    record World(String ownerA, String ownerB, String operatorA, String operatorB, String deployerA, String deployerB,
            String clusterA, String clusterB, String workerA, String workerB, String a, String b) {
    }

    @BeforeEach
    void twoClustersWithAContractEach() {
        w = world(Map.of("accept", "ANY", "fee", FEE, "maxMessageSize", 64, "channelCapacity", 1000));
    }

    /** Two clusters; B receives under the given messaging policy. */
    static World world(Map<String, Object> messagingOfB) {
        String ownerA = Fixtures.account("owner-a");
        String ownerB = Fixtures.account("owner-b");
        String operatorA = Fixtures.account("op-a");
        String operatorB = Fixtures.account("op-b");
        String deployerA = Fixtures.account("dep-a");
        String deployerB = Fixtures.account("dep-b");
        Fixtures.fund(ownerA, "100" + PHA);
        Fixtures.fund(ownerB, "100" + PHA);
        Fixtures.fund(deployerA, "1000");
        Fixtures.fund(deployerB, "1000");
        String workerA = Fixtures.worker(operatorA, "1" + PHA);
        String workerB = Fixtures.worker(operatorB, "1" + PHA);
        String clusterA = Fixtures.cluster(ownerA, List.of(workerA), 10, Map.of("permission", Map.of("rule", "PUBLIC")));
        String clusterB = Fixtures.cluster(ownerB, List.of(workerB), 10, Map.of("permission", Map.of("rule", "PUBLIC"),
                "messaging", messagingOfB));
        return new World(ownerA, ownerB, operatorA, operatorB, deployerA, deployerB, clusterA, clusterB, workerA,
                workerB, deploy(deployerA, clusterA), deploy(deployerB, clusterB));
    }

    static String deploy(String deployer, String clusterId) {
        return Api.as(deployer).post("deploy", Map.of("clusterId", clusterId, "codeHash", Fixtures.hex64(),
                "codeSize", 1)).statusCode(200).extract().path("id");
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private ValidatableResponse send(String operator, String worker, String from, String to, String nonce, String payload) {
        return Api.as(operator).post("send", Map.of("workerId", worker, "from", from, "to", to, "nonce", nonce,
                "payload", payload));
    }

    /** A send from a to b by A's operator. */
    private ValidatableResponse send(String nonce, String text) {
        return send(w.operatorA(), w.workerA(), w.a(), w.b(), nonce, base64(text));
    }

    private ValidatableResponse inbox(String operator, String worker) {
        return Api.as(operator).get("inbox", Map.of("workerId", worker));
    }

    private ValidatableResponse ack(long upTo) {
        return Api.as(w.operatorB()).post("ack", Map.of("workerId", w.workerB(), "fromCluster", w.clusterA(), "upTo", upTo));
    }

    private static String free(String account) {
        return Api.as(account).get("balance", Map.of()).statusCode(200).extract().path("free");
    }

    private static String treasuryOf(String owner) {
        return free(owner);
    }

    // --- send -----------------------------------------------------------------------------------

    @Test
    void aSendIsQueuedWithTheChannelsNextNumberAndPaysTheReceiversFee() {
        String treasury = treasuryOf(w.ownerB());
        send("n-1", "hello").statusCode(200)
                .body("from", equalTo(w.a())).body("to", equalTo(w.b()))
                .body("fromCluster", equalTo(w.clusterA())).body("toCluster", equalTo(w.clusterB()))
                .body("seq", equalTo(1)).body("nonce", equalTo("n-1")).body("size", equalTo(5))
                .body("fee", equalTo(FEE)).body("status", equalTo("QUEUED")).body("payload", nullValue())
                .body("id", equalTo(io.clusterfn.http.Ids.of(w.a(), "n-1")));
        send("n-2", "again").statusCode(200).body("seq", equalTo(2));

        assertEquals(String.valueOf(1000 - 2 * 7), free(w.deployerA()), "the sending contract's deployer pays each fee");
        assertEquals(new java.math.BigInteger(treasury).add(java.math.BigInteger.valueOf(14)).toString(),
                treasuryOf(w.ownerB()), "the fees go to the receiving cluster's treasury");
        Api.anonymous().get("cluster", Map.of("id", w.clusterB())).statusCode(200)
                .body("inbox", equalTo(2)).body("messaging.accept", equalTo("ANY")).body("messaging.fee", equalTo(FEE));
        Api.anonymous().get("cluster", Map.of("id", w.clusterA())).statusCode(200)
                .body("inbox", equalTo(0)).body("messaging.accept", equalTo("NONE"));
        // A worker learns from its heartbeat that messages wait for its cluster.
        Api.as(w.operatorB()).post("heartbeat", Map.of("workerId", w.workerB())).statusCode(200).body("inbox", equalTo(2));
        Api.as(w.operatorA()).post("heartbeat", Map.of("workerId", w.workerA())).statusCode(200).body("inbox", equalTo(0));
    }

    @Test
    void theInboxShowsQueuedMessagesUntilTheyAreAcknowledgedAndAckFreesCapacity() {
        World small = world(Map.of("accept", "ANY", "channelCapacity", 2));
        w = small;
        send("x-1", "one").statusCode(200);
        send("x-2", "two").statusCode(200);
        send("x-3", "three").statusCode(409).body("error", equalTo("QUOTA_EXCEEDED"))
                .body("details.quota", equalTo("channelCapacity")).body("details.used", equalTo(2))
                .body("details.limit", equalTo(2));

        for (int read = 0; read < 2; read++) {
            // At least once: what is not acknowledged is delivered again.
            inbox(w.operatorB(), w.workerB()).statusCode(200)
                    .body("clusterId", equalTo(w.clusterB())).body("queued", equalTo(2)).body("items", hasSize(2))
                    .body("items[0].seq", equalTo(1)).body("items[0].payload", equalTo(base64("one")))
                    .body("items[1].seq", equalTo(2)).body("items[1].payload", equalTo(base64("two")));
        }
        ack(1).statusCode(200).body("fromCluster", equalTo(w.clusterA())).body("toCluster", equalTo(w.clusterB()))
                .body("lastSeq", equalTo(2)).body("delivered", equalTo(1)).body("queued", equalTo(1));
        inbox(w.operatorB(), w.workerB()).statusCode(200).body("queued", equalTo(1)).body("items", hasSize(1))
                .body("items[0].seq", equalTo(2));
        // Idempotent: the same or a lower mark changes nothing.
        ack(1).statusCode(200).body("delivered", equalTo(1)).body("queued", equalTo(1));
        ack(0).statusCode(200).body("delivered", equalTo(1));
        ack(3).statusCode(409).body("error", equalTo("CONFLICT"));

        send("x-3", "three").statusCode(200).body("seq", equalTo(3));
        Api.anonymous().get("messages", Map.of("contractId", w.a())).statusCode(200)
                .body("items.seq", equalTo(List.of(3, 2, 1)))
                .body("items.status", equalTo(List.of("QUEUED", "QUEUED", "DELIVERED")))
                .body("items[2].deliveredAt", org.hamcrest.Matchers.notNullValue())
                .body("items[0].payload", nullValue());
        inbox(w.operatorB(), w.workerB()).statusCode(200).body("items", hasSize(2)).body("items[0].seq", equalTo(2));
        assertEquals(0, LedgerCheck.scalar("SELECT count(*) FROM message WHERE status = 'DELIVERED' AND payload IS NOT NULL")
                .intValue(), "a delivered message keeps no payload");
    }

    @Test
    void aChannelThatNeverCarriedAMessageAcknowledgesOnlyZero() {
        World other = world(Map.of("accept", "ANY"));
        Api.as(other.operatorB()).post("ack", Map.of("workerId", other.workerB(), "fromCluster", other.clusterA(), "upTo", 0))
                .statusCode(200).body("lastSeq", equalTo(0)).body("delivered", equalTo(0)).body("queued", equalTo(0));
        Api.as(other.operatorB()).post("ack", Map.of("workerId", other.workerB(), "fromCluster", other.clusterA(), "upTo", 1))
                .statusCode(409).body("error", equalTo("CONFLICT"));
    }

    @Test
    void theInboxIsForTheOperatorOfAWorkerOfTheReceivingCluster() {
        inbox(w.operatorA(), w.workerB()).statusCode(403).body("error", equalTo("NOT_OWNER"));
        inbox(w.operatorB(), Fixtures.hex64()).statusCode(404).body("error", equalTo("WORKER_NOT_FOUND"));
        String idle = Fixtures.worker(w.operatorB(), "1");
        inbox(w.operatorB(), idle).statusCode(403).body("error", equalTo("NOT_OWNER"));
        Api.anonymous().get("inbox", Map.of("workerId", w.workerB())).statusCode(401);
        Api.as(w.operatorB()).post("ack", Map.of("workerId", idle, "fromCluster", w.clusterA(), "upTo", 0))
                .statusCode(403).body("error", equalTo("NOT_OWNER"));
    }

    // --- refusals, in the order of the spec, each changing nothing --------------------------------

    /** Balances, sequence numbers and messages that a refused send must leave as they were. */
    private Map<String, Object> snapshot() {
        Map<String, Object> state = new HashMap<>();
        state.put("deployer", free(w.deployerA()));
        state.put("treasury", treasuryOf(w.ownerB()));
        state.put("messages", LedgerCheck.scalar("SELECT count(*) FROM message"));
        state.put("seq", LedgerCheck.scalar("SELECT coalesce(sum(last_seq), 0) FROM channel"));
        return state;
    }

    private void refused(ValidatableResponse answer, int status, String code) {
        answer.statusCode(status).body("error", equalTo(code));
    }

    @Test
    void refusalsComeInTheSpecsOrderAndChangeNothing() {
        Map<String, Object> before = snapshot();
        String unknown = Fixtures.hex64();
        refused(send(w.operatorA(), w.workerA(), unknown, w.b(), "r", base64("x")), 404, "CONTRACT_NOT_FOUND");
        refused(send(w.operatorA(), w.workerA(), w.a(), unknown, "r", base64("x")), 404, "CONTRACT_NOT_FOUND");
        // The contracts are checked before the worker.
        refused(send(w.operatorA(), unknown, unknown, w.b(), "r", base64("x")), 404, "CONTRACT_NOT_FOUND");
        refused(send(w.operatorA(), unknown, w.a(), w.b(), "r", base64("x")), 404, "WORKER_NOT_FOUND");
        refused(send(w.operatorB(), w.workerA(), w.a(), w.b(), "r", base64("x")), 403, "NOT_OWNER");
        // A worker of the receiving cluster cannot send for the sending contract.
        refused(send(w.operatorB(), w.workerB(), w.a(), w.b(), "r", base64("x")), 403, "NOT_OWNER");
        String sameCluster = deploy(w.deployerA(), w.clusterA());
        refused(send(w.operatorA(), w.workerA(), w.a(), sameCluster, "r", base64("x")), 409, "CONFLICT");
        refused(send("r", "x".repeat(65)), 409, "QUOTA_EXCEEDED");
        assertEquals(before, snapshot());

        // Exactly the largest size is accepted.
        send("max", "x".repeat(64)).statusCode(200).body("size", equalTo(64));
    }

    @Test
    void aReceiverThatAcceptsNothingOrOnlyOthersIsDenied() {
        World closed = world(Map.of());
        Api.as(closed.operatorA()).post("send", Map.of("workerId", closed.workerA(), "from", closed.a(), "to", closed.b(),
                "nonce", "n", "payload", base64("x"))).statusCode(403).body("error", equalTo("ACCESS_DENIED"))
                .body("details.rule", equalTo("messaging"));

        World listed = world(Map.of("accept", "ALLOW_LIST", "clusters", List.of(Fixtures.hex64())));
        Api.as(listed.operatorA()).post("send", Map.of("workerId", listed.workerA(), "from", listed.a(), "to", listed.b(),
                "nonce", "n", "payload", base64("x"))).statusCode(403).body("details.rule", equalTo("messaging"));
        // The owner lets A in: the same send goes through.
        Api.as(listed.ownerB()).post("configureCluster", Map.of("clusterId", listed.clusterB(),
                "messaging", Map.of("accept", "ALLOW_LIST", "clusters", List.of(listed.clusterA().toUpperCase().replace("0X", "0x")))))
                .statusCode(200).body("messaging.clusters", equalTo(List.of(listed.clusterA())));
        Api.as(listed.operatorA()).post("send", Map.of("workerId", listed.workerA(), "from", listed.a(), "to", listed.b(),
                "nonce", "n", "payload", base64("x"))).statusCode(200).body("seq", equalTo(1));
    }

    @Test
    void anUndeployedContractNeitherSendsNorReceivesAndThatIsCheckedBeforeThePolicy() {
        World closed = world(Map.of());
        Api.as(closed.deployerB()).post("undeploy", Map.of("contractId", closed.b())).statusCode(200);
        // Deployed-ness comes before accept in the order of checks.
        Api.as(closed.operatorA()).post("send", Map.of("workerId", closed.workerA(), "from", closed.a(), "to", closed.b(),
                "nonce", "n", "payload", base64("x"))).statusCode(409).body("error", equalTo("CONFLICT"));
        Api.as(w.deployerA()).post("undeploy", Map.of("contractId", w.a())).statusCode(200);
        send("n", "x").statusCode(409).body("error", equalTo("CONFLICT"));
    }

    @Test
    void aDeployerThatCannotPayTheFeeIsRefused() {
        World dear = world(Map.of("accept", "ANY", "fee", "5000"));
        Api.as(dear.operatorA()).post("send", Map.of("workerId", dear.workerA(), "from", dear.a(), "to", dear.b(),
                "nonce", "n", "payload", base64("x"))).statusCode(402).body("error", equalTo("INSUFFICIENT_BALANCE"))
                .body("details.needed", equalTo("5000")).body("details.available", equalTo("1000"));
        assertEquals("1000", free(dear.deployerA()));
        assertEquals(0, LedgerCheck.scalar("SELECT count(*) FROM message WHERE from_contract = '" + dear.a() + "'").intValue());
    }

    @Test
    void inputsAreChecked() {
        refused(send(w.operatorA(), w.workerA(), w.a(), w.b(), "n", "aGVsbG8"), 400, "INVALID_INPUT");
        send(w.operatorA(), w.workerA(), w.a(), w.b(), "n", "aGVs bG8=").statusCode(400).body("details.field", equalTo("payload"));
        send(w.operatorA(), w.workerA(), w.a(), w.b(), "n", "aGVsbG8-").statusCode(400).body("details.field", equalTo("payload"));
        send(w.operatorA(), w.workerA(), w.a(), w.b(), "", base64("x")).statusCode(400).body("details.field", equalTo("nonce"));
        send(w.operatorA(), w.workerA(), w.a(), w.b(), "a/b", base64("x")).statusCode(400).body("details.field", equalTo("nonce"));
        send(w.operatorA(), w.workerA(), w.a(), w.b(), "n".repeat(65), base64("x")).statusCode(400)
                .body("details.field", equalTo("nonce"));
        Api.as(w.operatorB()).post("ack", Map.of("workerId", w.workerB(), "fromCluster", w.clusterA(), "upTo", -1))
                .statusCode(400).body("details.field", equalTo("upTo"));
        Api.anonymous().get("messages", Map.of("contractId", w.a(), "direction", "sideways")).statusCode(400)
                .body("details.field", equalTo("direction"));
        Api.anonymous().get("messages", Map.of("contractId", w.a(), "cursor", "bm9wZQ")).statusCode(400)
                .body("details.field", equalTo("cursor"));
        // a position past any sequence number the store can hold
        String beyond = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("after:9999999999999999999".getBytes());
        Api.anonymous().get("messages", Map.of("contractId", w.a(), "cursor", beyond)).statusCode(400)
                .body("details.field", equalTo("cursor"));
        Api.anonymous().get("messages", Map.of("contractId", Fixtures.hex64())).statusCode(404)
                .body("error", equalTo("CONTRACT_NOT_FOUND"));
        Api.as(w.operatorA()).post("send", Map.of("workerId", w.workerA(), "from", w.a(), "to", w.b(), "nonce", "n"))
                .statusCode(400).body("details.field", equalTo("payload"));
        Api.anonymous().post("send", Map.of("workerId", w.workerA(), "from", w.a(), "to", w.b(), "nonce", "n",
                "payload", base64("x"))).statusCode(401);
    }

    // --- repeats ------------------------------------------------------------------------------------

    @Test
    void theSameSendAgainAnswersTheFirstResultAndChargesNothing() {
        String first = send("again", "payload").statusCode(200).extract().asString();
        String deployer = free(w.deployerA());
        String second = send("again", "payload").statusCode(200).extract().asString();
        assertEquals(JsonPath.from(first).getMap(""), JsonPath.from(second).getMap(""));
        assertEquals(deployer, free(w.deployerA()));
        send("again", "other payload").statusCode(409).body("error", equalTo("CONFLICT"));
        String elsewhere = deploy(w.deployerB(), w.clusterB());
        send(w.operatorA(), w.workerA(), w.a(), elsewhere, "again", base64("payload")).statusCode(409)
                .body("error", equalTo("CONFLICT"));
    }

    // --- concurrency --------------------------------------------------------------------------------

    @Test
    void concurrentSendsOnOneChannelGetEveryNumberOnce() {
        int n = 40;
        List<Supplier<Response>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String nonce = "c-" + i;
            calls.add(() -> Api.as(w.operatorA()).request().body(Map.of("workerId", w.workerA(), "from", w.a(), "to", w.b(),
                    "nonce", nonce, "payload", base64("m"))).post("/send"));
        }
        assertGapless(Race.run(calls), n);
        assertEquals(String.valueOf(1000 - n * 7), free(w.deployerA()), "one fee per message");
    }

    @Test
    void channelCapacityIsExactUnderConcurrency() {
        World small = world(Map.of("accept", "ANY", "fee", "3", "channelCapacity", 10));
        List<Supplier<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String nonce = "cap-" + i;
            calls.add(() -> Api.as(small.operatorA()).request().body(Map.of("workerId", small.workerA(), "from", small.a(),
                    "to", small.b(), "nonce", nonce, "payload", base64("m"))).post("/send"));
        }
        List<Response> answers = Race.run(calls);
        assertEquals(10, answers.stream().filter(r -> r.statusCode() == 200).count(), "exactly the capacity is accepted");
        assertTrue(answers.stream().allMatch(r -> r.statusCode() == 200
                || r.statusCode() == 409 && "channelCapacity".equals(r.jsonPath().getString("details.quota"))), "the rest are over capacity");
        assertEquals(String.valueOf(1000 - 10 * 3), free(small.deployerA()), "the fee is charged ten times");
    }

    @Test
    void theSameSendRepeatedConcurrentlyIsOneMessageAndOneFee() {
        List<Supplier<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(() -> Api.as(w.operatorA()).request().body(Map.of("workerId", w.workerA(), "from", w.a(), "to", w.b(),
                    "nonce", "once", "payload", base64("m"))).post("/send"));
        }
        List<Response> answers = Race.run(calls);
        assertTrue(answers.stream().allMatch(r -> r.statusCode() == 200), "every copy gets the first answer");
        assertEquals(1, answers.stream().map(r -> r.jsonPath().getMap("")).distinct().count(), "one answer for all");
        assertEquals(String.valueOf(1000 - 7), free(w.deployerA()));
        assertEquals(1, LedgerCheck.scalar("SELECT count(*) FROM message WHERE from_contract = '" + w.a() + "'").intValue());
    }

    /** Through two instances of the service on the same store (the packaged application only). */
    @Test
    void concurrentSendsThroughTwoInstancesGetEveryNumberOnce() {
        Assumptions.assumeTrue(getClass().isAnnotationPresent(QuarkusIntegrationTest.class),
                "runs against the packaged application, beside a second instance of it");
        try (ServiceProcess other = ServiceProcess.onTestStore()) {
            int n = 40;
            List<Supplier<Response>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String nonce = "two-" + i;
                boolean there = i % 2 == 1;
                calls.add(() -> {
                    var request = Api.as(w.operatorA()).request();
                    if (there) {
                        request = request.port(other.port());
                    }
                    return request.body(Map.of("workerId", w.workerA(), "from", w.a(), "to", w.b(), "nonce", nonce,
                            "payload", base64("m"))).post("/send");
                });
            }
            assertGapless(Race.run(calls), n);
        }
    }

    private static void assertGapless(List<Response> answers, int n) {
        assertTrue(answers.stream().allMatch(r -> r.statusCode() == 200),
                () -> "every send is accepted: " + answers.stream().map(Response::asString).collect(Collectors.joining("\n")));
        Set<Long> seqs = new HashSet<>();
        answers.forEach(r -> seqs.add(r.jsonPath().getLong("seq")));
        assertEquals(LongStream.rangeClosed(1, n).boxed().collect(Collectors.toSet()), seqs, "1..N, no gap, no duplicate");
    }
}
