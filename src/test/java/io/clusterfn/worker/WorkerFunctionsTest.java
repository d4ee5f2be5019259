package io.clusterfn.worker;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
class WorkerFunctionsTest extends FunctionTest {
    private static Map<String, Object> worker(String id) {
        return new HashMap<>(Map.of("workerId", id, "endpoint", "https://w.example", "capacity", 4,
                "rentPerEpoch", "10", "attributes", Map.of("tee", "tdx")));
    }

    @Test
    void anOperatorRegistersAWorkerUnderItsOwnName() {
        String operator = Fixtures.account("op");
        String id = Fixtures.hex64();
        Api.as(operator, "operator").post("registerWorker", worker(id.toUpperCase().replace("0X", "0x")))
                .statusCode(200).body("id", equalTo(id)).body("operator", equalTo(operator))
                .body("status", equalTo("AVAILABLE")).body("capacity", equalTo(4)).body("rentPerEpoch", equalTo("10"))
                .body("attributes.tee", equalTo("tdx")).body("clusterId", nullValue());
        Api.as(operator, "operator").post("registerWorker", worker(id)).statusCode(409).body("error", equalTo("CONFLICT"));
    }

    @Test
    void registeringNeedsTheOperatorRoleAndAToken() {
        Api.as(Fixtures.account("op")).post("registerWorker", worker(Fixtures.hex64())).statusCode(403)
                .body("error", equalTo("ROLE_REQUIRED")).body("details.role", equalTo("operator"));
        Api.anonymous().post("registerWorker", worker(Fixtures.hex64())).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        Api.withToken(Tokens.forged("op", "operator")).post("registerWorker", worker(Fixtures.hex64()))
                .statusCode(401);
    }

    @Test
    void badWorkerFieldsAreRefusedNamingTheField() {
        Api op = Api.as(Fixtures.account("op"), "operator");
        Map<String, Map<String, Object>> cases = new java.util.LinkedHashMap<>();
        cases.put("workerId", Map.of("workerId", "0x1234"));
        cases.put("capacity", Map.of("capacity", 0));
        cases.put("capacity ", Map.of("capacity", 1_000_001));
        cases.put("capacity  ", Map.of("capacity", "8"));
        cases.put("rentPerEpoch", Map.of("rentPerEpoch", 10));
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 17; i++) {
            many.put("k" + i, "v");
        }
        cases.put("attributes", Map.of("attributes", many));
        String id = Fixtures.hex64();
        cases.forEach((field, change) -> {
            Map<String, Object> body = worker(id);
            body.putAll(change);
            op.post("registerWorker", body).statusCode(400).body("error", equalTo("INVALID_INPUT"))
                    .body("details.field", equalTo(field.trim()));
        });
        // None of the refused registrations took the id.
        op.post("registerWorker", worker(id)).statusCode(200);
    }

    @Test
    void heartbeatTellsTheWorkerItsClusterAndContracts() {
        String operator = Fixtures.account("op");
        String id = Fixtures.worker(operator, "1");
        Api.as(operator).post("heartbeat", Map.of("workerId", id)).statusCode(200)
                .body("workerId", equalTo(id)).body("clusterId", nullValue()).body("contracts", empty());

        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "100");
        String cluster = Fixtures.cluster(owner, List.of(id), 2, Map.of("permission", Map.of("rule", "PUBLIC")));
        String code = Fixtures.hex64();
        String contract = Api.as(owner).post("deploy", Map.of("clusterId", cluster, "codeHash", code, "codeSize", 10))
                .statusCode(200).extract().path("id");
        Api.as(operator).post("heartbeat", Map.of("workerId", id)).statusCode(200)
                .body("clusterId", equalTo(cluster)).body("contracts", hasSize(1))
                .body("contracts[0].id", equalTo(contract)).body("contracts[0].codeHash", equalTo(code));
    }

    @Test
    void onlyTheOperatorSendsHeartbeatsForKnownWorkers() {
        String id = Fixtures.worker(Fixtures.account("op"), "1");
        Api.as(Fixtures.account("mallory")).post("heartbeat", Map.of("workerId", id)).statusCode(403)
                .body("error", equalTo("NOT_OWNER"));
        Api.as("op").post("heartbeat", Map.of("workerId", Fixtures.hex64())).statusCode(404)
                .body("error", equalTo("WORKER_NOT_FOUND"));
        Api.anonymous().post("heartbeat", Map.of("workerId", id)).statusCode(401);
    }
}
