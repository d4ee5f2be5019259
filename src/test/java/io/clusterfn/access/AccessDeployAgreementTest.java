package io.clusterfn.access;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code access} and {@code deploy} agree: for each case a fresh cluster and deployer are set up,
 * {@code access} is asked, then the same deploy is made; it succeeds exactly when access allowed
 * it, and when refused its error is the one of the first failed check.
 */
@QuarkusTest
class AccessDeployAgreementTest extends FunctionTest {
    private static final Api ADMIN = Api.as("agreement-auditor", "admin");
    /** fee 1000 + 2 per byte: the default 500-byte code costs exactly 2000. */
    private static final Map<String, String> PRICING = Map.of("deployFee", "1000", "depositPerByte", "2");
    private static final long PRICE_OF_500 = 2000;
    private static final String EXAMPLE = "codeSize < 100000 && account.startsWith(\"team-\")";

    /** One row of the table; {@code expected} is the first check that fails, null when allowed. */
    record Case(String prefix, boolean asOwner, Function<String, Map<String, Object>> permission,
            Map<String, Object> quota, boolean free, long codeSize, int own, int others, long balance,
            List<String> roles, String expected) {

        static Case of() {
            return new Case("dev", false, d -> Map.of("rule", "PUBLIC"), null, false, 500, 0, 0, 1_000_000,
                    List.of(), null);
        }

        Case prefix(String p) {
            return new Case(p, asOwner, permission, quota, free, codeSize, own, others, balance, roles, expected);
        }

        Case byOwner() {
            return new Case(prefix, true, permission, quota, free, codeSize, own, others, balance, roles, expected);
        }

        Case rule(Function<String, Map<String, Object>> p) {
            return new Case(prefix, asOwner, p, quota, free, codeSize, own, others, balance, roles, expected);
        }

        Case quota(Object... keyValues) {
            Map<String, Object> q = new HashMap<>();
            for (int i = 0; i < keyValues.length; i += 2) {
                q.put((String) keyValues[i], keyValues[i + 1]);
            }
            return new Case(prefix, asOwner, permission, q, free, codeSize, own, others, balance, roles, expected);
        }

        Case freePricing() {
            return new Case(prefix, asOwner, permission, quota, true, codeSize, own, others, balance, roles, expected);
        }

        Case size(long s) {
            return new Case(prefix, asOwner, permission, quota, free, s, own, others, balance, roles, expected);
        }

        Case existing(int ownContracts, int othersContracts) {
            return new Case(prefix, asOwner, permission, quota, free, codeSize, ownContracts, othersContracts,
                    balance, roles, expected);
        }

        Case balance(long b) {
            return new Case(prefix, asOwner, permission, quota, free, codeSize, own, others, b, roles, expected);
        }

        Case roles(String... r) {
            return new Case(prefix, asOwner, permission, quota, free, codeSize, own, others, balance, List.of(r),
                    expected);
        }

        Case allowed() {
            return this;
        }

        Case refusedBy(String check) {
            return new Case(prefix, asOwner, permission, quota, free, codeSize, own, others, balance, roles, check);
        }
    }

    private static Function<String, Map<String, Object>> rule(String rule) {
        return deployer -> Map.of("rule", rule);
    }

    private static Function<String, Map<String, Object>> expression(String source) {
        return deployer -> Map.of("rule", "EXPRESSION", "expression", source);
    }

    private static Function<String, Map<String, Object>> allowList(boolean listed) {
        return deployer -> Map.of("rule", "ALLOW_LIST",
                "accounts", listed ? List.of("someone-else", deployer) : List.of("someone-else"));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                row("PUBLIC admits anyone", Case.of().allowed()),
                row("ONLY_OWNER admits the owner", Case.of().rule(rule("ONLY_OWNER")).byOwner().allowed()),
                row("ONLY_OWNER refuses another", Case.of().rule(rule("ONLY_OWNER")).refusedBy("rule")),
                row("ALLOW_LIST admits a listed account", Case.of().rule(allowList(true)).allowed()),
                row("ALLOW_LIST refuses an unlisted account", Case.of().rule(allowList(false)).refusedBy("rule")),
                row("ALLOW_LIST refuses the unlisted owner", Case.of().rule(allowList(false)).byOwner()
                        .refusedBy("rule")),
                row("example expression admits a small team deploy",
                        Case.of().rule(expression(EXAMPLE)).prefix("team").size(99999).allowed()),
                row("example expression refuses 100000 bytes",
                        Case.of().rule(expression(EXAMPLE)).prefix("team").size(100000).refusedBy("rule")),
                row("example expression refuses a non-team account",
                        Case.of().rule(expression(EXAMPLE)).prefix("solo").refusedBy("rule")),
                row("roles expression admits the role",
                        Case.of().rule(expression("'dev' in roles")).roles("dev").allowed()),
                row("roles expression refuses without the role",
                        Case.of().rule(expression("'dev' in roles")).roles("operator").refusedBy("rule")),
                row("deployedByAccount expression admits below",
                        Case.of().rule(expression("deployedByAccount < 2")).existing(1, 3).allowed()),
                row("deployedByAccount expression refuses at",
                        Case.of().rule(expression("deployedByAccount < 2")).existing(2, 0).refusedBy("rule")),
                row("deployedTotal expression admits below",
                        Case.of().rule(expression("deployedTotal < 3")).existing(1, 1).allowed()),
                row("deployedTotal expression refuses at",
                        Case.of().rule(expression("deployedTotal < 3")).existing(1, 2).refusedBy("rule")),
                row("owner expression", Case.of().rule(expression("account == owner")).byOwner().allowed()),
                row("code exactly at maxCodeSize", Case.of().quota("maxCodeSize", 500).allowed()),
                row("code one byte above maxCodeSize", Case.of().quota("maxCodeSize", 500).size(501)
                        .refusedBy("codeSize")),
                row("code exactly at the default maxCodeSize", Case.of().freePricing().size(2097152).balance(0)
                        .allowed()),
                row("code one byte above the default maxCodeSize", Case.of().freePricing().size(2097153)
                        .refusedBy("codeSize")),
                row("maxContracts with one slot left", Case.of().quota("maxContracts", 3).existing(0, 2).allowed()),
                row("maxContracts full with others' contracts", Case.of().quota("maxContracts", 3).existing(0, 3)
                        .refusedBy("clusterQuota")),
                row("maxContracts full with own and others'", Case.of().quota("maxContracts", 3).existing(1, 2)
                        .refusedBy("clusterQuota")),
                row("maxContracts 0", Case.of().quota("maxContracts", 0).refusedBy("clusterQuota")),
                row("maxContracts lowered below use", Case.of().quota("maxContracts", 1).existing(0, 2)
                        .refusedBy("clusterQuota")),
                row("maxContractsPerDeployer with one slot left", Case.of().quota("maxContractsPerDeployer", 2)
                        .existing(1, 5).allowed()),
                row("maxContractsPerDeployer full", Case.of().quota("maxContractsPerDeployer", 2).existing(2, 0)
                        .refusedBy("deployerQuota")),
                row("maxContractsPerDeployer 0", Case.of().quota("maxContractsPerDeployer", 0)
                        .refusedBy("deployerQuota")),
                row("both quotas full: the cluster's is first",
                        Case.of().quota("maxContracts", 2, "maxContractsPerDeployer", 1).existing(1, 1)
                                .refusedBy("clusterQuota")),
                row("both quotas with room", Case.of().quota("maxContracts", 3, "maxContractsPerDeployer", 2)
                        .existing(1, 1).allowed()),
                row("exact balance", Case.of().balance(PRICE_OF_500).allowed()),
                row("balance one unit short", Case.of().balance(PRICE_OF_500 - 1).refusedBy("balance")),
                row("no balance at all", Case.of().balance(0).refusedBy("balance")),
                row("no balance in a free cluster", Case.of().freePricing().balance(0).allowed()),
                row("exact balance for a larger code", Case.of().size(1234).balance(1000 + 2 * 1234).allowed()),
                row("one unit short for a larger code", Case.of().size(1234).balance(1000 + 2 * 1234 - 1)
                        .refusedBy("balance")),
                row("rule and balance fail: rule first", Case.of().rule(rule("ONLY_OWNER"))
                        .balance(PRICE_OF_500 - 1).refusedBy("rule")),
                row("code size and balance fail: code size first", Case.of().quota("maxCodeSize", 499)
                        .balance(PRICE_OF_500 - 1).refusedBy("codeSize")),
                row("deployer quota and balance fail: quota first", Case.of().quota("maxContractsPerDeployer", 1)
                        .existing(1, 0).balance(1).refusedBy("deployerQuota")),
                row("exact balance at the last slot", Case.of().quota("maxContracts", 2, "maxCodeSize", 500)
                        .existing(1, 0).balance(PRICE_OF_500).allowed()));
    }

    private static Arguments row(String name, Case c) {
        return Arguments.of(name, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void accessAllowsExactlyWhatDeployAccepts(String name, Case c) {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String clusterId = Fixtures.clusterWith(owner, Map.of("permission", Map.of("rule", "PUBLIC")));
        String deployer = c.asOwner() ? owner : Fixtures.account(c.prefix());

        // Contracts already there, deployed while the cluster was open and free.
        String other = Fixtures.account("other");
        for (int i = 0; i < c.others(); i++) {
            deploy(Api.as(other), clusterId, 1).statusCode(200);
        }
        for (int i = 0; i < c.own(); i++) {
            deploy(Api.as(deployer), clusterId, 1).statusCode(200);
        }
        // Then the case's rules take over.
        Map<String, Object> rules = new HashMap<>(Map.of("clusterId", clusterId,
                "permission", c.permission().apply(deployer),
                "pricing", c.free() ? Map.of() : PRICING, "treasury", treasury));
        if (c.quota() != null) {
            rules.put("quota", c.quota());
        }
        Api.as(owner).post("configureCluster", rules).statusCode(200);
        if (!c.asOwner() && c.balance() > 0) {
            Fixtures.fund(deployer, Long.toString(c.balance()));
        }

        Api as = Api.as(deployer, c.roles().toArray(String[]::new));
        BigInteger before = free(deployer);
        BigInteger treasuryBefore = free(treasury);
        JsonPath access = as.post("access", Map.of("clusterId", clusterId, "codeSize", c.codeSize()))
                .statusCode(200).extract().jsonPath();
        boolean allowed = access.getBoolean("allowed");
        String firstFailed = access.getString("checks.find { !it.passed }.name");
        assertEquals(c.expected(), firstFailed, "the first failed check");

        ExtractableResponse<Response> deploy = deploy(as, clusterId, c.codeSize()).extract();
        assertEquals(allowed, deploy.statusCode() == 200,
                "access said allowed=" + allowed + ", deploy answered " + deploy.statusCode() + " " + deploy.asString());

        BigInteger total = new BigInteger(access.getString("quote.total"));
        if (allowed) {
            assertEquals(access.getString("quote.fee"), deploy.path("feePaid"));
            assertEquals(access.getString("quote.deposit"), deploy.path("deposit"));
            assertEquals(before.subtract(total), free(deployer), "the deployer paid the quoted total");
            assertEquals(treasuryBefore.add(new BigInteger(access.getString("quote.fee"))), free(treasury));
        } else {
            assertRefusalOf(firstFailed, c, deploy, total, before);
            assertEquals(before, free(deployer), "a refused deploy changes nothing");
            assertEquals(treasuryBefore, free(treasury));
        }
        assertEquals(c.own() + c.others() + (allowed ? 1 : 0), contractsIn(clusterId));
    }

    /** The deploy's error is the one of the first failed check. */
    private static void assertRefusalOf(String check, Case c, ExtractableResponse<Response> deploy, BigInteger total,
            BigInteger balance) {
        switch (check) {
            case "rule" -> {
                assertEquals(403, deploy.statusCode());
                assertEquals("ACCESS_DENIED", deploy.path("error"));
                assertEquals(c.permission().apply("x").get("rule"), deploy.path("details.rule"));
            }
            case "codeSize", "clusterQuota", "deployerQuota" -> {
                assertEquals(409, deploy.statusCode());
                assertEquals("QUOTA_EXCEEDED", deploy.path("error"));
                assertEquals(Map.of("codeSize", "maxCodeSize", "clusterQuota", "maxContracts",
                        "deployerQuota", "maxContractsPerDeployer").get(check), deploy.path("details.quota"));
            }
            case "balance" -> {
                assertEquals(402, deploy.statusCode());
                assertEquals("INSUFFICIENT_BALANCE", deploy.path("error"));
                assertEquals(total.toString(), deploy.path("details.needed"));
                assertEquals(balance.toString(), deploy.path("details.available"));
            }
            default -> throw new AssertionError("no such check " + check);
        }
    }

    private static io.restassured.response.ValidatableResponse deploy(Api as, String clusterId, long codeSize) {
        return as.post("deploy", Map.of("clusterId", clusterId, "codeHash", Fixtures.hex64(), "codeSize", codeSize));
    }

    private static BigInteger free(String account) {
        ExtractableResponse<Response> b = ADMIN.get("balance", Map.of("account", account)).extract();
        return new BigInteger(b.statusCode() == 404 ? "0" : b.path("free"));
    }

    private static int contractsIn(String clusterId) {
        return Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200).extract().path("contracts");
    }
}
