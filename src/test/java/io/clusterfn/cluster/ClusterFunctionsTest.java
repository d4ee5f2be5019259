package io.clusterfn.cluster;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.clusterfn.support.Fixtures.PHA;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class ClusterFunctionsTest extends FunctionTest {
    private static final String ID = "0x[0-9a-f]{64}";
    private static final long DEFAULT_MAX_CODE_SIZE = 2_097_152;

    // --- helpers ---------------------------------------------------------------------------------

    private static String pha(long n) {
        return n == 0 ? "0" : n + PHA;
    }

    /** A funded account. */
    private static String funded(String prefix, long pha) {
        String account = Fixtures.account(prefix);
        Fixtures.fund(account, pha(pha));
        return account;
    }

    private static String free(String account) {
        return Api.as(account).get("balance", Map.of()).statusCode(200).extract().path("free");
    }

    private static String worker(long rentPha) {
        return Fixtures.worker(Fixtures.account("op"), pha(rentPha));
    }

    private static Map<String, Object> formation(List<String> workers, long prepaidEpochs) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "cluster-" + workers.size());
        body.put("workers", workers);
        body.put("prepaidEpochs", prepaidEpochs);
        return body;
    }

    private static Map<String, Object> formation(List<String> workers, long prepaidEpochs, String field, Object value) {
        Map<String, Object> body = formation(workers, prepaidEpochs);
        body.put(field, value);
        return body;
    }

    private static ValidatableResponse form(String owner, Map<String, Object> body) {
        return Api.as(owner).post("formCluster", body);
    }

    private static ValidatableResponse view(String clusterId) {
        return Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200);
    }

    private static ValidatableResponse configure(String caller, String clusterId, Map<String, ?> changes) {
        Map<String, Object> body = new HashMap<>(changes);
        body.put("clusterId", clusterId);
        return Api.as(caller).post("configureCluster", body);
    }

    /** The worker is free: a fresh owner can form a cluster over it. */
    private static void assertAvailable(String workerId) {
        form(funded("probe", 1000), formation(List.of(workerId), 1)).statusCode(200)
                .body("workers[0].id", equalTo(workerId)).body("workers[0].status", equalTo("ASSIGNED"));
    }

    private static List<String> clusterIdsOf(String owner) {
        return Api.anonymous().get("clusters", Map.of("owner", owner)).statusCode(200).extract().path("items.id");
    }

    // --- formCluster -----------------------------------------------------------------------------

    @Test
    void formClusterMovesThePrepaidRentIntoTheEscrowAndAssignsTheWorkers() {
        String owner = funded("owner", 100);
        String a = worker(2);
        String b = worker(3);
        ValidatableResponse formed = form(owner, formation(List.of(a, "0x" + b.substring(2).toUpperCase(Locale.ROOT)), 4))
                .statusCode(200)
                .body("id", matchesPattern(ID))
                .body("name", equalTo("cluster-2"))
                .body("owner", equalTo(owner))
                .body("status", equalTo("ACTIVE"))
                .body("publicGood", equalTo(false))
                .body("permission.rule", equalTo("ONLY_OWNER"))
                .body("quota.maxCodeSize", equalTo((int) DEFAULT_MAX_CODE_SIZE))
                .body("quota.maxContracts", nullValue())
                .body("pricing.deployFee", equalTo("0"))
                .body("pricing.depositPerByte", equalTo("0"))
                .body("treasury", equalTo(owner))
                .body("workers.id", containsInAnyOrder(a, b))
                .body("workers.status", everyItem(equalTo("ASSIGNED")))
                .body("escrow", equalTo(pha(20)))
                .body("rentPerEpoch", equalTo(pha(5)))
                .body("runwayEpochs", equalTo(4))
                .body("contracts", equalTo(0));
        String id = formed.extract().path("id");
        formed.body("workers.clusterId", everyItem(equalTo(id)));

        assertEquals(pha(80), free(owner), "the owner paid exactly the rent for the prepaid epochs");
        Api.as(owner).get("balance", Map.of()).statusCode(200).body("escrow", equalTo(pha(20)));
        view(id).body("owner", equalTo(owner)).body("escrow", equalTo(pha(20))).body("runwayEpochs", equalTo(4))
                .body("workers.id", containsInAnyOrder(a, b)).body("workers.clusterId", everyItem(equalTo(id)));
    }

    @Test
    void formClusterTakesTheGivenRulesAndTreasury() {
        String owner = funded("owner", 100);
        String treasury = Fixtures.account("treasury");
        Map<String, Object> body = formation(List.of(worker(1)), 1);
        body.put("permission", Map.of("rule", "EXPRESSION", "expression", "account == owner || codeSize < 1000"));
        body.put("quota", Map.of("maxContracts", 10, "maxContractsPerDeployer", 2, "maxCodeSize", 4096));
        body.put("pricing", Map.of("deployFee", pha(1), "depositPerByte", "7"));
        body.put("treasury", treasury);
        String id = form(owner, body).statusCode(200)
                .body("permission.rule", equalTo("EXPRESSION"))
                .body("permission.expression", equalTo("account == owner || codeSize < 1000"))
                .body("quota.maxContracts", equalTo(10))
                .body("quota.maxContractsPerDeployer", equalTo(2))
                .body("quota.maxCodeSize", equalTo(4096))
                .body("pricing.deployFee", equalTo(pha(1)))
                .body("pricing.depositPerByte", equalTo("7"))
                .body("treasury", equalTo(treasury))
                .extract().path("id");
        view(id).body("treasury", equalTo(treasury)).body("quota.maxContracts", equalTo(10));
        assertEquals(pha(99), free(owner));
    }

    @Test
    void rentTheOwnerCannotPayIsRefusedAndChangesNothing() {
        String owner = funded("owner", 5);
        String a = worker(2);
        String b = worker(3);
        form(owner, formation(List.of(a, b), 2)).statusCode(402)
                .body("error", equalTo("INSUFFICIENT_BALANCE"))
                .body("details.needed", equalTo(pha(10)))
                .body("details.available", equalTo(pha(5)));
        assertEquals(pha(5), free(owner));
        assertEquals(List.of(), clusterIdsOf(owner));
        assertAvailable(a);
        assertAvailable(b);
    }

    @Test
    void prepaidRentOverTheLargestAmountIsAnInvalidPrepaidEpochs() {
        String owner = Fixtures.account("rich-owner");
        for (int i = 0; i < 3; i++) {
            Fixtures.fund(owner, "1" + "0".repeat(30));
        }
        String a = Fixtures.worker(Fixtures.account("op"), "1" + "0".repeat(30));
        form(owner, formation(List.of(a), 2)).statusCode(400).body("error", equalTo("INVALID_INPUT"))
                .body("details.field", equalTo("prepaidEpochs"));
        assertEquals("3" + "0".repeat(30), free(owner));
        assertEquals(List.of(), clusterIdsOf(owner));
        // exactly the largest amount is fine, and the worker is still free for it
        form(owner, formation(List.of(a), 1)).statusCode(200).body("escrow", equalTo("1" + "0".repeat(30)));
        assertEquals("2" + "0".repeat(30), free(owner));
    }

    @Test
    void anOwnerWithoutAnyFundsGetsInsufficientBalance() {
        String owner = Fixtures.account("broke");
        String a = worker(1);
        form(owner, formation(List.of(a), 1)).statusCode(402)
                .body("error", equalTo("INSUFFICIENT_BALANCE"))
                .body("details.needed", equalTo(pha(1))).body("details.available", equalTo("0"));
        assertAvailable(a);
    }

    @Test
    void aWorkerAlreadyInAClusterIsBusy() {
        String busy = worker(1);
        Fixtures.cluster(funded("first", 10), List.of(busy), 1, Map.of());
        String second = funded("second", 10);
        String fresh = worker(1);
        form(second, formation(List.of(fresh, busy), 1)).statusCode(409)
                .body("error", equalTo("WORKER_BUSY")).body("details.workerId", equalTo(busy));
        assertEquals(pha(10), free(second));
        assertEquals(List.of(), clusterIdsOf(second));
        assertAvailable(fresh);
    }

    @Test
    void anUnknownWorkerIsNotFound() {
        String owner = funded("owner", 10);
        String known = worker(1);
        String unknown = Fixtures.hex64();
        form(owner, formation(List.of(known, unknown), 1)).statusCode(404)
                .body("error", equalTo("WORKER_NOT_FOUND")).body("details.workerId", equalTo(unknown));
        assertEquals(pha(10), free(owner));
        assertAvailable(known);
    }

    @Test
    void aWorkerListedTwiceIsInvalidEvenInAnotherCase() {
        String owner = funded("owner", 10);
        String a = worker(1);
        form(owner, formation(List.of(a, a), 1)).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("workers"));
        form(owner, formation(List.of(a, "0x" + a.substring(2).toUpperCase(Locale.ROOT)), 1)).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("workers"));
        assertEquals(pha(10), free(owner));
        assertAvailable(a);
    }

    @Test
    void invalidFormationsNameTheirField() {
        String owner = funded("owner", 10);
        String a = worker(1);
        form(owner, formation(List.of(a), 0)).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("prepaidEpochs"));
        form(owner, formation(List.of(a), -1)).statusCode(400).body("details.field", equalTo("prepaidEpochs"));
        form(owner, formation(List.of(a), 1, "prepaidEpochs", "1")).statusCode(400)
                .body("details.field", equalTo("prepaidEpochs"));
        form(owner, formation(List.of(a), 1, "prepaidEpochs", null)).statusCode(400)
                .body("details.field", equalTo("prepaidEpochs"));
        form(owner, formation(List.of(), 1)).statusCode(400).body("details.field", equalTo("workers"));
        form(owner, formation(List.of("0x1234"), 1)).statusCode(400).body("details.field", equalTo("workers"));
        form(owner, formation(List.of(a), 1, "name", "")).statusCode(400).body("details.field", equalTo("name"));
        form(owner, formation(List.of(a), 1, "treasury", "not a valid/account")).statusCode(400)
                .body("details.field", equalTo("treasury"));
        form(owner, formation(List.of(a), 1, "pricing", Map.of("deployFee", 5))).statusCode(400)
                .body("details.field", equalTo("pricing.deployFee"));
        form(owner, formation(List.of(a), 1, "quota", Map.of("maxContracts", -1))).statusCode(400)
                .body("details.field", equalTo("quota.maxContracts"));
        form(owner, formation(List.of(a), 1, "publicGood", "yes")).statusCode(400)
                .body("details.field", equalTo("publicGood"));
        assertEquals(pha(10), free(owner));
        assertAvailable(a);
    }

    @Test
    void aPublicGoodClusterNeedsAnAdminWhoPaysItsRent() {
        String owner = funded("owner", 10);
        String a = worker(2);
        form(owner, formation(List.of(a), 1, "publicGood", true)).statusCode(403)
                .body("error", equalTo("ROLE_REQUIRED")).body("details.role", equalTo("admin"));
        Api.as(owner, "operator", "scheduler").post("formCluster", formation(List.of(a), 1, "publicGood", true))
                .statusCode(403).body("error", equalTo("ROLE_REQUIRED")).body("details.role", equalTo("admin"));
        assertEquals(pha(10), free(owner));

        String admin = funded("admin", 10);
        String id = Api.as(admin, "admin").post("formCluster", formation(List.of(a), 3, "publicGood", true))
                .statusCode(200)
                .body("publicGood", equalTo(true)).body("owner", equalTo(admin)).body("escrow", equalTo(pha(6)))
                .body("workers[0].status", equalTo("ASSIGNED"))
                .extract().path("id");
        assertEquals(pha(4), free(admin), "the admin who formed it paid the rent");
        view(id).body("publicGood", equalTo(true));
    }

    @Test
    void anExpressionThatDoesNotCompileIsAnInvalidRule() {
        String owner = funded("owner", 10);
        String a = worker(1);
        form(owner, formation(List.of(a), 1, "permission", Map.of("rule", "EXPRESSION", "expression", "account ==")))
                .statusCode(400).body("error", equalTo("INVALID_RULE")).body("message", not(equalTo("")));
        form(owner, formation(List.of(a), 1, "permission", Map.of("rule", "EXPRESSION", "expression", "nosuchvar > 1")))
                .statusCode(400).body("error", equalTo("INVALID_RULE"));
        form(owner, formation(List.of(a), 1, "permission", Map.of("rule", "EXPRESSION"))).statusCode(400)
                .body("details.field", equalTo("permission.expression"));
        assertEquals(pha(10), free(owner));
        assertAvailable(a);
    }

    @Test
    void anUnknownRuleIsInvalid() {
        String owner = funded("owner", 10);
        String a = worker(1);
        form(owner, formation(List.of(a), 1, "permission", Map.of("rule", "EVERYONE"))).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("permission.rule"));
        form(owner, formation(List.of(a), 1, "permission", Map.of("rule", "ALLOW_LIST"))).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("permission.accounts"));
        form(owner, formation(List.of(a), 1, "permission", Map.of("rule", "ALLOW_LIST", "accounts", List.of("bad/name"))))
                .statusCode(400).body("details.field", equalTo("permission.accounts"));
        assertEquals(pha(10), free(owner));
        assertAvailable(a);
    }

    @Test
    void formClusterNeedsAValidToken() {
        String owner = funded("owner", 10);
        String a = worker(1);
        Api.anonymous().post("formCluster", formation(List.of(a), 1)).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        for (String token : List.of(Tokens.forged(owner), Tokens.expired(owner), Tokens.wrongIssuer(owner), "not-a-jwt")) {
            Api.withToken(token).post("formCluster", formation(List.of(a), 1)).statusCode(401)
                    .body("error", equalTo("UNAUTHENTICATED"));
        }
        assertEquals(pha(10), free(owner));
        assertAvailable(a);
    }

    // --- fundCluster -----------------------------------------------------------------------------

    @Test
    void fundClusterTopsUpTheEscrowFromThePayer() {
        String owner = funded("owner", 10);
        String id = Fixtures.cluster(owner, List.of(worker(2)), 1, Map.of());
        String payer = funded("payer", 10);
        Api.as(payer).post("fundCluster", Map.of("clusterId", id, "amount", pha(3))).statusCode(200)
                .body("id", equalTo(id)).body("escrow", equalTo(pha(5))).body("runwayEpochs", equalTo(2))
                .body("owner", equalTo(owner));
        assertEquals(pha(7), free(payer));
        assertEquals(pha(8), free(owner));
        // The owner tops up its own cluster too, with an id in upper case.
        Api.as(owner).post("fundCluster", Map.of("clusterId", "0x" + id.substring(2).toUpperCase(Locale.ROOT),
                "amount", "1")).statusCode(200).body("escrow", equalTo("5000000000001"));
        assertEquals("7999999999999", free(owner));
        view(id).body("escrow", equalTo("5000000000001"));
    }

    @Test
    void fundingAMissingClusterIsNotFoundAndMovesNothing() {
        String payer = funded("payer", 10);
        String missing = Fixtures.hex64();
        Api.as(payer).post("fundCluster", Map.of("clusterId", missing, "amount", pha(3))).statusCode(404)
                .body("error", equalTo("CLUSTER_NOT_FOUND")).body("details.clusterId", equalTo(missing));
        assertEquals(pha(10), free(payer));
    }

    @Test
    void fundingBeyondTheBalanceIsRefused() {
        String owner = funded("owner", 10);
        String id = Fixtures.cluster(owner, List.of(worker(2)), 1, Map.of());
        String payer = funded("payer", 3);
        Api.as(payer).post("fundCluster", Map.of("clusterId", id, "amount", "3000000000001")).statusCode(402)
                .body("error", equalTo("INSUFFICIENT_BALANCE"))
                .body("details.needed", equalTo("3000000000001")).body("details.available", equalTo(pha(3)));
        assertEquals(pha(3), free(payer));
        view(id).body("escrow", equalTo(pha(2)));
    }

    @Test
    void invalidFundingIsRefused() {
        String owner = funded("owner", 10);
        String id = Fixtures.cluster(owner, List.of(worker(2)), 1, Map.of());
        Api.as(owner).post("fundCluster", Map.of("clusterId", id, "amount", "0")).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("amount"));
        Api.as(owner).post("fundCluster", Map.of("clusterId", id, "amount", 5)).statusCode(400)
                .body("details.field", equalTo("amount"));
        Api.as(owner).post("fundCluster", Map.of("clusterId", "0x12", "amount", "5")).statusCode(400)
                .body("details.field", equalTo("clusterId"));
        Api.anonymous().post("fundCluster", Map.of("clusterId", id, "amount", "5")).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        Api.withToken(Tokens.expired(owner)).post("fundCluster", Map.of("clusterId", id, "amount", "5")).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        assertEquals(pha(8), free(owner));
        view(id).body("escrow", equalTo(pha(2)));
    }

    // --- configureCluster ------------------------------------------------------------------------

    @Test
    void theOwnerReplacesRulesPricingAndTreasuryWhole() {
        String owner = funded("owner", 10);
        String id = Fixtures.cluster(owner, List.of(worker(1)), 1, Map.of(
                "quota", Map.of("maxContracts", 3, "maxCodeSize", 100),
                "pricing", Map.of("deployFee", "5", "depositPerByte", "2")));
        String treasury = Fixtures.account("treasury");
        String friend = Fixtures.account("friend");
        configure(owner, id, Map.of(
                "permission", Map.of("rule", "ALLOW_LIST", "accounts", List.of(friend)),
                "quota", Map.of("maxContractsPerDeployer", 1),
                "pricing", Map.of("deployFee", pha(2)),
                "treasury", treasury)).statusCode(200)
                .body("permission.rule", equalTo("ALLOW_LIST"))
                .body("permission.accounts", equalTo(List.of(friend)))
                .body("quota.maxContracts", nullValue())
                .body("quota.maxContractsPerDeployer", equalTo(1))
                .body("quota.maxCodeSize", equalTo((int) DEFAULT_MAX_CODE_SIZE))
                .body("pricing.deployFee", equalTo(pha(2)))
                .body("pricing.depositPerByte", equalTo("0"))
                .body("treasury", equalTo(treasury));
        view(id).body("permission.rule", equalTo("ALLOW_LIST")).body("treasury", equalTo(treasury))
                .body("quota.maxContractsPerDeployer", equalTo(1)).body("pricing.deployFee", equalTo(pha(2)));

        // What is not given stays as it is.
        configure(owner, id, Map.of("permission", Map.of("rule", "PUBLIC"))).statusCode(200)
                .body("permission.rule", equalTo("PUBLIC")).body("treasury", equalTo(treasury))
                .body("pricing.deployFee", equalTo(pha(2)));
        configure(owner, id, Map.of("permission", Map.of("rule", "EXPRESSION", "expression", "codeSize <= 10")))
                .statusCode(200).body("permission.expression", equalTo("codeSize <= 10"));
        assertEquals(pha(9), free(owner), "configuring moves no money");
    }

    @Test
    void onlyTheOwnerConfiguresAndARefusalChangesNothing() {
        String owner = funded("owner", 10);
        String member = worker(1);
        String id = Fixtures.cluster(owner, List.of(member), 1, Map.of());
        String spare = worker(1);
        String mallory = funded("mallory", 10);
        configure(mallory, id, Map.of("permission", Map.of("rule", "PUBLIC"), "treasury", mallory,
                "pricing", Map.of("deployFee", pha(1)), "addWorkers", List.of(spare))).statusCode(403)
                .body("error", equalTo("NOT_OWNER"));
        configure(mallory, id, Map.of("removeWorkers", List.of(member))).statusCode(403)
                .body("error", equalTo("NOT_OWNER"));
        Api.as(mallory, "admin").post("configureCluster", Map.of("clusterId", id, "treasury", mallory)).statusCode(403)
                .body("error", equalTo("NOT_OWNER"));
        Api.anonymous().post("configureCluster", Map.of("clusterId", id, "treasury", "x")).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        Api.withToken(Tokens.forged(owner)).post("configureCluster", Map.of("clusterId", id, "treasury", "x"))
                .statusCode(401).body("error", equalTo("UNAUTHENTICATED"));
        Api.withToken(Tokens.wrongIssuer(owner)).post("configureCluster", Map.of("clusterId", id, "treasury", "x"))
                .statusCode(401).body("error", equalTo("UNAUTHENTICATED"));
        view(id).body("permission.rule", equalTo("ONLY_OWNER")).body("treasury", equalTo(owner))
                .body("pricing.deployFee", equalTo("0")).body("workers.id", equalTo(List.of(member)));
        assertAvailable(spare);
    }

    @Test
    void configuringAMissingClusterIsNotFound() {
        String missing = Fixtures.hex64();
        configure(Fixtures.account("owner"), missing, Map.of("treasury", "x")).statusCode(404)
                .body("error", equalTo("CLUSTER_NOT_FOUND"));
    }

    @Test
    void anAddedWorkerIsAssignedAndPaidFromTheEscrowLater() {
        String owner = funded("owner", 10);
        String first = worker(1);
        String id = Fixtures.cluster(owner, List.of(first), 4, Map.of());
        String added = worker(3);
        configure(owner, id, Map.of("addWorkers", List.of("0x" + added.substring(2).toUpperCase(Locale.ROOT))))
                .statusCode(200)
                .body("workers.id", containsInAnyOrder(first, added))
                .body("workers.status", everyItem(equalTo("ASSIGNED")))
                .body("workers.clusterId", everyItem(equalTo(id)))
                .body("escrow", equalTo(pha(4)))
                .body("rentPerEpoch", equalTo(pha(4)))
                .body("runwayEpochs", equalTo(1));
        assertEquals(pha(6), free(owner), "adding a worker charges nothing now");
        view(id).body("workers.id", containsInAnyOrder(first, added));
    }

    @Test
    void addingAnUnknownWorkerIsNotFoundAndChangesNothing() {
        String owner = funded("owner", 10);
        String first = worker(1);
        String id = Fixtures.cluster(owner, List.of(first), 1, Map.of());
        String spare = worker(1);
        String unknown = Fixtures.hex64();
        configure(owner, id, Map.of("permission", Map.of("rule", "PUBLIC"), "addWorkers", List.of(spare, unknown)))
                .statusCode(404).body("error", equalTo("WORKER_NOT_FOUND")).body("details.workerId", equalTo(unknown));
        view(id).body("permission.rule", equalTo("ONLY_OWNER")).body("workers.id", equalTo(List.of(first)));
        assertAvailable(spare);
    }

    @Test
    void addingABusyWorkerIsRefusedAndItStaysWhereItIs() {
        String other = funded("other", 10);
        String busy = worker(1);
        String otherCluster = Fixtures.cluster(other, List.of(busy), 1, Map.of());
        String owner = funded("owner", 10);
        String first = worker(1);
        String id = Fixtures.cluster(owner, List.of(first), 1, Map.of());
        configure(owner, id, Map.of("treasury", owner + "x", "addWorkers", List.of(busy))).statusCode(409)
                .body("error", equalTo("WORKER_BUSY")).body("details.workerId", equalTo(busy));
        // A worker already in this very cluster is busy as well.
        configure(owner, id, Map.of("addWorkers", List.of(first))).statusCode(409).body("error", equalTo("WORKER_BUSY"));
        view(id).body("treasury", equalTo(owner)).body("workers.id", equalTo(List.of(first)));
        view(otherCluster).body("workers.id", equalTo(List.of(busy))).body("workers[0].clusterId", equalTo(otherCluster));
    }

    @Test
    void removingAWorkerNotInTheClusterIsNotFound() {
        String owner = funded("owner", 10);
        String a = worker(1);
        String b = worker(1);
        String id = Fixtures.cluster(owner, List.of(a, b), 1, Map.of());
        String elsewhere = worker(1);
        String otherCluster = Fixtures.cluster(funded("other", 10), List.of(elsewhere), 1, Map.of());
        String idle = worker(1);
        for (String w : List.of(elsewhere, idle, Fixtures.hex64())) {
            configure(owner, id, Map.of("removeWorkers", List.of(a, w))).statusCode(404)
                    .body("error", equalTo("WORKER_NOT_FOUND")).body("details.workerId", equalTo(w));
        }
        view(id).body("workers.id", containsInAnyOrder(a, b));
        view(otherCluster).body("workers.id", equalTo(List.of(elsewhere)));
        assertAvailable(idle);
    }

    @Test
    void removingTheLastWorkerIsAConflict() {
        String owner = funded("owner", 10);
        String a = worker(1);
        String b = worker(1);
        String id = Fixtures.cluster(owner, List.of(a, b), 1, Map.of());
        configure(owner, id, Map.of("removeWorkers", List.of(a, b))).statusCode(409).body("error", equalTo("CONFLICT"));
        configure(owner, id, Map.of("removeWorkers", List.of(a))).statusCode(200).body("workers.id", equalTo(List.of(b)));
        configure(owner, id, Map.of("removeWorkers", List.of(b))).statusCode(409).body("error", equalTo("CONFLICT"));
        view(id).body("workers.id", equalTo(List.of(b))).body("workers[0].status", equalTo("ASSIGNED"));
        // Swapping the last worker for another in one call keeps the cluster staffed.
        String c = worker(1);
        configure(owner, id, Map.of("removeWorkers", List.of(b), "addWorkers", List.of(c))).statusCode(200)
                .body("workers.id", equalTo(List.of(c)));
    }

    @Test
    void aRemovedWorkerIsAvailableAgainAndCanJoinAnotherCluster() {
        String owner = funded("owner", 10);
        String a = worker(1);
        String b = worker(2);
        String id = Fixtures.cluster(owner, List.of(a, b), 1, Map.of());
        configure(owner, id, Map.of("removeWorkers", List.of(b))).statusCode(200)
                .body("workers.id", equalTo(List.of(a))).body("rentPerEpoch", equalTo(pha(1)))
                .body("escrow", equalTo(pha(3)));
        assertEquals(pha(7), free(owner), "removing a worker moves no money");

        String otherOwner = funded("other", 10);
        String otherId = Fixtures.cluster(otherOwner, List.of(worker(1)), 1, Map.of());
        configure(otherOwner, otherId, Map.of("addWorkers", List.of(b))).statusCode(200)
                .body("workers.id", hasItem(b));
        view(otherId).body("workers.find { it.id == '" + b + "' }.clusterId", equalTo(otherId));
        view(id).body("workers.id", equalTo(List.of(a)));
    }

    @Test
    void addingAndRemovingTheSameWorkerAtOnceIsInvalid() {
        String owner = funded("owner", 10);
        String a = worker(1);
        String id = Fixtures.cluster(owner, List.of(a), 1, Map.of());
        configure(owner, id, Map.of("addWorkers", List.of(a), "removeWorkers", List.of(a))).statusCode(400)
                .body("error", equalTo("INVALID_INPUT"));
        String b = worker(1);
        configure(owner, id, Map.of("addWorkers", List.of(b, b))).statusCode(400)
                .body("details.field", equalTo("addWorkers"));
        configure(owner, id, Map.of("permission", Map.of("rule", "EXPRESSION", "expression", "(("))).statusCode(400)
                .body("error", equalTo("INVALID_RULE"));
        view(id).body("permission.rule", equalTo("ONLY_OWNER")).body("workers.id", equalTo(List.of(a)));
        assertAvailable(b);
    }

    // --- cluster / clusters ----------------------------------------------------------------------

    @Test
    void aClusterIsReadByGetOrPostByAnyone() {
        String owner = funded("owner", 10);
        String a = worker(1);
        String id = Fixtures.cluster(owner, List.of(a), 2, Map.of());
        view(id).body("id", equalTo(id)).body("owner", equalTo(owner)).body("status", equalTo("ACTIVE"))
                .body("workers[0].id", equalTo(a)).body("workers[0].status", equalTo("ASSIGNED"))
                .body("escrow", equalTo(pha(2))).body("runwayEpochs", equalTo(2)).body("contracts", equalTo(0))
                .body("stake.total", equalTo("0")).body("stake.contracts", empty());
        Api.anonymous().post("cluster", Map.of("id", id)).statusCode(200).body("id", equalTo(id))
                .body("escrow", equalTo(pha(2)));
        Api.as(Fixtures.account("someone")).get("cluster", Map.of("id", id.toUpperCase(Locale.ROOT).replace("0X", "0x")))
                .statusCode(200).body("id", equalTo(id));
    }

    @Test
    void anUnknownOrMalformedClusterIdIsRefused() {
        String missing = Fixtures.hex64();
        Api.anonymous().get("cluster", Map.of("id", missing)).statusCode(404)
                .body("error", equalTo("CLUSTER_NOT_FOUND")).body("details.clusterId", equalTo(missing));
        Api.anonymous().post("cluster", Map.of("id", missing)).statusCode(404).body("error", equalTo("CLUSTER_NOT_FOUND"));
        for (String bad : List.of("0x1234", "abc", missing.substring(2), missing + "00")) {
            Api.anonymous().get("cluster", Map.of("id", bad)).statusCode(400)
                    .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("id"));
        }
        Api.anonymous().get("cluster", Map.of()).statusCode(400).body("details.field", equalTo("id"));
        Api.anonymous().post("cluster", Map.of("id", 12)).statusCode(400).body("details.field", equalTo("id"));
    }

    @Test
    void clustersOfAnOwnerArePaged() {
        String owner = funded("owner", 100);
        Set<String> formed = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            formed.add(Fixtures.cluster(owner, List.of(worker(1)), 1, Map.of()));
        }
        // Someone else's cluster never shows up in this owner's list.
        Fixtures.cluster(funded("other", 10), List.of(worker(1)), 1, Map.of());

        ValidatableResponse first = Api.anonymous().get("clusters", Map.of("owner", owner, "limit", 2)).statusCode(200)
                .body("items", hasSize(2)).body("items.owner", everyItem(equalTo(owner))).body("next", notNullValue());
        String next = first.extract().path("next");
        List<String> seen = new ArrayList<>(first.extract().<List<String>>path("items.id"));
        ValidatableResponse second = Api.anonymous().get("clusters", Map.of("owner", owner, "limit", 2, "cursor", next))
                .statusCode(200).body("items", hasSize(1)).body("items[0].owner", equalTo(owner))
                .body("next", nullValue());
        seen.addAll(second.extract().<List<String>>path("items.id"));
        assertEquals(formed, new HashSet<>(seen));
        assertEquals(3, seen.size());

        // The same pages by POST.
        String postNext = Api.anonymous().post("clusters", Map.of("owner", owner, "limit", 2)).statusCode(200)
                .body("items", hasSize(2)).extract().path("next");
        Api.anonymous().post("clusters", Map.of("owner", owner, "limit", 2, "cursor", postNext)).statusCode(200)
                .body("items", hasSize(1)).body("next", nullValue());
        // Without a limit, all three on one page.
        Api.anonymous().get("clusters", Map.of("owner", owner)).statusCode(200).body("items", hasSize(3))
                .body("next", nullValue()).body("items[0].workers", hasSize(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "501", "abc", "-1", "1.5"})
    void aLimitOutside1To500IsInvalid(String limit) {
        Api.anonymous().get("clusters", Map.of("limit", limit)).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("limit"));
    }

    @Test
    void aLimitIsCheckedByPostToo() {
        Api.anonymous().post("clusters", Map.of("limit", 0)).statusCode(400).body("details.field", equalTo("limit"));
        Api.anonymous().post("clusters", Map.of("limit", 501)).statusCode(400).body("details.field", equalTo("limit"));
        Api.anonymous().post("clusters", Map.of("limit", "abc")).statusCode(400).body("details.field", equalTo("limit"));
        Api.anonymous().get("clusters", Map.of("limit", 500)).statusCode(200);
        Api.anonymous().get("clusters", Map.of("limit", 1)).statusCode(200).body("items.size()", lessThanOrEqualTo(1));
    }

    @Test
    void clustersAreFilteredByPublicGoodAndStatus() {
        String admin = funded("admin", 100);
        String publicId = Api.as(admin, "admin").post("formCluster", formation(List.of(worker(1)), 1, "publicGood", true))
                .statusCode(200).extract().path("id");
        String privateId = Fixtures.cluster(admin, List.of(worker(1)), 1, Map.of());

        Api.anonymous().get("clusters", Map.of("owner", admin, "publicGood", true)).statusCode(200)
                .body("items.id", equalTo(List.of(publicId)));
        Api.anonymous().get("clusters", Map.of("owner", admin, "publicGood", false)).statusCode(200)
                .body("items.id", equalTo(List.of(privateId)));
        Api.anonymous().post("clusters", Map.of("owner", admin, "publicGood", true)).statusCode(200)
                .body("items.id", equalTo(List.of(publicId)));
        Api.anonymous().get("clusters", Map.of("publicGood", true, "limit", 500)).statusCode(200)
                .body("items.publicGood", everyItem(equalTo(true)));

        Api.anonymous().get("clusters", Map.of("owner", admin, "status", "ACTIVE")).statusCode(200)
                .body("items.id", containsInAnyOrder(publicId, privateId));
        Api.anonymous().get("clusters", Map.of("owner", admin, "status", "SUSPENDED")).statusCode(200)
                .body("items", empty()).body("next", nullValue());
        Api.anonymous().get("clusters", Map.of("status", "ACTIVE", "limit", 500)).statusCode(200)
                .body("items.status", everyItem(equalTo("ACTIVE")));

        Api.anonymous().get("clusters", Map.of("status", "BROKEN")).statusCode(400).body("details.field", equalTo("status"));
        Api.anonymous().get("clusters", Map.of("publicGood", "maybe")).statusCode(400)
                .body("details.field", equalTo("publicGood"));
        Api.anonymous().get("clusters", Map.of("owner", "bad/name")).statusCode(400).body("details.field", equalTo("owner"));
        Api.anonymous().get("clusters", Map.of("cursor", "%%%")).statusCode(400).body("details.field", equalTo("cursor"));
        Api.anonymous().get("clusters", Map.of("colour", "red")).statusCode(400).body("details.field", equalTo("colour"));
    }

    @Test
    void aFreshOwnerHasNoClusters() {
        Api.anonymous().get("clusters", Map.of("owner", Fixtures.account("nobody"))).statusCode(200)
                .body("items", empty()).body("next", nullValue());
    }
}
