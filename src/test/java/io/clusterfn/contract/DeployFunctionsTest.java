package io.clusterfn.contract;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

@QuarkusTest
class DeployFunctionsTest extends FunctionTest {
    private static Map<String, Object> deploy(String cluster, String code, long size) {
        return Map.of("clusterId", cluster, "codeHash", code, "codeSize", size);
    }

    private static String clusterFor(String owner, Map<String, ?> rules) {
        return Fixtures.clusterWith(owner, rules);
    }

    private static void free(String account, String amount) {
        Api.as(account).get("balance", Map.of()).statusCode(200).body("free", equalTo(amount));
    }

    static String sha256(String text) throws Exception {
        return "0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void onlyTheOwnerDeploysIntoAnOnlyOwnerCluster() {
        String owner = Fixtures.account("owner");
        String cluster = clusterFor(owner, Map.of());
        Api.as(owner).post("deploy", deploy(cluster, Fixtures.hex64(), 10)).statusCode(200)
                .body("status", equalTo("DEPLOYED")).body("deployer", equalTo(owner));
        String other = Fixtures.account("other");
        Fixtures.fund(other, "100");
        Api.as(other).post("deploy", deploy(cluster, Fixtures.hex64(), 10)).statusCode(403)
                .body("error", equalTo("ACCESS_DENIED")).body("details.rule", equalTo("ONLY_OWNER"));
        free(other, "100");
        Api.anonymous().post("deploy", deploy(cluster, Fixtures.hex64(), 10)).statusCode(401);
    }

    @Test
    void theContractIdIsTheHashOfClusterDeployerCodeAndSalt() throws Exception {
        String owner = Fixtures.account("owner");
        String first = clusterFor(owner, Map.of());
        String second = clusterFor(owner, Map.of());
        String code = Fixtures.hex64();
        String upper = "0x" + code.substring(2).toUpperCase();
        Api.as(owner).post("deploy", Map.of("clusterId", first, "codeHash", upper, "codeSize", 5, "salt", "v1"))
                .statusCode(200).body("id", equalTo(sha256(first + "|" + owner + "|" + code + "|v1")))
                .body("codeHash", equalTo(code)).body("salt", equalTo("v1"));
        Api.as(owner).post("deploy", deploy(second, code, 5)).statusCode(200)
                .body("id", equalTo(sha256(second + "|" + owner + "|" + code + "|")));
        Api.as(owner).post("deploy", Map.of("clusterId", first, "codeHash", code, "codeSize", 5, "salt", "v1"))
                .statusCode(409).body("error", equalTo("DUPLICATE_CONTRACT"));
        Api.as(owner).post("deploy", Map.of("clusterId", first, "codeHash", code, "codeSize", 5, "salt", "bad salt"))
                .statusCode(400).body("details.field", equalTo("salt"));
    }

    @Test
    void pricingChargesTheFeeAndHoldsTheDepositUntilUndeploy() {
        String owner = Fixtures.account("owner");
        String treasury = Fixtures.account("treasury");
        String cluster = clusterFor(owner, Map.of("permission", Map.of("rule", "PUBLIC"),
                "pricing", Map.of("deployFee", "1000", "depositPerByte", "7"), "quota", Map.of("maxContracts", 1),
                "treasury", treasury));
        String dev = Fixtures.account("dev");
        Fixtures.fund(dev, "5000");
        String id = Api.as(dev).post("deploy", deploy(cluster, Fixtures.hex64(), 100)).statusCode(200)
                .body("feePaid", equalTo("1000")).body("deposit", equalTo("700")).extract().path("id");
        free(dev, "3300");
        Api.as(dev).get("balance", Map.of()).statusCode(200).body("deposits", equalTo("700"));
        free(treasury, "1000");
        Api.as(dev).post("deploy", deploy(cluster, Fixtures.hex64(), 100)).statusCode(409)
                .body("error", equalTo("QUOTA_EXCEEDED")).body("details.quota", equalTo("maxContracts"))
                .body("details.used", equalTo(1)).body("details.limit", equalTo(1));

        Api.as(dev).post("undeploy", Map.of("contractId", id)).statusCode(200)
                .body("status", equalTo("UNDEPLOYED")).body("deposit", equalTo("0")).body("share", equalTo(0.0f));
        free(dev, "4000");
        free(treasury, "1000");
        Api.as(dev).post("undeploy", Map.of("contractId", id)).statusCode(409).body("error", equalTo("CONFLICT"));
        // The slot is free again; the id stays taken.
        Api.as(dev).post("deploy", deploy(cluster, Fixtures.hex64(), 100)).statusCode(200);
        Api.anonymous().get("contract", Map.of("id", id)).statusCode(200).body("status", equalTo("UNDEPLOYED"));
    }

    @Test
    void redeployingAnUndeployedContractIsADuplicate() {
        String owner = Fixtures.account("owner");
        String cluster = clusterFor(owner, Map.of());
        String code = Fixtures.hex64();
        String id = Api.as(owner).post("deploy", deploy(cluster, code, 5)).statusCode(200).extract().path("id");
        Api.as(owner).post("undeploy", Map.of("contractId", id)).statusCode(200);
        Api.as(owner).post("deploy", deploy(cluster, code, 5)).statusCode(409).body("error", equalTo("DUPLICATE_CONTRACT"));
    }

    @Test
    void tooLittleBalanceIsRefusedWithNothingChanged() {
        String owner = Fixtures.account("owner");
        String cluster = clusterFor(owner, Map.of("permission", Map.of("rule", "PUBLIC"),
                "pricing", Map.of("deployFee", "50", "depositPerByte", "1")));
        String dev = Fixtures.account("dev");
        Fixtures.fund(dev, "59");
        Api.as(dev).post("deploy", deploy(cluster, Fixtures.hex64(), 10)).statusCode(402)
                .body("error", equalTo("INSUFFICIENT_BALANCE")).body("details.needed", equalTo("60"))
                .body("details.available", equalTo("59"));
        free(dev, "59");
        Api.anonymous().get("cluster", Map.of("id", cluster)).statusCode(200).body("contracts", equalTo(0));
        Fixtures.fund(dev, "1");
        Api.as(dev).post("deploy", deploy(cluster, Fixtures.hex64(), 10)).statusCode(200);
        free(dev, "0");
    }

    @Test
    void codeSizeAtTheLimitIsAllowedAndAboveIsRefused() {
        String owner = Fixtures.account("owner");
        String cluster = clusterFor(owner, Map.of("quota", Map.of("maxCodeSize", 1000)));
        Api.as(owner).post("deploy", deploy(cluster, Fixtures.hex64(), 1000)).statusCode(200);
        Api.as(owner).post("deploy", deploy(cluster, Fixtures.hex64(), 1001)).statusCode(409)
                .body("error", equalTo("QUOTA_EXCEEDED")).body("details.quota", equalTo("maxCodeSize"))
                .body("details.used", equalTo(1001)).body("details.limit", equalTo(1000));
        String big = clusterFor(owner, Map.of());
        Api.as(owner).post("deploy", deploy(big, Fixtures.hex64(), 2097152)).statusCode(200);
        Api.as(owner).post("deploy", deploy(big, Fixtures.hex64(), 2097153)).statusCode(409)
                .body("details.quota", equalTo("maxCodeSize"));
    }

    @Test
    void perDeployerQuotaAndLoweringAQuotaKeepsExistingContracts() {
        String owner = Fixtures.account("owner");
        String cluster = clusterFor(owner, Map.of("permission", Map.of("rule", "PUBLIC"),
                "quota", Map.of("maxContractsPerDeployer", 2)));
        String dev = Fixtures.account("dev");
        Api.as(dev).post("deploy", deploy(cluster, Fixtures.hex64(), 1)).statusCode(200);
        Api.as(dev).post("deploy", deploy(cluster, Fixtures.hex64(), 1)).statusCode(200);
        Api.as(dev).post("deploy", deploy(cluster, Fixtures.hex64(), 1)).statusCode(409)
                .body("details.quota", equalTo("maxContractsPerDeployer")).body("details.used", equalTo(2))
                .body("details.limit", equalTo(2));
        Api.as(owner).post("configureCluster", Map.of("clusterId", cluster, "permission", Map.of("rule", "PUBLIC"),
                "quota", Map.of("maxContracts", 1))).statusCode(200).body("contracts", equalTo(2));
        Api.as(Fixtures.account("dev")).post("deploy", deploy(cluster, Fixtures.hex64(), 1)).statusCode(409)
                .body("details.quota", equalTo("maxContracts")).body("details.used", equalTo(2));
    }

    @Test
    void theDeployerOrTheOwnerUndeploys() {
        String owner = Fixtures.account("owner");
        String cluster = clusterFor(owner, Map.of("permission", Map.of("rule", "PUBLIC")));
        String dev = Fixtures.account("dev");
        String mine = Api.as(dev).post("deploy", deploy(cluster, Fixtures.hex64(), 1)).statusCode(200).extract().path("id");
        String other = Api.as(dev).post("deploy", deploy(cluster, Fixtures.hex64(), 1)).statusCode(200).extract().path("id");
        Api.as(Fixtures.account("mallory")).post("undeploy", Map.of("contractId", mine)).statusCode(403)
                .body("error", equalTo("NOT_OWNER"));
        Api.as(dev).post("undeploy", Map.of("contractId", mine)).statusCode(200);
        Api.as(owner).post("undeploy", Map.of("contractId", other)).statusCode(200);
        Api.as(dev).post("undeploy", Map.of("contractId", Fixtures.hex64())).statusCode(404)
                .body("error", equalTo("CONTRACT_NOT_FOUND"));
        Api.anonymous().get("contract", Map.of("id", Fixtures.hex64())).statusCode(404)
                .body("error", equalTo("CONTRACT_NOT_FOUND"));
    }

    @Test
    void anUnknownClusterIsNotFound() {
        Api.as(Fixtures.account("dev")).post("deploy", deploy(Fixtures.hex64(), Fixtures.hex64(), 1)).statusCode(404)
                .body("error", equalTo("CLUSTER_NOT_FOUND"));
        Api.as(Fixtures.account("dev")).post("deploy", deploy("0x12", Fixtures.hex64(), 1)).statusCode(400)
                .body("details.field", equalTo("clusterId"));
        Api.as(Fixtures.account("dev")).post("deploy", Map.of("clusterId", Fixtures.hex64(), "codeHash", Fixtures.hex64(),
                "codeSize", 0)).statusCode(400).body("details.field", equalTo("codeSize"));
        Api.as(Fixtures.account("dev")).post("deploy", Map.of("clusterId", Fixtures.hex64(), "codeHash", Fixtures.hex64(),
                "codeSize", 1.5)).statusCode(400).body("details.field", equalTo("codeSize"));
    }

    @Test
    void sameCodeInTwoClustersIsTwoContracts() {
        String owner = Fixtures.account("owner");
        String code = Fixtures.hex64();
        String a = Api.as(owner).post("deploy", deploy(clusterFor(owner, Map.of()), code, 1)).statusCode(200)
                .extract().path("id");
        Api.as(owner).post("deploy", deploy(clusterFor(owner, Map.of()), code, 1)).statusCode(200)
                .body("id", not(equalTo(a)));
    }
}
