package io.clusterfn.contract;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.LedgerCheck;
import io.clusterfn.support.Race;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.RepeatedTest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 40 deploys from 8 accounts race into a cluster that takes 10, at most 4 per deployer. */
@QuarkusTest
class DeployRaceTest extends FunctionTest {
    private static final int DEPLOYERS = 8;
    private static final int EACH = 5;
    private static final BigInteger FEE = BigInteger.valueOf(1_000);
    private static final BigInteger PER_BYTE = BigInteger.valueOf(3);
    private static final long CODE_SIZE = 100;
    private static final BigInteger FUNDS = BigInteger.valueOf(1_000_000);

    @RepeatedTest(10)
    void exactlyTheQuotaSucceedsAndTheMoneyAddsUp() {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String cluster = Fixtures.clusterWith(owner, Map.of("permission", Map.of("rule", "PUBLIC"),
                "quota", Map.of("maxContracts", 10, "maxContractsPerDeployer", 4),
                "pricing", Map.of("deployFee", FEE.toString(), "depositPerByte", PER_BYTE.toString()),
                "treasury", treasury));
        List<String> deployers = new ArrayList<>();
        List<Supplier<Response>> calls = new ArrayList<>();
        for (int d = 0; d < DEPLOYERS; d++) {
            String deployer = Fixtures.account("dev");
            deployers.add(deployer);
            Fixtures.fund(deployer, FUNDS.toString());
            Api api = Api.as(deployer);
            for (int i = 0; i < EACH; i++) {
                Map<String, Object> body = Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", CODE_SIZE);
                calls.add(() -> api.request().body(body).post("/deploy"));
            }
        }

        List<Response> answers = Race.run(calls);

        Map<String, Integer> successes = new HashMap<>();
        for (Response answer : answers) {
            if (answer.statusCode() == 200) {
                successes.merge(answer.path("deployer"), 1, Integer::sum);
            } else {
                assertEquals(409, answer.statusCode(), answer.asString());
                assertEquals("QUOTA_EXCEEDED", answer.path("error"));
            }
        }
        assertEquals(10, successes.values().stream().mapToInt(Integer::intValue).sum(), "exactly maxContracts succeed");
        successes.values().forEach(n -> assertTrue(n <= 4, "no deployer above its quota"));

        BigInteger deposit = PER_BYTE.multiply(BigInteger.valueOf(CODE_SIZE));
        for (String deployer : deployers) {
            BigInteger n = BigInteger.valueOf(successes.getOrDefault(deployer, 0));
            Api.as(deployer).get("balance", Map.of()).statusCode(200)
                    .body("free", equalTo(FUNDS.subtract(FEE.add(deposit).multiply(n)).toString()))
                    .body("deposits", equalTo(deposit.multiply(n).toString()));
        }
        Api.as(treasury).get("balance", Map.of()).statusCode(200)
                .body("free", equalTo(FEE.multiply(BigInteger.TEN).toString()));
        Api.anonymous().get("cluster", Map.of("id", cluster)).statusCode(200).body("contracts", equalTo(10));
        LedgerCheck.assertInvariant();
    }
}
