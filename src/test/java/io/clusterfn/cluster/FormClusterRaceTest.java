package io.clusterfn.cluster;

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

/** Owners race to form clusters over overlapping workers: each worker ends in exactly one cluster. */
@QuarkusTest
class FormClusterRaceTest extends FunctionTest {
    private static final int OWNERS = 8;
    private static final String RENT = "1000";
    private static final String FUNDS = "1000000";

    @RepeatedTest(5)
    void eachWorkerEndsInExactlyOneClusterAndLosersKeepTheirMoney() {
        String operator = Fixtures.account("op");
        List<String> workers = List.of(Fixtures.worker(operator, RENT), Fixtures.worker(operator, RENT),
                Fixtures.worker(operator, RENT));
        List<String> owners = new ArrayList<>();
        List<Supplier<Response>> calls = new ArrayList<>();
        for (int i = 0; i < OWNERS; i++) {
            String owner = Fixtures.account("owner");
            owners.add(owner);
            Fixtures.fund(owner, FUNDS);
            // Owners ask for overlapping pairs of the three workers, or all three.
            List<String> wanted = i % 4 == 3 ? workers : List.of(workers.get(i % 3), workers.get((i + 1) % 3));
            Map<String, Object> body = Map.of("name", "race", "workers", wanted, "prepaidEpochs", 5);
            Api api = Api.as(owner);
            calls.add(() -> api.request().body(body).post("/formCluster"));
        }

        List<Response> answers = Race.run(calls);

        Map<String, String> clusterOfWorker = new HashMap<>();
        for (int i = 0; i < OWNERS; i++) {
            Response answer = answers.get(i);
            String owner = owners.get(i);
            if (answer.statusCode() == 200) {
                List<String> members = answer.path("workers.id");
                BigInteger paid = new BigInteger(RENT).multiply(BigInteger.valueOf(5L * members.size()));
                for (String w : members) {
                    String before = clusterOfWorker.put(w, answer.path("id"));
                    assertEquals(null, before, "worker " + w + " is in one cluster only");
                }
                Api.as(owner).get("balance", Map.of()).statusCode(200)
                        .body("free", equalTo(new BigInteger(FUNDS).subtract(paid).toString()))
                        .body("escrow", equalTo(paid.toString()));
            } else {
                assertEquals(409, answer.statusCode(), answer.asString());
                assertEquals("WORKER_BUSY", answer.path("error"));
                Api.as(owner).get("balance", Map.of()).statusCode(200)
                        .body("free", equalTo(FUNDS)).body("escrow", equalTo("0"));
            }
        }
        // Every worker that was won shows the winning cluster; the overlap leaves no room for two winners on one.
        clusterOfWorker.forEach((worker, cluster) -> Api.anonymous().get("cluster", Map.of("id", cluster))
                .statusCode(200).body("workers.find { it.id == '" + worker + "' }.clusterId", equalTo(cluster)));
        LedgerCheck.assertInvariant();
    }
}
