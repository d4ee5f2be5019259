package io.clusterfn.access;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What access says is what deploy does: for every rule, quota edge and balance edge. */
@QuarkusTest
class AccessDeployAgreementTest extends FunctionTest {
    private static final String FEE = "100";
    private static final String PER_BYTE = "2";

    /** A case: the rules, how many contracts the deployer and others already have, its balance, the code size. */
    record Case(String name, Map<String, Object> permission, Map<String, Object> quota, int mineBefore, int othersBefore,
            String balance, long codeSize, String expectedError) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        Map<String, Object> open = Map.of("rule", "PUBLIC");
        Map<String, Object> none = Map.of();
        // fee 100 + 2 per byte: a 50-byte code costs exactly 200
        return Stream.of(
                new Case("public, exact balance", open, none, 0, 0, "200", 50, null),
                new Case("public, one unit short", open, none, 0, 0, "199", 50, "INSUFFICIENT_BALANCE"),
                new Case("only owner, stranger", Map.of("rule", "ONLY_OWNER"), none, 0, 0, "1000", 50, "ACCESS_DENIED"),
                new Case("allow list, listed", Map.of("rule", "ALLOW_LIST", "accounts", List.of("DEPLOYER")), none, 0, 0,
                        "1000", 50, null),
                new Case("allow list, not listed", Map.of("rule", "ALLOW_LIST", "accounts", List.of("someone")), none, 0, 0,
                        "1000", 50, "ACCESS_DENIED"),
                new Case("expression true", Map.of("rule", "EXPRESSION", "expression", "codeSize <= 50"), none, 0, 0,
                        "1000", 50, null),
                new Case("expression false", Map.of("rule", "EXPRESSION", "expression", "codeSize < 50"), none, 0, 0,
                        "1000", 50, "ACCESS_DENIED"),
                new Case("code size at max", open, Map.of("maxCodeSize", 50), 0, 0, "1000", 50, null),
                new Case("code size one above", open, Map.of("maxCodeSize", 49), 0, 0, "1000", 50, "QUOTA_EXCEEDED"),
                new Case("cluster quota one left", open, Map.of("maxContracts", 3), 0, 2, "1000", 50, null),
                new Case("cluster quota full", open, Map.of("maxContracts", 2), 0, 2, "1000", 50, "QUOTA_EXCEEDED"),
                new Case("deployer quota one left", open, Map.of("maxContractsPerDeployer", 2), 1, 0, "1000", 50, null),
                new Case("deployer quota full", open, Map.of("maxContractsPerDeployer", 1), 1, 0, "1000", 50,
                        "QUOTA_EXCEEDED"),
                new Case("denied and short: the rule comes first", Map.of("rule", "ONLY_OWNER"), none, 0, 0, "0", 50,
                        "ACCESS_DENIED"),
                new Case("quota full and short: the quota comes first", open, Map.of("maxContracts", 0), 0, 0, "0", 50,
                        "QUOTA_EXCEEDED"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void accessAgreesWithDeploy(Case c) {
        String owner = Fixtures.account("owner");
        String deployer = Fixtures.account("dev");
        Map<String, Object> permission = c.permission().containsKey("accounts")
                ? Map.of("rule", "ALLOW_LIST", "accounts", ((List<?>) c.permission().get("accounts")).stream()
                        .map(a -> a.equals("DEPLOYER") ? deployer : a).toList())
                : c.permission();
        // Contracts that exist before: deployed while the cluster is open and free.
        String cluster = Fixtures.clusterWith(owner, Map.of("permission", Map.of("rule", "PUBLIC")));
        for (int i = 0; i < c.mineBefore(); i++) {
            deploy(deployer, cluster, 1).then().statusCode(200);
        }
        for (int i = 0; i < c.othersBefore(); i++) {
            deploy(Fixtures.account("other"), cluster, 1).then().statusCode(200);
        }
        Api.as(owner).post("configureCluster", Map.of("clusterId", cluster, "permission", permission, "quota", c.quota(),
                "pricing", Map.of("deployFee", FEE, "depositPerByte", PER_BYTE))).statusCode(200);
        if (!c.balance().equals("0")) {
            Fixtures.fund(deployer, c.balance());
        }

        boolean allowed = Api.anonymous().post("access", Map.of("clusterId", cluster, "account", deployer,
                "codeSize", c.codeSize())).statusCode(200).extract().path("allowed");
        Response deployed = deploy(deployer, cluster, c.codeSize());

        assertEquals(allowed, deployed.statusCode() == 200, "access and deploy agree: " + deployed.asString());
        assertEquals(c.expectedError() == null, allowed, "the case is decided as expected");
        if (c.expectedError() != null) {
            assertEquals(c.expectedError(), deployed.path("error"));
        }
    }

    private static Response deploy(String deployer, String cluster, long size) {
        return Api.as(deployer).request()
                .body(Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", size)).post("/deploy");
    }
}
