package io.clusterfn.worker;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.clusterfn.support.Fixtures.PHA;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class WorkerFunctionsTest extends FunctionTest {
    private static final Instant GENESIS = Instant.parse("2026-01-01T00:00:00Z");

    private static Map<String, Object> registration(String workerId) {
        Map<String, Object> body = new HashMap<>();
        body.put("workerId", workerId);
        body.put("endpoint", "https://worker.example/" + workerId);
        body.put("capacity", 16);
        body.put("rentPerEpoch", "2" + PHA);
        body.put("attributes", Map.of("tee", "sgx", "region", "eu"));
        return body;
    }

    private static Map<String, Object> registration(String workerId, String field, Object value) {
        Map<String, Object> body = registration(workerId);
        body.put(field, value);
        return body;
    }

    private static ValidatableResponse register(String operator, Map<String, Object> body) {
        return Api.as(operator, "operator").post("registerWorker", body);
    }

    private static ValidatableResponse heartbeat(String account, String workerId) {
        return Api.as(account).post("heartbeat", Map.of("workerId", workerId));
    }

    private static long epochNow() {
        return Math.floorDiv(Duration.between(GENESIS, Instant.now()).toMillis(), Duration.ofHours(1).toMillis());
    }

    /** The worker is not registered: registering it now succeeds. */
    private static void assertNotRegistered(String workerId) {
        register(Fixtures.account("op"), registration(workerId)).statusCode(200).body("status", equalTo("AVAILABLE"));
    }

    // --- registerWorker ----------------------------------------------------------------------------

    @Test
    void registerWorkerAnswersTheWorkerWithTheCallerAsOperator() {
        String operator = Fixtures.account("op");
        String upper = "0x" + Fixtures.hex64().substring(2).toUpperCase(Locale.ROOT);
        String lower = upper.toLowerCase(Locale.ROOT);
        register(operator, registration(upper)).statusCode(200)
                .body("id", equalTo(lower))
                .body("operator", equalTo(operator))
                .body("endpoint", equalTo("https://worker.example/" + upper))
                .body("capacity", equalTo(16))
                .body("rentPerEpoch", equalTo("2" + PHA))
                .body("attributes.tee", equalTo("sgx"))
                .body("attributes.region", equalTo("eu"))
                .body("status", equalTo("AVAILABLE"))
                .body("clusterId", nullValue());
        // The operator owns it under its lower-case id.
        heartbeat(operator, upper).statusCode(200).body("workerId", equalTo(lower));
    }

    @Test
    void capacityBoundsAndEmptyAttributesAreAccepted() {
        String operator = Fixtures.account("op");
        register(operator, registration(Fixtures.hex64(), "capacity", 1)).statusCode(200).body("capacity", equalTo(1));
        register(operator, registration(Fixtures.hex64(), "capacity", 1_000_000)).statusCode(200)
                .body("capacity", equalTo(1_000_000));
        Map<String, Object> noAttributes = registration(Fixtures.hex64());
        noAttributes.remove("attributes");
        register(operator, noAttributes).statusCode(200).body("attributes", anEmptyMap());
        Map<String, String> sixteen = new HashMap<>();
        IntStream.range(0, 16).forEach(i -> sixteen.put("k" + i, "v" + i));
        register(operator, registration(Fixtures.hex64(), "attributes", sixteen)).statusCode(200)
                .body("attributes.k15", equalTo("v15"));
        register(operator, registration(Fixtures.hex64(), "rentPerEpoch", "0")).statusCode(200)
                .body("rentPerEpoch", equalTo("0"));
    }

    @Test
    void aKnownWorkerIdIsAConflictWhateverItsCase() {
        String operator = Fixtures.account("op");
        String id = Fixtures.hex64();
        register(operator, registration(id)).statusCode(200);
        register(operator, registration(id)).statusCode(409).body("error", equalTo("CONFLICT"));
        String thief = Fixtures.account("thief");
        register(thief, registration("0x" + id.substring(2).toUpperCase(Locale.ROOT))).statusCode(409)
                .body("error", equalTo("CONFLICT"));
        // The first operator still owns it.
        heartbeat(operator, id).statusCode(200);
        heartbeat(thief, id).statusCode(403).body("error", equalTo("NOT_OWNER"));
    }

    @Test
    void registerWorkerNeedsTheOperatorRole() {
        String id = Fixtures.hex64();
        Api.as(Fixtures.account("dev")).post("registerWorker", registration(id)).statusCode(403)
                .body("error", equalTo("ROLE_REQUIRED")).body("details.role", equalTo("operator"));
        Api.as(Fixtures.account("boss"), "admin", "scheduler").post("registerWorker", registration(id)).statusCode(403)
                .body("error", equalTo("ROLE_REQUIRED")).body("details.role", equalTo("operator"));
        assertNotRegistered(id);
    }

    @Test
    void registerWorkerNeedsAValidToken() {
        String id = Fixtures.hex64();
        Api.anonymous().post("registerWorker", registration(id)).statusCode(401).body("error", equalTo("UNAUTHENTICATED"));
        String op = Fixtures.account("op");
        for (String token : List.of(Tokens.forged(op, "operator"), Tokens.expired(op), Tokens.wrongIssuer(op))) {
            Api.withToken(token).post("registerWorker", registration(id)).statusCode(401)
                    .body("error", equalTo("UNAUTHENTICATED"));
        }
        assertNotRegistered(id);
    }

    static Stream<Object[]> invalidRegistrations() {
        Map<String, String> seventeen = new HashMap<>();
        IntStream.range(0, 17).forEach(i -> seventeen.put("k" + i, "v" + i));
        return Stream.of(
                new Object[] {"workerId", "0x1234"},
                new Object[] {"workerId", Fixtures.hex64().substring(2)},
                new Object[] {"workerId", "0x" + "g".repeat(64)},
                new Object[] {"workerId", Fixtures.hex64() + "0"},
                new Object[] {"workerId", null},
                new Object[] {"capacity", 0},
                new Object[] {"capacity", 1_000_001},
                new Object[] {"capacity", -1},
                new Object[] {"capacity", "8"},
                new Object[] {"capacity", 8.5},
                new Object[] {"capacity", null},
                new Object[] {"rentPerEpoch", 5},
                new Object[] {"rentPerEpoch", "-1"},
                new Object[] {"rentPerEpoch", "1.5"},
                new Object[] {"rentPerEpoch", "01"},
                new Object[] {"rentPerEpoch", null},
                new Object[] {"endpoint", ""},
                new Object[] {"attributes", seventeen});
    }

    @ParameterizedTest
    @MethodSource("invalidRegistrations")
    void anInvalidFieldIsRefusedNamingIt(String field, Object value) {
        String id = Fixtures.hex64();
        Map<String, Object> body = registration(id, field, value);
        register(Fixtures.account("op"), body).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo(field));
        if (!field.equals("workerId")) {
            assertNotRegistered(id);
        }
    }

    // --- heartbeat ---------------------------------------------------------------------------------

    @Test
    void heartbeatOfAnUnassignedWorkerAnswersNothingToRun() {
        String operator = Fixtures.account("op");
        String id = Fixtures.worker(operator, "1" + PHA);
        long before = epochNow();
        ValidatableResponse answer = heartbeat(operator, id).statusCode(200)
                .body("workerId", equalTo(id))
                .body("clusterId", nullValue())
                .body("contracts", empty());
        long epoch = answer.extract().jsonPath().getLong("epoch");
        assertEquals(true, epoch >= before && epoch <= epochNow(), "the epoch is the current one: " + epoch);
    }

    @Test
    void heartbeatListsTheContractsDeployedInTheWorkersCluster() {
        String operator = Fixtures.account("op");
        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "100" + PHA);
        String first = Fixtures.worker(operator, "1" + PHA);
        String second = Fixtures.worker(operator, "1" + PHA);
        String clusterId = Fixtures.cluster(owner, List.of(first, second), 5,
                Map.of("permission", Map.of("rule", "PUBLIC")));
        long before = epochNow();
        heartbeat(operator, first).statusCode(200)
                .body("workerId", equalTo(first))
                .body("clusterId", equalTo(clusterId))
                .body("epoch", allOf(greaterThanOrEqualTo((int) before), lessThanOrEqualTo((int) epochNow())))
                .body("contracts", empty());

        String developer = Fixtures.account("dev");
        Fixtures.fund(developer, "1" + PHA);
        String codeHash = Fixtures.hex64();
        String contractId = Api.as(developer).post("deploy", Map.of("clusterId", clusterId,
                        "codeHash", "0x" + codeHash.substring(2).toUpperCase(Locale.ROOT), "codeSize", 1024))
                .statusCode(200).extract().path("id");

        for (String worker : List.of(first, second)) {
            heartbeat(operator, worker).statusCode(200)
                    .body("clusterId", equalTo(clusterId))
                    .body("contracts", hasSize(1))
                    .body("contracts[0].id", equalTo(contractId))
                    .body("contracts[0].codeHash", equalTo(codeHash));
        }

        // An undeployed contract is no longer run.
        Api.as(developer).post("undeploy", Map.of("contractId", contractId)).statusCode(200);
        heartbeat(operator, first).statusCode(200).body("contracts", empty());
    }

    @Test
    void onlyTheOperatorMayHeartbeat() {
        String operator = Fixtures.account("op");
        String id = Fixtures.worker(operator, "1" + PHA);
        heartbeat(Fixtures.account("other"), id).statusCode(403).body("error", equalTo("NOT_OWNER"));
        Api.as(Fixtures.account("boss"), "admin", "operator").post("heartbeat", Map.of("workerId", id)).statusCode(403)
                .body("error", equalTo("NOT_OWNER"));
        Api.anonymous().post("heartbeat", Map.of("workerId", id)).statusCode(401).body("error", equalTo("UNAUTHENTICATED"));
        Api.withToken(Tokens.forged(operator)).post("heartbeat", Map.of("workerId", id)).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        Api.withToken(Tokens.expired(operator)).post("heartbeat", Map.of("workerId", id)).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        Api.withToken(Tokens.wrongIssuer(operator)).post("heartbeat", Map.of("workerId", id)).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void heartbeatOfAnUnknownWorkerIsNotFound() {
        String unknown = Fixtures.hex64();
        heartbeat(Fixtures.account("op"), unknown).statusCode(404)
                .body("error", equalTo("WORKER_NOT_FOUND")).body("details.workerId", equalTo(unknown));
        heartbeat(Fixtures.account("op"), "0x42").statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("workerId"));
        Api.as(Fixtures.account("op")).post("heartbeat", Map.of()).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", notNullValue());
    }
}
