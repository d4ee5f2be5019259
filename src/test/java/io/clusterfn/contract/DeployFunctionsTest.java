package io.clusterfn.contract;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

@QuarkusTest
class DeployFunctionsTest extends FunctionTest {
    private static final Api ADMIN = Api.as("deploy-auditor", "admin");
    /** fee 1000 + 3 per byte: a 100-byte contract costs 1000 + 300. */
    private static final Map<String, String> PRICING = Map.of("deployFee", "1000", "depositPerByte", "3");

    // --- helpers ------------------------------------------------------------------

    private static Map<String, Object> permission(String rule) {
        return Map.of("rule", rule);
    }

    /** A cluster of the given permission (and optional quota), priced as PRICING, paying fees to its own treasury. */
    private static String cluster(String owner, String treasury, Map<String, ?> permission, Map<String, ?> quota) {
        Map<String, Object> rules = new HashMap<>(Map.of("permission", permission, "pricing", PRICING,
                "treasury", treasury));
        if (quota != null) {
            rules.put("quota", quota);
        }
        return Fixtures.clusterWith(owner, rules);
    }

    private static String publicCluster(String owner, String treasury) {
        return cluster(owner, treasury, permission("PUBLIC"), null);
    }

    private static ValidatableResponse deploy(String account, String clusterId, String codeHash, long codeSize,
            String salt) {
        Map<String, Object> body = new HashMap<>(Map.of("clusterId", clusterId, "codeHash", codeHash,
                "codeSize", codeSize));
        if (salt != null) {
            body.put("salt", salt);
        }
        return Api.as(account).post("deploy", body);
    }

    private static String deployed(String account, String clusterId, long codeSize) {
        return deploy(account, clusterId, Fixtures.hex64(), codeSize, null).statusCode(200).extract().path("id");
    }

    private static ValidatableResponse undeploy(String account, String contractId) {
        return Api.as(account).post("undeploy", Map.of("contractId", contractId));
    }

    private static ExtractableResponse<Response> balance(String account) {
        return ADMIN.get("balance", Map.of("account", account)).extract();
    }

    /** Free balance; an account the ledger has never seen holds "0". */
    private static String free(String account) {
        ExtractableResponse<Response> b = balance(account);
        return b.statusCode() == 404 ? "0" : b.path("free");
    }

    private static String deposits(String account) {
        ExtractableResponse<Response> b = balance(account);
        return b.statusCode() == 404 ? "0" : b.path("deposits");
    }

    private static int contractsIn(String clusterId) {
        return Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200).extract().path("contracts");
    }

    private static String funded(String prefix, String amount) {
        String account = Fixtures.account(prefix);
        Fixtures.fund(account, amount);
        return account;
    }

    /** The contract id as the spec defines it: SHA-256 over clusterId|deployer|codeHash|salt, hex lower-cased. */
    static String contractId(String clusterId, String deployer, String codeHash, String salt) {
        try {
            String input = clusterId + "|" + deployer + "|" + codeHash.toLowerCase(Locale.ROOT) + "|" + salt;
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
            return "0x" + HexFormat.of().formatHex(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- deploy -------------------------------------------------------------------

    @Test
    void deployChargesTheFeeToTheTreasuryAndHoldsTheDeposit() {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String clusterId = publicCluster(owner, treasury);
        String dev = funded("dev", "10000");
        String codeHash = Fixtures.hex64();

        deploy(dev, clusterId, codeHash, 100, "v1").statusCode(200)
                .body("id", equalTo(contractId(clusterId, dev, codeHash, "v1")))
                .body("clusterId", equalTo(clusterId)).body("deployer", equalTo(dev))
                .body("status", equalTo("DEPLOYED")).body("codeHash", equalTo(codeHash))
                .body("codeSize", equalTo(100)).body("salt", equalTo("v1"))
                .body("feePaid", equalTo("1000")).body("deposit", equalTo("300")).body("stake", equalTo("0"));

        assertEquals("8700", free(dev));
        assertEquals("300", deposits(dev));
        assertEquals("1000", free(treasury));
        assertEquals(1, contractsIn(clusterId));
        Api.anonymous().get("contract", Map.of("id", contractId(clusterId, dev, codeHash, "v1"))).statusCode(200)
                .body("status", equalTo("DEPLOYED")).body("deposit", equalTo("300")).body("feePaid", equalTo("1000"))
                .body("clusterId", equalTo(clusterId));
    }

    @Test
    void inAnOnlyOwnerClusterTheOwnerDeploysAndAnotherAccountIsDenied() {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String clusterId = cluster(owner, treasury, permission("ONLY_OWNER"), null);
        String ownerFree = free(owner);

        deploy(owner, clusterId, Fixtures.hex64(), 100, null).statusCode(200).body("deployer", equalTo(owner));
        assertEquals(new java.math.BigInteger(ownerFree).subtract(java.math.BigInteger.valueOf(1300)).toString(),
                free(owner));

        String stranger = funded("stranger", "10000");
        deploy(stranger, clusterId, Fixtures.hex64(), 100, null).statusCode(403)
                .body("error", equalTo("ACCESS_DENIED")).body("details.rule", equalTo("ONLY_OWNER"));
        assertEquals("10000", free(stranger));
        assertEquals("0", deposits(stranger));
        assertEquals("1000", free(treasury));
        assertEquals(1, contractsIn(clusterId));
    }

    @Test
    void anOwnerWithoutARuleGetsOnlyOwner() {
        String owner = Fixtures.account("owner");
        String clusterId = Fixtures.clusterWith(owner, Map.of());
        Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200)
                .body("permission.rule", equalTo("ONLY_OWNER"));
        deploy(Fixtures.account("other"), clusterId, Fixtures.hex64(), 1, null).statusCode(403)
                .body("error", equalTo("ACCESS_DENIED")).body("details.rule", equalTo("ONLY_OWNER"));
        deploy(owner, clusterId, Fixtures.hex64(), 1, null).statusCode(200);
    }

    @Test
    void inAPublicClusterAnyoneDeploys() {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String clusterId = publicCluster(owner, treasury);
        for (String prefix : List.of("alice", "bob", "carol")) {
            String dev = funded(prefix, "1300");
            deploy(dev, clusterId, Fixtures.hex64(), 100, null).statusCode(200).body("deployer", equalTo(dev));
            assertEquals("0", free(dev));
            assertEquals("300", deposits(dev));
        }
        assertEquals("3000", free(treasury));
        assertEquals(3, contractsIn(clusterId));
    }

    @Test
    void anAllowListAdmitsExactlyItsAccounts() {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String listed1 = funded("listed", "5000");
        String listed2 = funded("listed", "5000");
        String outsider = funded("outsider", "5000");
        String clusterId = cluster(owner, treasury,
                Map.of("rule", "ALLOW_LIST", "accounts", List.of(listed1, listed2)), null);

        deploy(listed1, clusterId, Fixtures.hex64(), 100, null).statusCode(200);
        deploy(listed2, clusterId, Fixtures.hex64(), 100, null).statusCode(200);
        deploy(outsider, clusterId, Fixtures.hex64(), 100, null).statusCode(403)
                .body("error", equalTo("ACCESS_DENIED")).body("details.rule", equalTo("ALLOW_LIST"));
        // The owner is not on the list, so the owner is refused too.
        deploy(owner, clusterId, Fixtures.hex64(), 100, null).statusCode(403)
                .body("details.rule", equalTo("ALLOW_LIST"));

        assertEquals("5000", free(outsider));
        assertEquals("2000", free(treasury));
        assertEquals(2, contractsIn(clusterId));
    }

    @Test
    void anExpressionAdmitsAndRefusesAsWritten() {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String clusterId = cluster(owner, treasury, Map.of("rule", "EXPRESSION",
                "expression", "codeSize < 100000 && account.startsWith(\"team-\")"), null);
        String team = funded("team", "1000000");
        String solo = funded("solo", "1000000");

        deploy(team, clusterId, Fixtures.hex64(), 99999, null).statusCode(200);
        deploy(team, clusterId, Fixtures.hex64(), 100000, null).statusCode(403)
                .body("error", equalTo("ACCESS_DENIED")).body("details.rule", equalTo("EXPRESSION"));
        deploy(solo, clusterId, Fixtures.hex64(), 10, null).statusCode(403)
                .body("error", equalTo("ACCESS_DENIED")).body("details.rule", equalTo("EXPRESSION"));
        assertEquals(1, contractsIn(clusterId));
        assertEquals("1000000", free(solo));
    }

    @Test
    void anExpressionThatDoesNotCompileIsRefusedWhenSet() {
        String owner = Fixtures.account("owner");
        Fixtures.fund(owner, "1000" + Fixtures.PHA);
        String worker = Fixtures.worker(Fixtures.account("op"), "1" + Fixtures.PHA);
        for (String bad : List.of("account ==", "codeSize + 1", "nosuchvar == 1", "account.startsWith(1)")) {
            Api.as(owner).post("formCluster", Map.of("name", "bad-rule", "workers", List.of(worker),
                    "prepaidEpochs", 1, "permission", Map.of("rule", "EXPRESSION", "expression", bad)))
                    .statusCode(400).body("error", equalTo("INVALID_RULE"));
        }
        // Nothing was formed: the owner paid no rent and the worker is still free.
        assertEquals("1000" + Fixtures.PHA, free(owner));
        Fixtures.cluster(owner, List.of(worker), 1, Map.of());
    }

    @Test
    void deployNeedsAToken() {
        String clusterId = publicCluster(Fixtures.account("owner"), Fixtures.account("treasury"));
        Api.anonymous().post("deploy", Map.of("clusterId", clusterId, "codeHash", Fixtures.hex64(), "codeSize", 1))
                .statusCode(401).body("error", equalTo("UNAUTHENTICATED"));
        assertEquals(0, contractsIn(clusterId));
        Api.anonymous().post("undeploy", Map.of("contractId", Fixtures.hex64())).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void deployIntoAnUnknownClusterIsNotFound() {
        String dev = funded("dev", "5000");
        String missing = Fixtures.hex64();
        deploy(dev, missing, Fixtures.hex64(), 100, null).statusCode(404)
                .body("error", equalTo("CLUSTER_NOT_FOUND")).body("details.clusterId", equalTo(missing));
        assertEquals("5000", free(dev));
    }

    @Test
    void anUnknownContractIsNotFound() {
        String missing = Fixtures.hex64();
        Api.anonymous().get("contract", Map.of("id", missing)).statusCode(404)
                .body("error", equalTo("CONTRACT_NOT_FOUND"));
        undeploy(Fixtures.account("dev"), missing).statusCode(404).body("error", equalTo("CONTRACT_NOT_FOUND"));
    }

    @Test
    void malformedDeploysAreInvalidInput() {
        String dev = funded("dev", "5000");
        String clusterId = publicCluster(Fixtures.account("owner"), Fixtures.account("treasury"));
        deploy(dev, clusterId, "0x1234", 1, null).statusCode(400).body("details.field", equalTo("codeHash"));
        deploy(dev, clusterId, Fixtures.hex64(), 0, null).statusCode(400).body("details.field", equalTo("codeSize"));
        deploy(dev, clusterId, Fixtures.hex64(), 1, "no spaces").statusCode(400).body("details.field", equalTo("salt"));
        deploy(dev, "cluster-1", Fixtures.hex64(), 1, null).statusCode(400).body("details.field", equalTo("clusterId"));
        assertEquals("5000", free(dev));
        assertEquals(0, contractsIn(clusterId));
    }

    @Test
    void tooLittleBalanceIsRefusedWithNeededAndAvailableAndChangesNothing() {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String clusterId = publicCluster(owner, treasury);
        String dev = funded("dev", "1299");
        String codeHash = Fixtures.hex64();

        deploy(dev, clusterId, codeHash, 100, null).statusCode(402)
                .body("error", equalTo("INSUFFICIENT_BALANCE"))
                .body("details.needed", equalTo("1300")).body("details.available", equalTo("1299"));
        assertEquals("1299", free(dev));
        assertEquals("0", deposits(dev));
        assertEquals("0", free(treasury));
        assertEquals(0, contractsIn(clusterId));
        Api.anonymous().get("contract", Map.of("id", contractId(clusterId, dev, codeHash, ""))).statusCode(404);

        // One unit more and the same deploy goes through, spending everything.
        Fixtures.fund(dev, "1");
        deploy(dev, clusterId, codeHash, 100, null).statusCode(200);
        assertEquals("0", free(dev));
        assertEquals("300", deposits(dev));
        assertEquals("1000", free(treasury));
    }

    @Test
    void anAccountTheLedgerNeverSawHasNothingToPayWith() {
        String clusterId = publicCluster(Fixtures.account("owner"), Fixtures.account("treasury"));
        deploy(Fixtures.account("ghost"), clusterId, Fixtures.hex64(), 1, null).statusCode(402)
                .body("details.needed", equalTo("1003")).body("details.available", equalTo("0"));
    }

    @Test
    void theSameDeployerCodeClusterAndSaltTwiceIsADuplicate() {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String clusterId = publicCluster(owner, treasury);
        String dev = funded("dev", "10000");
        String codeHash = Fixtures.hex64();

        String id = deploy(dev, clusterId, codeHash, 100, null).statusCode(200).extract().path("id");
        deploy(dev, clusterId, codeHash, 100, null).statusCode(409)
                .body("error", equalTo("DUPLICATE_CONTRACT")).body("details.contractId", equalTo(id));
        // An empty salt is the same as none.
        deploy(dev, clusterId, codeHash, 100, "").statusCode(409).body("error", equalTo("DUPLICATE_CONTRACT"));
        assertEquals("8700", free(dev));
        assertEquals("1000", free(treasury));

        // Another salt is another contract.
        deploy(dev, clusterId, codeHash, 100, "2").statusCode(200)
                .body("id", equalTo(contractId(clusterId, dev, codeHash, "2"))).body("id", not(equalTo(id)));
        // Another deployer of the same code is another contract.
        String other = funded("dev", "10000");
        deploy(other, clusterId, codeHash, 100, null).statusCode(200)
                .body("id", equalTo(contractId(clusterId, other, codeHash, "")));
    }

    @Test
    void anUndeployedContractsIdStaysTaken() {
        String clusterId = publicCluster(Fixtures.account("owner"), Fixtures.account("treasury"));
        String dev = funded("dev", "10000");
        String codeHash = Fixtures.hex64();
        String id = deploy(dev, clusterId, codeHash, 100, "s").statusCode(200).extract().path("id");
        undeploy(dev, id).statusCode(200);
        assertEquals("9000", free(dev));

        deploy(dev, clusterId, codeHash, 100, "s").statusCode(409).body("error", equalTo("DUPLICATE_CONTRACT"));
        assertEquals("9000", free(dev));
        assertEquals(0, contractsIn(clusterId));
        Api.anonymous().get("contract", Map.of("id", id)).statusCode(200).body("status", equalTo("UNDEPLOYED"));
    }

    @Test
    void anUpperCaseCodeHashIsLowerCasedBeforeHashing() {
        String clusterId = publicCluster(Fixtures.account("owner"), Fixtures.account("treasury"));
        String dev = funded("dev", "10000");
        String lower = Fixtures.hex64();
        String upper = "0x" + lower.substring(2).toUpperCase(Locale.ROOT);

        deploy(dev, clusterId, upper, 100, "x").statusCode(200)
                .body("id", equalTo(contractId(clusterId, dev, lower, "x"))).body("codeHash", equalTo(lower));
        deploy(dev, clusterId, lower, 100, "x").statusCode(409).body("error", equalTo("DUPLICATE_CONTRACT"));
        // An upper-case cluster id names the same cluster.
        deploy(dev, clusterId.toUpperCase(Locale.ROOT).replace("0X", "0x"), lower, 100, "x").statusCode(409)
                .body("error", equalTo("DUPLICATE_CONTRACT"));
    }

    @Test
    void theSameCodeInTwoClustersIsTwoContracts() {
        String owner = Fixtures.account("owner");
        String first = publicCluster(owner, Fixtures.account("treasury"));
        String second = publicCluster(Fixtures.account("owner"), Fixtures.account("treasury"));
        String dev = funded("dev", "10000");
        String codeHash = Fixtures.hex64();

        String a = deploy(dev, first, codeHash, 100, null).statusCode(200).extract().path("id");
        String b = deploy(dev, second, codeHash, 100, null).statusCode(200).extract().path("id");
        assertEquals(contractId(first, dev, codeHash, ""), a);
        assertEquals(contractId(second, dev, codeHash, ""), b);
        assertNotEquals(a, b);
        Api.anonymous().get("contract", Map.of("id", a)).statusCode(200).body("clusterId", equalTo(first));
        Api.anonymous().get("contract", Map.of("id", b)).statusCode(200).body("clusterId", equalTo(second));
    }

    // --- quotas -------------------------------------------------------------------

    @Test
    void aCodeExactlyAtMaxCodeSizeIsAllowedAndOneByteMoreIsNot() {
        String clusterId = cluster(Fixtures.account("owner"), Fixtures.account("treasury"), permission("PUBLIC"),
                Map.of("maxCodeSize", 1000));
        String dev = funded("dev", "100000");
        deploy(dev, clusterId, Fixtures.hex64(), 1001, null).statusCode(409)
                .body("error", equalTo("QUOTA_EXCEEDED")).body("details.quota", equalTo("maxCodeSize"))
                .body("details.used", equalTo(1001)).body("details.limit", equalTo(1000));
        assertEquals("100000", free(dev));
        assertEquals(0, contractsIn(clusterId));
        deploy(dev, clusterId, Fixtures.hex64(), 1000, null).statusCode(200).body("deposit", equalTo("3000"));
    }

    @Test
    void theDefaultMaxCodeSizeIsTwoMebibytes() {
        String clusterId = Fixtures.clusterWith(Fixtures.account("owner"), Map.of("permission", permission("PUBLIC"),
                "quota", Map.of("maxContracts", 5)));
        String dev = Fixtures.account("dev");
        deploy(dev, clusterId, Fixtures.hex64(), 2097153, null).statusCode(409)
                .body("details.quota", equalTo("maxCodeSize")).body("details.limit", equalTo(2097152));
        deploy(dev, clusterId, Fixtures.hex64(), 2097152, null).statusCode(200);
    }

    @Test
    void maxContractsCapsTheClusterAndUndeployFreesASlot() {
        String owner = Fixtures.account("owner");
        String clusterId = cluster(owner, Fixtures.account("treasury"), permission("PUBLIC"),
                Map.of("maxContracts", 2));
        String first = deployed(funded("dev", "5000"), clusterId, 100);
        deployed(funded("dev", "5000"), clusterId, 100);
        String late = funded("late", "5000");

        deploy(late, clusterId, Fixtures.hex64(), 100, null).statusCode(409)
                .body("error", equalTo("QUOTA_EXCEEDED")).body("details.quota", equalTo("maxContracts"))
                .body("details.used", equalTo(2)).body("details.limit", equalTo(2));
        assertEquals("5000", free(late));

        undeploy(owner, first).statusCode(200);
        assertEquals(1, contractsIn(clusterId));
        deploy(late, clusterId, Fixtures.hex64(), 100, null).statusCode(200);
        assertEquals(2, contractsIn(clusterId));
    }

    @Test
    void maxContractsPerDeployerCapsEachDeployer() {
        String clusterId = cluster(Fixtures.account("owner"), Fixtures.account("treasury"), permission("PUBLIC"),
                Map.of("maxContractsPerDeployer", 2));
        String dev = funded("dev", "10000");
        String first = deployed(dev, clusterId, 100);
        deployed(dev, clusterId, 100);

        deploy(dev, clusterId, Fixtures.hex64(), 100, null).statusCode(409)
                .body("error", equalTo("QUOTA_EXCEEDED")).body("details.quota", equalTo("maxContractsPerDeployer"))
                .body("details.used", equalTo(2)).body("details.limit", equalTo(2));
        assertEquals("7400", free(dev));
        // Another deployer has its own allowance.
        deployed(funded("dev", "10000"), clusterId, 100);
        // Undeploying frees one of the deployer's slots.
        undeploy(dev, first).statusCode(200);
        deploy(dev, clusterId, Fixtures.hex64(), 100, null).statusCode(200);
    }

    @Test
    void loweringAQuotaBelowUseKeepsTheContractsAndRefusesNewOnes() {
        String owner = Fixtures.account("owner");
        String clusterId = cluster(owner, Fixtures.account("treasury"), permission("PUBLIC"),
                Map.of("maxContracts", 3));
        String dev = funded("dev", "10000");
        List<String> ids = List.of(deployed(dev, clusterId, 100), deployed(dev, clusterId, 100),
                deployed(dev, clusterId, 100));

        Api.as(owner).post("configureCluster", Map.of("clusterId", clusterId, "quota", Map.of("maxContracts", 1)))
                .statusCode(200).body("quota.maxContracts", equalTo(1)).body("contracts", equalTo(3));
        for (String id : ids) {
            Api.anonymous().get("contract", Map.of("id", id)).statusCode(200).body("status", equalTo("DEPLOYED"));
        }
        String other = funded("other", "10000");
        deploy(other, clusterId, Fixtures.hex64(), 100, null).statusCode(409)
                .body("details.quota", equalTo("maxContracts")).body("details.used", equalTo(3))
                .body("details.limit", equalTo(1));
        undeploy(dev, ids.get(0)).statusCode(200);
        deploy(other, clusterId, Fixtures.hex64(), 100, null).statusCode(409)
                .body("details.used", equalTo(2)).body("details.limit", equalTo(1));
        assertEquals("10000", free(other));
        assertEquals(2, contractsIn(clusterId));
    }

    // --- undeploy -----------------------------------------------------------------

    @Test
    void undeployByTheDeployerRefundsTheDepositAndTheFeeStaysWithTheTreasury() {
        String treasury = Fixtures.account("treasury");
        String clusterId = publicCluster(Fixtures.account("owner"), treasury);
        String dev = funded("dev", "10000");
        String id = deployed(dev, clusterId, 100);
        assertEquals("8700", free(dev));

        undeploy(dev, id).statusCode(200).body("id", equalTo(id)).body("status", equalTo("UNDEPLOYED"))
                .body("deposit", equalTo("0")).body("feePaid", equalTo("1000"));
        assertEquals("9000", free(dev));
        assertEquals("0", deposits(dev));
        assertEquals("1000", free(treasury));
        assertEquals(0, contractsIn(clusterId));
        Api.anonymous().get("contract", Map.of("id", id)).statusCode(200)
                .body("status", equalTo("UNDEPLOYED")).body("deposit", equalTo("0")).body("share", equalTo(0.0f));
    }

    @Test
    void theOwnerMayUndeployAndTheDepositGoesBackToTheDeployer() {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String clusterId = publicCluster(owner, treasury);
        String dev = funded("dev", "10000");
        String id = deployed(dev, clusterId, 200);
        String ownerFree = free(owner);

        undeploy(owner, id).statusCode(200).body("status", equalTo("UNDEPLOYED"));
        assertEquals("9000", free(dev));
        assertEquals(ownerFree, free(owner));
        assertEquals("1000", free(treasury));
    }

    @Test
    void anotherAccountMayNotUndeploy() {
        String clusterId = publicCluster(Fixtures.account("owner"), Fixtures.account("treasury"));
        String dev = funded("dev", "10000");
        String id = deployed(dev, clusterId, 100);

        undeploy(Fixtures.account("mallory"), id).statusCode(403).body("error", equalTo("NOT_OWNER"));
        Api.anonymous().get("contract", Map.of("id", id)).statusCode(200)
                .body("status", equalTo("DEPLOYED")).body("deposit", equalTo("300"));
        assertEquals("8700", free(dev));
        assertEquals(1, contractsIn(clusterId));
    }

    @Test
    void undeployingTwiceIsAConflictAndRefundsOnce() {
        String owner = Fixtures.account("owner");
        String clusterId = publicCluster(owner, Fixtures.account("treasury"));
        String dev = funded("dev", "10000");
        String id = deployed(dev, clusterId, 100);
        undeploy(dev, id).statusCode(200);

        undeploy(dev, id).statusCode(409).body("error", equalTo("CONFLICT"));
        undeploy(owner, id).statusCode(409).body("error", equalTo("CONFLICT"));
        assertEquals("9000", free(dev));
        assertEquals(0, contractsIn(clusterId));
    }

    @Test
    void aFreeClusterChargesNothing() {
        String owner = Fixtures.account("owner");
        String clusterId = Fixtures.clusterWith(owner, Map.of("permission", permission("PUBLIC")));
        String dev = funded("dev", "7");
        String id = deploy(dev, clusterId, Fixtures.hex64(), 100, null).statusCode(200)
                .body("feePaid", equalTo("0")).body("deposit", equalTo("0")).extract().path("id");
        assertEquals("7", free(dev));
        undeploy(dev, id).statusCode(200);
        assertEquals("7", free(dev));
    }
}
