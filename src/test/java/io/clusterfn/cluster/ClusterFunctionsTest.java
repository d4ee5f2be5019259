package io.clusterfn.cluster;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
class ClusterFunctionsTest extends FunctionTest {
    private static Map<String, Object> form(List<String> workers, long epochs) {
        return Map.of("name", "alpha", "workers", workers, "prepaidEpochs", epochs);
    }

    private static void balance(String account, String free, String escrow) {
        Api.as(account).get("balance", Map.of()).statusCode(200).body("free", equalTo(free)).body("escrow", equalTo(escrow));
    }

    @Test
    void formingMovesTheRentForThePrepaidEpochsIntoTheEscrow() {
        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "1000");
        String op = Fixtures.account("op");
        List<String> workers = List.of(Fixtures.worker(op, "30"), Fixtures.worker(op, "20"));
        String id = Api.as(owner).post("formCluster", form(workers, 4)).statusCode(200)
                .body("owner", equalTo(owner)).body("status", equalTo("ACTIVE")).body("treasury", equalTo(owner))
                .body("publicGood", equalTo(false)).body("permission.rule", equalTo("ONLY_OWNER"))
                .body("quota.maxCodeSize", equalTo(2097152)).body("pricing.deployFee", equalTo("0"))
                .body("escrow", equalTo("200")).body("rentPerEpoch", equalTo("50")).body("runwayEpochs", equalTo(4))
                .body("workers", hasSize(2)).body("workers.status", everyItem(equalTo("ASSIGNED")))
                .body("contracts", equalTo(0)).body("stake.total", equalTo("0"))
                .extract().path("id");
        balance(owner, "800", "200");
        Api.anonymous().get("cluster", Map.of("id", id)).statusCode(200).body("workers.clusterId", everyItem(equalTo(id)));
        Api.anonymous().post("cluster", Map.of("id", id)).statusCode(200).body("escrow", equalTo("200"));
    }

    @Test
    void rentTheOwnerCannotPayIsRefusedAndChangesNothing() {
        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "99");
        String worker = Fixtures.worker(Fixtures.account("op"), "10");
        Api.as(owner).post("formCluster", form(List.of(worker), 10)).statusCode(402)
                .body("error", equalTo("INSUFFICIENT_BALANCE")).body("details.needed", equalTo("100"))
                .body("details.available", equalTo("99"));
        balance(owner, "99", "0");
        // The worker is still free for someone who can pay.
        String rich = Fixtures.account("rich");
        Fixtures.fund(rich, "100");
        Api.as(rich).post("formCluster", form(List.of(worker), 10)).statusCode(200);
    }

    @Test
    void workersMustBeKnownFreeAndListedOnce() {
        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "1000");
        String op = Fixtures.account("op");
        String taken = Fixtures.worker(op, "1");
        Fixtures.cluster(owner, List.of(taken), 1, Map.of());
        String free = Fixtures.worker(op, "1");
        Api.as(owner).post("formCluster", form(List.of(free, taken), 1)).statusCode(409)
                .body("error", equalTo("WORKER_BUSY")).body("details.workerId", equalTo(taken));
        Api.as(owner).post("formCluster", form(List.of(free, Fixtures.hex64()), 1)).statusCode(404)
                .body("error", equalTo("WORKER_NOT_FOUND"));
        Api.as(owner).post("formCluster", form(List.of(free, free), 1)).statusCode(400)
                .body("details.field", equalTo("workers"));
        Api.as(owner).post("formCluster", form(List.of(free), 0)).statusCode(400)
                .body("details.field", equalTo("prepaidEpochs"));
        Api.as(owner).post("formCluster", form(List.of(), 1)).statusCode(400).body("details.field", equalTo("workers"));
        balance(owner, "999", "1");
        Api.as(owner).post("formCluster", form(List.of(free), 1)).statusCode(200);
    }

    @Test
    void rulesAreCheckedWhenSet() {
        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "10");
        String worker = Fixtures.worker(Fixtures.account("op"), "1");
        Api.as(owner).post("formCluster", Map.of("name", "x", "workers", List.of(worker), "prepaidEpochs", 1,
                "permission", Map.of("rule", "EXPRESSION", "expression", "account.startsWith("))).statusCode(400)
                .body("error", equalTo("INVALID_RULE")).body("message", org.hamcrest.Matchers.containsString("ERROR"));
        Api.as(owner).post("formCluster", Map.of("name", "x", "workers", List.of(worker), "prepaidEpochs", 1,
                "permission", Map.of("rule", "EVERYONE"))).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("permission.rule"));
        Api.as(owner).post("formCluster", Map.of("name", "x", "workers", List.of(worker), "prepaidEpochs", 1,
                "pricing", Map.of("deployFee", "-1"))).statusCode(400)
                .body("details.field", equalTo("pricing.deployFee"));
        balance(owner, "10", "0");
    }

    @Test
    void publicGoodClustersAreFormedAndPaidByAnAdmin() {
        String worker = Fixtures.worker(Fixtures.account("op"), "5");
        String user = Fixtures.account("user");
        Fixtures.fund(user, "100");
        Api.as(user).post("formCluster", Map.of("name", "pg", "workers", List.of(worker), "prepaidEpochs", 2,
                "publicGood", true)).statusCode(403).body("error", equalTo("ROLE_REQUIRED"))
                .body("details.role", equalTo("admin"));
        String admin = Fixtures.account("admin");
        Fixtures.fund(admin, "100");
        Api.as(admin, "admin").post("formCluster", Map.of("name", "pg", "workers", List.of(worker), "prepaidEpochs", 2,
                "publicGood", true)).statusCode(200).body("publicGood", equalTo(true)).body("owner", equalTo(admin));
        balance(admin, "90", "10");
        balance(user, "100", "0");
    }

    @Test
    void changesNeedAValidToken() {
        String worker = Fixtures.worker(Fixtures.account("op"), "1");
        for (String token : new String[] {Tokens.forged("owner"), Tokens.expired("owner"), Tokens.wrongIssuer("owner")}) {
            Api.withToken(token).post("formCluster", form(List.of(worker), 1)).statusCode(401)
                    .body("error", equalTo("UNAUTHENTICATED"));
        }
        Api.anonymous().post("formCluster", form(List.of(worker), 1)).statusCode(401);
    }

    @Test
    void fundingTopsUpTheEscrowOfAnExistingCluster() {
        String owner = Fixtures.account("owner");
        String cluster = Fixtures.clusterWith(owner, Map.of());
        String friend = Fixtures.account("friend");
        Fixtures.fund(friend, "500");
        Api.as(friend).post("fundCluster", Map.of("clusterId", cluster, "amount", "300")).statusCode(200)
                .body("escrow", equalTo("10000000000300"));
        Api.as(friend).post("fundCluster", Map.of("clusterId", Fixtures.hex64(), "amount", "100")).statusCode(404)
                .body("error", equalTo("CLUSTER_NOT_FOUND"));
        Api.as(friend).post("fundCluster", Map.of("clusterId", cluster, "amount", "201")).statusCode(402)
                .body("error", equalTo("INSUFFICIENT_BALANCE"));
        Api.as(friend).post("fundCluster", Map.of("clusterId", cluster, "amount", "0")).statusCode(400);
        Api.as(friend).get("balance", Map.of()).statusCode(200).body("free", equalTo("200"));
    }

    @Test
    void onlyTheOwnerConfiguresAndEachObjectReplacesTheOld() {
        String owner = Fixtures.account("owner");
        String cluster = Fixtures.clusterWith(owner, Map.of("quota", Map.of("maxContracts", 5)));
        Map<String, Object> change = Map.of("clusterId", cluster, "permission", Map.of("rule", "ALLOW_LIST",
                "accounts", List.of("a", "b")), "quota", Map.of("maxContractsPerDeployer", 2),
                "pricing", Map.of("deployFee", "7"), "treasury", "vault");
        Api.as(Fixtures.account("mallory")).post("configureCluster", change).statusCode(403)
                .body("error", equalTo("NOT_OWNER"));
        Api.anonymous().get("cluster", Map.of("id", cluster)).statusCode(200)
                .body("permission.rule", equalTo("ONLY_OWNER")).body("quota.maxContracts", equalTo(5));
        Api.as(owner).post("configureCluster", change).statusCode(200)
                .body("permission.rule", equalTo("ALLOW_LIST")).body("permission.accounts", equalTo(List.of("a", "b")))
                .body("quota.maxContracts", nullValue()).body("quota.maxContractsPerDeployer", equalTo(2))
                .body("pricing.deployFee", equalTo("7")).body("pricing.depositPerByte", equalTo("0"))
                .body("treasury", equalTo("vault"));
        Api.as(owner).post("configureCluster", Map.of("clusterId", Fixtures.hex64())).statusCode(404)
                .body("error", equalTo("CLUSTER_NOT_FOUND"));
    }

    @Test
    void workersJoinAndLeaveButTheLastOneStays() {
        String owner = Fixtures.account("owner");
        String op = Fixtures.account("op");
        Fixtures.fund(owner, "100");
        String first = Fixtures.worker(op, "1");
        String cluster = Fixtures.cluster(owner, List.of(first), 1, Map.of());
        String second = Fixtures.worker(op, "1");

        Api.as(owner).post("configureCluster", Map.of("clusterId", cluster, "addWorkers", List.of(second)))
                .statusCode(200).body("workers", hasSize(2));
        Api.as(owner).post("configureCluster", Map.of("clusterId", cluster, "addWorkers", List.of(Fixtures.hex64())))
                .statusCode(404).body("error", equalTo("WORKER_NOT_FOUND"));
        String elsewhere = Fixtures.worker(op, "1");
        Fixtures.fund(op, "10");
        Fixtures.cluster(op, List.of(elsewhere), 1, Map.of());
        Api.as(owner).post("configureCluster", Map.of("clusterId", cluster, "addWorkers", List.of(elsewhere)))
                .statusCode(409).body("error", equalTo("WORKER_BUSY"));
        Api.as(owner).post("configureCluster", Map.of("clusterId", cluster, "removeWorkers", List.of(elsewhere)))
                .statusCode(404).body("error", equalTo("WORKER_NOT_FOUND"));
        Api.as(owner).post("configureCluster", Map.of("clusterId", cluster, "removeWorkers", List.of(first, second)))
                .statusCode(409).body("error", equalTo("CONFLICT"));

        Api.as(owner).post("configureCluster", Map.of("clusterId", cluster, "removeWorkers", List.of(first)))
                .statusCode(200).body("workers.id", equalTo(List.of(second)));
        // A removed worker is available again: another owner can rent it.
        String other = Fixtures.account("other");
        Fixtures.fund(other, "10");
        Fixtures.cluster(other, List.of(first), 1, Map.of());
    }

    @Test
    void clustersArePagedAndFiltered() {
        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "100");
        String op = Fixtures.account("op");
        for (int i = 0; i < 3; i++) {
            Fixtures.cluster(owner, List.of(Fixtures.worker(op, "1")), 1, Map.of());
        }
        String next = Api.anonymous().get("clusters", Map.of("owner", owner, "limit", 2)).statusCode(200)
                .body("items", hasSize(2)).body("items.owner", everyItem(equalTo(owner))).extract().path("next");
        Api.anonymous().get("clusters", Map.of("owner", owner, "limit", 2, "cursor", next)).statusCode(200)
                .body("items", hasSize(1)).body("next", nullValue());
        Api.anonymous().post("clusters", Map.of("owner", owner, "status", "ACTIVE", "publicGood", false)).statusCode(200)
                .body("items", hasSize(3));
        Api.anonymous().get("clusters", Map.of("owner", owner, "status", "SUSPENDED")).statusCode(200)
                .body("items", hasSize(0));
        for (Object limit : new Object[] {0, 501, "abc"}) {
            Api.anonymous().get("clusters", Map.of("limit", limit)).statusCode(400).body("details.field", equalTo("limit"));
        }
        Api.anonymous().get("clusters", Map.of("publicGood", "maybe")).statusCode(400)
                .body("details.field", equalTo("publicGood"));
        Api.anonymous().get("clusters", Map.of("cursor", "%%%")).statusCode(400).body("details.field", equalTo("cursor"));
    }

    @Test
    void unknownAndMalformedClusterIds() {
        Api.anonymous().get("cluster", Map.of("id", Fixtures.hex64())).statusCode(404)
                .body("error", equalTo("CLUSTER_NOT_FOUND"));
        Api.anonymous().get("cluster", Map.of("id", "abc")).statusCode(400).body("details.field", equalTo("id"));
        Api.anonymous().get("cluster", Map.of("nope", "x")).statusCode(400).body("details.field", equalTo("nope"));
    }
}
