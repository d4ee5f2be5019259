package io.clusterfn.access;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class AccessFunctionTest extends FunctionTest {
    private static final Api ADMIN = Api.as("access-auditor", "admin");
    private static final List<String> CHECK_ORDER =
            List.of("cluster", "rule", "codeSize", "clusterQuota", "deployerQuota", "balance");
    /** fee 500 + 2 per byte: 100 bytes cost 500 + 200 = 700. */
    private static final Map<String, String> PRICING = Map.of("deployFee", "500", "depositPerByte", "2");

    // --- helpers ------------------------------------------------------------------

    private static String cluster(String owner, Map<String, ?> permission, Map<String, ?> quota) {
        Map<String, Object> rules = new HashMap<>(Map.of("permission", permission, "pricing", PRICING));
        if (quota != null) {
            rules.put("quota", quota);
        }
        return Fixtures.clusterWith(owner, rules);
    }

    private static Map<String, Object> ask(String clusterId, String account, long codeSize) {
        Map<String, Object> body = new HashMap<>(Map.of("clusterId", clusterId, "codeSize", codeSize));
        if (account != null) {
            body.put("account", account);
        }
        return body;
    }

    /** Asks anonymously about an account. */
    private static ValidatableResponse access(String clusterId, String account, long codeSize) {
        return Api.anonymous().post("access", ask(clusterId, account, codeSize)).statusCode(200);
    }

    private static ValidatableResponse passed(ValidatableResponse answer, String check, boolean passed) {
        return answer.body("checks.find { it.name == '" + check + "' }.passed", equalTo(passed));
    }

    /** The answer is refused, with exactly the given checks failing. */
    private static void refusedBy(ValidatableResponse answer, String... failing) {
        answer.body("allowed", equalTo(false));
        List<String> failed = List.of(failing);
        for (String check : CHECK_ORDER) {
            passed(answer, check, !failed.contains(check));
        }
    }

    private static void allowed(ValidatableResponse answer) {
        answer.body("allowed", equalTo(true));
        for (String check : CHECK_ORDER) {
            passed(answer, check, true);
        }
    }

    private static String funded(String prefix, String amount) {
        String account = Fixtures.account(prefix);
        Fixtures.fund(account, amount);
        return account;
    }

    private static void deploy(String account, String clusterId, long codeSize) {
        Api.as(account).post("deploy", Map.of("clusterId", clusterId, "codeHash", Fixtures.hex64(),
                "codeSize", codeSize)).statusCode(200);
    }

    private static String free(String account) {
        ExtractableResponse<Response> b = ADMIN.get("balance", Map.of("account", account)).extract();
        return b.statusCode() == 404 ? "0" : b.path("free");
    }

    // --- the answer ---------------------------------------------------------------

    @Test
    void listsEveryCheckInOrderWithAReasonAndQuotesThePrice() {
        String owner = Fixtures.account("owner");
        String clusterId = cluster(owner, Map.of("rule", "PUBLIC"), null);
        String dev = funded("dev", "700");

        ValidatableResponse answer = access(clusterId, dev, 100)
                .body("checks.name", equalTo(CHECK_ORDER))
                .body("checks.reason", not(org.hamcrest.Matchers.hasItem(emptyOrNullString())))
                .body("quote.fee", equalTo("500")).body("quote.deposit", equalTo("200"))
                .body("quote.total", equalTo("700"));
        allowed(answer);
        // Asking changes nothing.
        assertEquals("700", free(dev));
        Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200).body("contracts", equalTo(0));
    }

    @Test
    void aDepositOverTheLargestAmountIsAnInvalidCodeSizeForAccessAndDeploy() {
        String owner = Fixtures.account("owner");
        String clusterId = Fixtures.clusterWith(owner, Map.of("permission", Map.of("rule", "PUBLIC"),
                "pricing", Map.of("deployFee", "0", "depositPerByte", "1" + "0".repeat(29))));
        String rich = Fixtures.account("rich");
        for (int i = 0; i < 12; i++) {
            Fixtures.fund(rich, "1" + "0".repeat(30));
        }
        access(clusterId, rich, 10).body("quote.deposit", equalTo("1" + "0".repeat(30)));
        Api.anonymous().post("access", ask(clusterId, rich, 11)).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("codeSize"));
        Api.as(rich).post("deploy", Map.of("clusterId", clusterId, "codeHash", Fixtures.hex64(), "codeSize", 11))
                .statusCode(400).body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("codeSize"));
        Api.as(rich).get("balance", Map.of()).statusCode(200).body("free", equalTo("12" + "0".repeat(30)))
                .body("deposits", equalTo("0"));
    }

    @Test
    void theQuoteFollowsTheCodeSize() {
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "PUBLIC"), null);
        access(clusterId, Fixtures.account("dev"), 12345).body("quote.fee", equalTo("500"))
                .body("quote.deposit", equalTo("24690")).body("quote.total", equalTo("25190"));
    }

    @Test
    void theAccountDefaultsToTheCaller() {
        String owner = Fixtures.account("owner");
        String clusterId = cluster(owner, Map.of("rule", "ONLY_OWNER"), null);
        allowed(Api.as(owner).post("access", ask(clusterId, null, 10)).statusCode(200));
        refusedBy(Api.as(Fixtures.account("other")).post("access", ask(clusterId, null, 10)).statusCode(200),
                "rule", "balance");
        // A caller may ask about another account, and gets that account's answer.
        allowed(Api.as(Fixtures.account("other")).post("access", ask(clusterId, owner, 10)).statusCode(200));
    }

    @Test
    void anAnonymousCallerAsksAboutAnExplicitAccount() {
        String owner = Fixtures.account("owner");
        String clusterId = cluster(owner, Map.of("rule", "ONLY_OWNER"), null);
        allowed(access(clusterId, owner, 10));
        Api.anonymous().post("access", ask(clusterId, null, 10)).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("account"));
    }

    @Test
    void accessIsAlsoAGetWithQueryParameters() {
        String owner = Fixtures.account("owner");
        String clusterId = cluster(owner, Map.of("rule", "ONLY_OWNER"), null);
        Api.anonymous().get("access", Map.of("clusterId", clusterId, "account", owner, "codeSize", 10))
                .statusCode(200).body("allowed", equalTo(true)).body("quote.total", equalTo("520"));
    }

    @Test
    void anUnknownClusterIsNotFound() {
        String missing = Fixtures.hex64();
        Api.anonymous().post("access", ask(missing, "someone", 10)).statusCode(404)
                .body("error", equalTo("CLUSTER_NOT_FOUND")).body("details.clusterId", equalTo(missing));
    }

    @Test
    void malformedQuestionsAreInvalidInput() {
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "PUBLIC"), null);
        Api.anonymous().post("access", ask(clusterId, "bad/name", 10)).statusCode(400)
                .body("details.field", equalTo("account"));
        Api.anonymous().post("access", ask(clusterId, "dev", 0)).statusCode(400)
                .body("details.field", equalTo("codeSize"));
        Api.anonymous().post("access", Map.of("clusterId", clusterId, "account", "dev")).statusCode(400)
                .body("details.field", equalTo("codeSize"));
        Map<String, Object> badHash = ask(clusterId, "dev", 10);
        badHash.put("codeHash", "0xabc");
        Api.anonymous().post("access", badHash).statusCode(400).body("details.field", equalTo("codeHash"));
    }

    // --- rules --------------------------------------------------------------------

    @Test
    void publicAdmitsAnyone() {
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "PUBLIC"), null);
        for (String prefix : List.of("a", "b", "c")) {
            allowed(access(clusterId, funded(prefix, "10000"), 100));
        }
        passed(access(clusterId, "x", 100), "rule", true);
    }

    @Test
    void onlyOwnerAdmitsTheOwnerAlone() {
        String owner = Fixtures.account("owner");
        String clusterId = cluster(owner, Map.of("rule", "ONLY_OWNER"), null);
        allowed(access(clusterId, owner, 100));
        refusedBy(access(clusterId, funded("other", "10000"), 100), "rule");
    }

    @Test
    void anAllowListAdmitsExactlyItsAccounts() {
        String owner = Fixtures.account("owner");
        String a = funded("listed", "10000");
        String b = funded("listed", "10000");
        String clusterId = cluster(owner, Map.of("rule", "ALLOW_LIST", "accounts", List.of(a, b)), null);
        allowed(access(clusterId, a, 100));
        allowed(access(clusterId, b, 100));
        refusedBy(access(clusterId, funded("outsider", "10000"), 100), "rule");
        passed(access(clusterId, owner, 100), "rule", false);
        // A prefix or a different case of a listed name is another account.
        passed(access(clusterId, a.substring(0, a.length() - 1), 100), "rule", false);
        passed(access(clusterId, a.toUpperCase(), 100), "rule", false);
    }

    @Test
    void theExampleExpressionAdmitsAndRefusesAsWritten() {
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "EXPRESSION",
                "expression", "codeSize < 100000 && account.startsWith(\"team-\")"), null);
        String team = funded("team", "1000000");
        allowed(access(clusterId, team, 99999));
        refusedBy(access(clusterId, team, 100000), "rule");
        refusedBy(access(clusterId, funded("solo", "1000000"), 10), "rule");
        passed(access(clusterId, "myteam-1", 10), "rule", false);
    }

    @Test
    void anExpressionSeesTheCallersRolesOnlyWhenItAsksAboutItself() {
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "EXPRESSION",
                "expression", "'dev' in roles"), null);
        String dev = funded("dev", "10000");
        allowed(Api.as(dev, "dev").post("access", ask(clusterId, null, 100)).statusCode(200));
        allowed(Api.as(dev, "dev").post("access", ask(clusterId, dev, 100)).statusCode(200));
        refusedBy(Api.as(dev, "operator").post("access", ask(clusterId, null, 100)).statusCode(200), "rule");
        // Roles are the caller's: asking about another account, or anonymously, brings none.
        refusedBy(Api.as(Fixtures.account("lead"), "dev").post("access", ask(clusterId, dev, 100)).statusCode(200),
                "rule");
        refusedBy(access(clusterId, dev, 100), "rule");
        // deploy sees the same roles.
        Api.as(dev, "dev").post("deploy", Map.of("clusterId", clusterId, "codeHash", Fixtures.hex64(),
                "codeSize", 100)).statusCode(200);
        Api.as(dev).post("deploy", Map.of("clusterId", clusterId, "codeHash", Fixtures.hex64(), "codeSize", 100))
                .statusCode(403).body("details.rule", equalTo("EXPRESSION"));
    }

    @Test
    void anExpressionSeesWhatTheAccountAndTheClusterHaveDeployed() {
        String owner = Fixtures.account("owner");
        String clusterId = cluster(owner, Map.of("rule", "EXPRESSION",
                "expression", "deployedByAccount < 1 && deployedTotal < 2 || account == owner"), null);
        String dev = funded("dev", "10000");
        allowed(access(clusterId, dev, 100));
        deploy(dev, clusterId, 100);
        refusedBy(access(clusterId, dev, 100), "rule");

        String second = funded("dev", "10000");
        allowed(access(clusterId, second, 100));
        deploy(second, clusterId, 100);
        // Now the cluster holds two: a newcomer is refused, the owner is not.
        refusedBy(access(clusterId, funded("dev", "10000"), 100), "rule");
        allowed(access(clusterId, owner, 100));
    }

    @Test
    void anExpressionSeesTheCodeHashWhenGiven() {
        String hash = Fixtures.hex64();
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "EXPRESSION",
                "expression", "codeHash == '" + hash + "'"), null);
        String dev = funded("dev", "10000");
        Map<String, Object> body = ask(clusterId, dev, 100);
        body.put("codeHash", hash.toUpperCase().replace("0X", "0x"));
        allowed(Api.anonymous().post("access", body).statusCode(200));
        body.put("codeHash", Fixtures.hex64());
        refusedBy(Api.anonymous().post("access", body).statusCode(200), "rule");
        refusedBy(access(clusterId, dev, 100), "rule");
    }

    @Test
    void anExpressionThatFailsWhenItRunsDenies() {
        // Type-checks, but divides by zero when it runs.
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "EXPRESSION",
                "expression", "codeSize / deployedTotal > 0"), null);
        refusedBy(access(clusterId, funded("dev", "10000"), 100), "rule");
    }

    @Test
    void aBadExpressionOnConfigureIsInvalidRuleAndTheOldRuleStays() {
        String owner = Fixtures.account("owner");
        String listed = funded("listed", "10000");
        String clusterId = cluster(owner, Map.of("rule", "ALLOW_LIST", "accounts", List.of(listed)), null);
        for (String bad : List.of("account ==", "codeSize + 1", "unknownVar == 'x'", "")) {
            Api.as(owner).post("configureCluster", Map.of("clusterId", clusterId,
                    "permission", Map.of("rule", "EXPRESSION", "expression", bad)))
                    .statusCode(400).body("error", equalTo("INVALID_RULE")).body("message", not(emptyOrNullString()));
        }
        Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200)
                .body("permission.rule", equalTo("ALLOW_LIST")).body("permission.accounts", equalTo(List.of(listed)));
        allowed(access(clusterId, listed, 100));
        refusedBy(access(clusterId, funded("outsider", "10000"), 100), "rule");

        // A good expression replaces the rule.
        Api.as(owner).post("configureCluster", Map.of("clusterId", clusterId,
                "permission", Map.of("rule", "EXPRESSION", "expression", "account != '" + listed + "'")))
                .statusCode(200).body("permission.rule", equalTo("EXPRESSION"));
        refusedBy(access(clusterId, listed, 100), "rule");
    }

    @Test
    void anUnknownRuleIsInvalidInput() {
        String owner = Fixtures.account("owner");
        String clusterId = cluster(owner, Map.of("rule", "PUBLIC"), null);
        Api.as(owner).post("configureCluster", Map.of("clusterId", clusterId, "permission", Map.of("rule", "EVERYONE")))
                .statusCode(400).body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("permission.rule"));
        Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200).body("permission.rule", equalTo("PUBLIC"));
        // an object given replaces the old one whole, its absent fields taking their defaults
        Api.as(owner).post("configureCluster", Map.of("clusterId", clusterId, "permission", Map.of()))
                .statusCode(200).body("permission.rule", equalTo("ONLY_OWNER"));
    }

    // --- quota and balance checks ---------------------------------------------------

    @Test
    void theCodeSizeCheckAllowsExactlyTheMaximum() {
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "PUBLIC"), Map.of("maxCodeSize", 100));
        String dev = funded("dev", "10000");
        allowed(access(clusterId, dev, 100));
        refusedBy(access(clusterId, dev, 101), "codeSize");
    }

    @Test
    void theClusterQuotaCheckCountsDeployedContracts() {
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "PUBLIC"), Map.of("maxContracts", 1));
        String dev = funded("dev", "10000");
        allowed(access(clusterId, dev, 100));
        deploy(funded("first", "10000"), clusterId, 100);
        refusedBy(access(clusterId, dev, 100), "clusterQuota");
    }

    @Test
    void theDeployerQuotaCheckCountsTheAccountsContracts() {
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "PUBLIC"),
                Map.of("maxContractsPerDeployer", 1));
        String dev = funded("dev", "10000");
        deploy(dev, clusterId, 100);
        refusedBy(access(clusterId, dev, 100), "deployerQuota");
        allowed(access(clusterId, funded("other", "10000"), 100));
    }

    @Test
    void theBalanceCheckNeedsTheWholeTotal() {
        String clusterId = cluster(Fixtures.account("owner"), Map.of("rule", "PUBLIC"), null);
        allowed(access(clusterId, funded("dev", "700"), 100));
        refusedBy(access(clusterId, funded("dev", "699"), 100), "balance");
        refusedBy(access(clusterId, Fixtures.account("nobody"), 100), "balance");
    }

    @Test
    void everyFailingCheckIsReportedNotOnlyTheFirst() {
        String owner = Fixtures.account("owner");
        String clusterId = cluster(owner, Map.of("rule", "ONLY_OWNER"),
                Map.of("maxContracts", 0, "maxContractsPerDeployer", 0, "maxCodeSize", 10));
        refusedBy(access(clusterId, Fixtures.account("nobody"), 11),
                "rule", "codeSize", "clusterQuota", "deployerQuota", "balance");
        refusedBy(access(clusterId, owner, 10), "clusterQuota", "deployerQuota");
    }
}
