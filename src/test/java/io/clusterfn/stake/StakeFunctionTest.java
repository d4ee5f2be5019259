package io.clusterfn.stake;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class StakeFunctionTest extends FunctionTest {
    private static final String PHA = Fixtures.PHA;

    private String cluster;
    private String owner;

    private String contract() {
        owner = Fixtures.account("owner");
        cluster = Fixtures.clusterWith(owner, Map.of());
        return Api.as(owner).post("deploy", Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(), "codeSize", 1))
                .statusCode(200).extract().path("id");
    }

    private static void holds(String account, String free, String staked) {
        Api.as(account).get("balance", Map.of()).statusCode(200).body("free", equalTo(free)).body("staked", equalTo(staked));
    }

    @Test
    void stakeIsSetRaisedLoweredAndWithdrawn() {
        String contract = contract();
        String staker = Fixtures.account("staker");
        Fixtures.fund(staker, "10" + PHA);
        Api.as(staker).post("stake", Map.of("contractId", contract, "amount", "2" + PHA)).statusCode(200)
                .body("contractId", equalTo(contract)).body("account", equalTo(staker)).body("stake", equalTo("2" + PHA))
                .body("contractStake", equalTo("2" + PHA)).body("weight", equalTo(200)).body("share", equalTo(1.0f));
        holds(staker, "8" + PHA, "2" + PHA);
        Api.as(staker).post("stake", Map.of("contractId", contract, "amount", "5" + PHA)).statusCode(200)
                .body("stake", equalTo("5" + PHA));
        holds(staker, "5" + PHA, "5" + PHA);
        // The same amount again changes nothing.
        Api.as(staker).post("stake", Map.of("contractId", contract, "amount", "5" + PHA)).statusCode(200)
                .body("stake", equalTo("5" + PHA));
        holds(staker, "5" + PHA, "5" + PHA);
        Api.as(staker).post("stake", Map.of("contractId", contract, "amount", "3" + PHA)).statusCode(200);
        holds(staker, "7" + PHA, "3" + PHA);
        Api.as(staker).post("stake", Map.of("contractId", contract, "amount", "0")).statusCode(200)
                .body("stake", equalTo("0")).body("contractStake", equalTo("0")).body("weight", equalTo(0));
        holds(staker, "10" + PHA, "0");
    }

    @Test
    void refusedStakesChangeNothing() {
        String contract = contract();
        String staker = Fixtures.account("staker");
        Fixtures.fund(staker, "2" + PHA);
        Api.as(staker).post("stake", Map.of("contractId", contract, "amount", "999999999999")).statusCode(400)
                .body("details.field", equalTo("amount"));
        Api.as(staker).post("stake", Map.of("contractId", contract, "amount", 1000000000000L)).statusCode(400)
                .body("details.field", equalTo("amount"));
        Api.as(staker).post("stake", Map.of("contractId", contract, "amount", "3" + PHA)).statusCode(402)
                .body("error", equalTo("INSUFFICIENT_BALANCE")).body("details.needed", equalTo("3" + PHA))
                .body("details.available", equalTo("2" + PHA));
        Api.as(staker).post("stake", Map.of("contractId", Fixtures.hex64(), "amount", "1" + PHA)).statusCode(404)
                .body("error", equalTo("CONTRACT_NOT_FOUND"));
        Api.anonymous().post("stake", Map.of("contractId", contract, "amount", "1" + PHA)).statusCode(401);
        holds(staker, "2" + PHA, "0");
    }

    @Test
    void sharesFollowWeightsAcrossTheCluster() {
        String first = contract();
        String second = Api.as(owner).post("deploy", Map.of("clusterId", cluster, "codeHash", Fixtures.hex64(),
                "codeSize", 1)).statusCode(200).extract().path("id");
        String staker = Fixtures.account("staker");
        Fixtures.fund(staker, "10" + PHA);
        Api.as(staker).post("stake", Map.of("contractId", first, "amount", "1" + PHA)).statusCode(200);
        Api.as(staker).post("stake", Map.of("contractId", second, "amount", "3" + PHA)).statusCode(200)
                .body("share", equalTo(0.75f)).body("weight", equalTo(300));
        Api.anonymous().get("contract", Map.of("id", first)).statusCode(200)
                .body("stake", equalTo("1" + PHA)).body("weight", equalTo(100)).body("share", equalTo(0.25f));
        Api.anonymous().get("cluster", Map.of("id", cluster)).statusCode(200)
                .body("stake.total", equalTo("4" + PHA))
                .body("stake.contracts.find { it.contractId == '" + first + "' }.share", equalTo(0.25f))
                .body("stake.contracts.find { it.contractId == '" + second + "' }.share", equalTo(0.75f));

        // Undeployed: share 0, raising refused, withdrawing still works; the other takes the whole cluster.
        Api.as(owner).post("undeploy", Map.of("contractId", first)).statusCode(200).body("share", equalTo(0.0f))
                .body("stake", equalTo("1" + PHA));
        Api.anonymous().get("contract", Map.of("id", second)).statusCode(200).body("share", equalTo(1.0f));
        Api.as(staker).post("stake", Map.of("contractId", first, "amount", "2" + PHA)).statusCode(409)
                .body("error", equalTo("CONFLICT"));
        Api.as(staker).post("stake", Map.of("contractId", first, "amount", "0")).statusCode(200);
        Api.as(staker).get("balance", Map.of()).statusCode(200).body("free", equalTo("7" + PHA))
                .body("staked", equalTo("3" + PHA));
    }
}
