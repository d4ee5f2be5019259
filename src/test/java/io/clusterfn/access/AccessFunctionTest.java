package io.clusterfn.access;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class AccessFunctionTest extends FunctionTest {
    private static Map<String, Object> ask(String cluster, String account, long size) {
        return Map.of("clusterId", cluster, "account", account, "codeSize", size);
    }

    private static void allowed(String cluster, String account, long size, boolean expected) {
        Api.anonymous().post("access", ask(cluster, account, size)).statusCode(200).body("allowed", equalTo(expected));
    }

    @Test
    void everyCheckIsListedInOrderWithTheQuote() {
        String owner = Fixtures.account("owner");
        String cluster = Fixtures.clusterWith(owner, Map.of("pricing", Map.of("deployFee", "10", "depositPerByte", "2"),
                "quota", Map.of("maxContracts", 3, "maxContractsPerDeployer", 1, "maxCodeSize", 100)));
        String stranger = Fixtures.account("stranger");
        Api.anonymous().get("access", Map.of("clusterId", cluster, "account", stranger, "codeSize", 101)).statusCode(200)
                .body("allowed", equalTo(false))
                .body("checks.name", equalTo(List.of("cluster", "rule", "codeSize", "clusterQuota", "deployerQuota", "balance")))
                .body("checks.passed", equalTo(List.of(true, false, false, true, true, false)))
                .body("checks[1].reason", equalTo("only the owner may deploy"))
                .body("quote.fee", equalTo("10")).body("quote.deposit", equalTo("202")).body("quote.total", equalTo("212"));
    }

    @Test
    void theAccountDefaultsToTheCaller() {
        String owner = Fixtures.account("owner");
        String cluster = Fixtures.clusterWith(owner, Map.of());
        Api.as(owner).post("access", Map.of("clusterId", cluster, "codeSize", 10)).statusCode(200)
                .body("allowed", equalTo(true));
        Api.as(Fixtures.account("other")).post("access", Map.of("clusterId", cluster, "codeSize", 10)).statusCode(200)
                .body("allowed", equalTo(false));
        Api.anonymous().post("access", Map.of("clusterId", cluster, "codeSize", 10)).statusCode(400)
                .body("details.field", equalTo("account"));
    }

    @Test
    void publicLetsAnyoneDeploy() {
        String cluster = Fixtures.clusterWith(Fixtures.account("owner"), Map.of("permission", Map.of("rule", "PUBLIC")));
        String dev = Fixtures.account("anyone");
        allowed(cluster, dev, 10, true);
        Api.as(dev).post("deploy", Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", 10))
                .statusCode(200);
    }

    @Test
    void anAllowListAdmitsExactlyItsAccounts() {
        String owner = Fixtures.account("owner");
        String a = Fixtures.account("a");
        String b = Fixtures.account("b");
        String cluster = Fixtures.clusterWith(owner, Map.of("permission", Map.of("rule", "ALLOW_LIST",
                "accounts", List.of(a, b))));
        allowed(cluster, a, 10, true);
        allowed(cluster, b, 10, true);
        allowed(cluster, owner, 10, false);
        allowed(cluster, Fixtures.account("c"), 10, false);
        Api.as(Fixtures.account("c")).post("deploy", Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(),
                "codeSize", 10)).statusCode(403).body("details.rule", equalTo("ALLOW_LIST"));
    }

    @Test
    void anExpressionAdmitsAndRefusesAsWritten() {
        String cluster = Fixtures.clusterWith(Fixtures.account("owner"), Map.of("permission", Map.of("rule", "EXPRESSION",
                "expression", "codeSize < 100000 && account.startsWith(\"team-\")")));
        allowed(cluster, "team-a", 99_999, true);
        allowed(cluster, "team-a", 100_000, false);
        allowed(cluster, "alice", 10, false);
        Api.as("team-b").post("deploy", Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", 10))
                .statusCode(200);
        Api.as("alice").post("deploy", Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", 10))
                .statusCode(403).body("error", equalTo("ACCESS_DENIED")).body("details.rule", equalTo("EXPRESSION"));
    }

    @Test
    void anExpressionSeesRolesOwnerAndCounts() {
        String owner = Fixtures.account("owner");
        String cluster = Fixtures.clusterWith(owner, Map.of("permission", Map.of("rule", "EXPRESSION",
                "expression", "account == owner || (\"operator\" in roles && deployedByAccount < 1)")));
        String op = Fixtures.account("op");
        Api.as(op).post("access", Map.of("clusterId", cluster, "codeSize", 1)).statusCode(200).body("allowed", equalTo(false));
        Api.as(op, "operator").post("access", Map.of("clusterId", cluster, "codeSize", 1)).statusCode(200)
                .body("allowed", equalTo(true));
        Api.as(op, "operator").post("deploy", Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", 1))
                .statusCode(200);
        Api.as(op, "operator").post("deploy", Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", 1))
                .statusCode(403);
        allowed(cluster, owner, 1, true);
    }

    @Test
    void anExpressionThatFailsAtRunTimeDenies() {
        String cluster = Fixtures.clusterWith(Fixtures.account("owner"), Map.of("permission", Map.of("rule", "EXPRESSION",
                "expression", "{\"a\": true}[account]")));
        Api.anonymous().post("access", ask(cluster, "a", 1)).statusCode(200).body("allowed", equalTo(true));
        Api.anonymous().post("access", ask(cluster, "b", 1)).statusCode(200).body("allowed", equalTo(false))
                .body("checks[1].reason", org.hamcrest.Matchers.startsWith("expression failed"));
    }

    @Test
    void aBadExpressionIsRefusedWhenSetAndTheOldRuleStays() {
        String owner = Fixtures.account("owner");
        String cluster = Fixtures.clusterWith(owner, Map.of("permission", Map.of("rule", "PUBLIC")));
        for (String bad : new String[] {"account ==", "nosuchvar == 1", "codeSize + 1"}) {
            Api.as(owner).post("configureCluster", Map.of("clusterId", cluster, "permission",
                    Map.of("rule", "EXPRESSION", "expression", bad))).statusCode(400).body("error", equalTo("INVALID_RULE"));
        }
        Api.anonymous().get("cluster", Map.of("id", cluster)).statusCode(200).body("permission.rule", equalTo("PUBLIC"));
    }

    @Test
    void anUnknownClusterIsNotFound() {
        Api.anonymous().post("access", ask(Fixtures.hex64(), "a", 1)).statusCode(404)
                .body("error", equalTo("CLUSTER_NOT_FOUND"));
    }
}
