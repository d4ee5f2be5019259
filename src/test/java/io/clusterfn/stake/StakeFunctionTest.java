package io.clusterfn.stake;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.LedgerCheck;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static io.clusterfn.support.Fixtures.PHA;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class StakeFunctionTest extends FunctionTest {
    private String owner;
    private String clusterId;
    private String contractId;
    private String staker;

    @BeforeEach
    void aDeployedContractAndAStakerWithTenPha() {
        owner = Fixtures.account("owner");
        clusterId = Fixtures.clusterWith(owner, Map.of("permission", Map.of("rule", "PUBLIC")));
        contractId = deploy(owner, clusterId);
        staker = Fixtures.account("staker");
        Fixtures.fund(staker, "10" + PHA);
    }

    private static String deploy(String deployer, String clusterId) {
        return Api.as(deployer).post("deploy", Map.of("clusterId", clusterId, "codeHash", Fixtures.hex64(),
                "codeSize", 100)).statusCode(200).extract().path("id");
    }

    private static ValidatableResponse stake(String account, String contractId, Object amount) {
        return Api.as(account).post("stake", Map.of("contractId", contractId, "amount", amount));
    }

    /** Asserts what the account holds free and staked. */
    private static void holds(String account, String free, String staked) {
        Api.as(account).get("balance", Map.of()).statusCode(200)
                .body("free", equalTo(free)).body("staked", equalTo(staked));
    }

    private static long transfersOf(String account) {
        return LedgerCheck.scalar("SELECT count(*) FROM ledger_transfer WHERE from_account = '" + account
                + "' OR to_account = '" + account + "'").longValueExact();
    }

    /** Shares are JSON numbers; rest-assured reads them as floats. */
    private static org.hamcrest.Matcher<Object> share(double value) {
        return equalTo((Object) (float) value);
    }

    @Test
    void settingAStakeMovesExactlyTheDifferenceBetweenFreeAndStaked() {
        stake(staker, contractId, "1" + PHA).statusCode(200)
                .body("contractId", equalTo(contractId)).body("account", equalTo(staker))
                .body("stake", equalTo("1" + PHA)).body("contractStake", equalTo("1" + PHA))
                .body("weight", equalTo(100)).body("share", share(1.0));
        holds(staker, "9" + PHA, "1" + PHA);

        stake(staker, contractId, "3" + PHA).statusCode(200)
                .body("stake", equalTo("3" + PHA)).body("contractStake", equalTo("3" + PHA)).body("weight", equalTo(300));
        holds(staker, "7" + PHA, "3" + PHA);

        stake(staker, contractId, "2" + PHA).statusCode(200)
                .body("stake", equalTo("2" + PHA)).body("weight", equalTo(200));
        holds(staker, "8" + PHA, "2" + PHA);

        stake(staker, contractId, "0").statusCode(200)
                .body("stake", equalTo("0")).body("contractStake", equalTo("0"))
                .body("weight", equalTo(0)).body("share", share(0.0));
        holds(staker, "10" + PHA, "0");
    }

    @Test
    void theStakesOfSeveralAccountsAddUpOnTheContract() {
        String other = Fixtures.account("staker");
        Fixtures.fund(other, "5" + PHA);
        stake(staker, contractId, "1" + PHA).statusCode(200);
        stake(other, contractId, "1500000000000").statusCode(200)
                .body("stake", equalTo("1500000000000")).body("contractStake", equalTo("2500000000000"))
                .body("weight", equalTo(250));
        // Lowering one account's stake leaves the other's alone.
        stake(staker, contractId, "0").statusCode(200).body("contractStake", equalTo("1500000000000"))
                .body("weight", equalTo(150));
        holds(other, "3500000000000", "1500000000000");
        holds(staker, "10" + PHA, "0");
    }

    @Test
    void repeatingTheSameAmountChangesNothing() {
        stake(staker, contractId, "2" + PHA).statusCode(200);
        long transfers = transfersOf(staker);
        for (int i = 0; i < 2; i++) {
            stake(staker, contractId, "2" + PHA).statusCode(200)
                    .body("stake", equalTo("2" + PHA)).body("contractStake", equalTo("2" + PHA))
                    .body("weight", equalTo(200));
        }
        holds(staker, "8" + PHA, "2" + PHA);
        assertEquals(transfers, transfersOf(staker), "a repeat moves no money");
        // Withdrawing what is not staked is harmless too.
        String nobody = Fixtures.account("staker");
        Fixtures.fund(nobody, "1");
        stake(nobody, contractId, "0").statusCode(200).body("stake", equalTo("0"));
        holds(nobody, "1", "0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "999999999999"})
    void aStakeBelowTheMinimumIsInvalid(String amount) {
        stake(staker, contractId, amount).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("amount"));
        holds(staker, "10" + PHA, "0");
        // Lowering an existing stake below the minimum is refused the same way.
        stake(staker, contractId, "2" + PHA).statusCode(200);
        stake(staker, contractId, amount).statusCode(400).body("details.field", equalTo("amount"));
        holds(staker, "8" + PHA, "2" + PHA);
    }

    @Test
    void exactlyTheMinimumIsAccepted() {
        stake(staker, contractId, "1000000000000").statusCode(200).body("weight", equalTo(100));
        holds(staker, "9" + PHA, "1" + PHA);
    }

    @Test
    void stakingMoreThanTheFreeBalanceIsRefusedWithWhatWasNeeded() {
        stake(staker, contractId, "11" + PHA).statusCode(402)
                .body("error", equalTo("INSUFFICIENT_BALANCE"))
                .body("details.needed", equalTo("11" + PHA)).body("details.available", equalTo("10" + PHA));
        holds(staker, "10" + PHA, "0");
        // Raising needs only the difference, and that is what is missing.
        stake(staker, contractId, "4" + PHA).statusCode(200);
        stake(staker, contractId, "15" + PHA).statusCode(402)
                .body("details.needed", equalTo("11" + PHA)).body("details.available", equalTo("6" + PHA));
        holds(staker, "6" + PHA, "4" + PHA);
        // All of it is fine.
        stake(staker, contractId, "10" + PHA).statusCode(200);
        holds(staker, "0", "10" + PHA);
    }

    @Test
    void onAnUndeployedContractStakesCanOnlyBeLoweredAndWithdrawn() {
        stake(staker, contractId, "3" + PHA).statusCode(200);
        Api.as(owner).post("undeploy", Map.of("contractId", contractId)).statusCode(200)
                .body("status", equalTo("UNDEPLOYED")).body("stake", equalTo("3" + PHA));

        stake(staker, contractId, "4" + PHA).statusCode(409).body("error", equalTo("CONFLICT"));
        holds(staker, "7" + PHA, "3" + PHA);
        String newcomer = Fixtures.account("staker");
        Fixtures.fund(newcomer, "5" + PHA);
        stake(newcomer, contractId, "1" + PHA).statusCode(409).body("error", equalTo("CONFLICT"));
        holds(newcomer, "5" + PHA, "0");

        stake(staker, contractId, "2" + PHA).statusCode(200)
                .body("stake", equalTo("2" + PHA)).body("contractStake", equalTo("2" + PHA)).body("share", share(0.0));
        holds(staker, "8" + PHA, "2" + PHA);
        Api.anonymous().get("contract", Map.of("id", contractId)).statusCode(200)
                .body("status", equalTo("UNDEPLOYED")).body("stake", equalTo("2" + PHA))
                .body("weight", equalTo(200)).body("share", share(0.0)).body("deposit", equalTo("0"));

        stake(staker, contractId, "0").statusCode(200).body("contractStake", equalTo("0"));
        holds(staker, "10" + PHA, "0");
    }

    @Test
    void aStakeOnAnUnknownContractIsNotFound() {
        stake(staker, Fixtures.hex64(), "1" + PHA).statusCode(404).body("error", equalTo("CONTRACT_NOT_FOUND"));
        holds(staker, "10" + PHA, "0");
    }

    @Test
    void malformedStakesAreInvalidInput() {
        stake(staker, contractId, 1000000000000L).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("amount"));
        for (String amount : new String[] {"-1000000000000", "1.5", "1e12", "", "01000000000000"}) {
            stake(staker, contractId, amount).statusCode(400).body("details.field", equalTo("amount"));
        }
        Api.as(staker).post("stake", Map.of("contractId", contractId)).statusCode(400)
                .body("details.field", equalTo("amount"));
        stake(staker, "0x1234", "1" + PHA).statusCode(400).body("details.field", equalTo("contractId"));
        holds(staker, "10" + PHA, "0");
    }

    @Test
    void stakingNeedsAToken() {
        Api.anonymous().post("stake", Map.of("contractId", contractId, "amount", "1" + PHA)).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        Api.anonymous().get("contract", Map.of("id", contractId)).statusCode(200).body("stake", equalTo("0"));
    }

    @Test
    void sharesAreEachContractsWeightOverTheClustersWeight() {
        String second = deploy(owner, clusterId);
        String unstaked = deploy(owner, clusterId);
        stake(staker, contractId, "1" + PHA).statusCode(200).body("share", share(1.0));
        stake(staker, second, "3" + PHA).statusCode(200).body("weight", equalTo(300)).body("share", share(0.75));

        ValidatableResponse cluster = Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200)
                .body("stake.total", equalTo("4" + PHA)).body("stake.contracts", hasSize(3));
        cluster.body("stake.contracts.find { it.contractId == '" + contractId + "' }.stake", equalTo("1" + PHA))
                .body("stake.contracts.find { it.contractId == '" + contractId + "' }.weight", equalTo(100))
                .body("stake.contracts.find { it.contractId == '" + contractId + "' }.share", share(0.25))
                .body("stake.contracts.find { it.contractId == '" + second + "' }.weight", equalTo(300))
                .body("stake.contracts.find { it.contractId == '" + second + "' }.share", share(0.75))
                .body("stake.contracts.find { it.contractId == '" + unstaked + "' }.stake", equalTo("0"))
                .body("stake.contracts.find { it.contractId == '" + unstaked + "' }.weight", equalTo(0))
                .body("stake.contracts.find { it.contractId == '" + unstaked + "' }.share", share(0.0));
        Api.anonymous().get("contract", Map.of("id", contractId)).statusCode(200)
                .body("stake", equalTo("1" + PHA)).body("weight", equalTo(100)).body("share", share(0.25));
        Api.anonymous().get("contract", Map.of("id", second)).statusCode(200)
                .body("stake", equalTo("3" + PHA)).body("weight", equalTo(300)).body("share", share(0.75));

        // The list shows each cluster as the single view does.
        String escrow = cluster.extract().path("escrow");
        String item = "items.find { it.id == '" + clusterId + "' }";
        Api.anonymous().get("clusters", Map.of("owner", owner)).statusCode(200)
                .body(item + ".stake.total", equalTo("4" + PHA)).body(item + ".stake.contracts", hasSize(3))
                .body(item + ".escrow", equalTo(escrow)).body(item + ".contracts", equalTo(3));

        // Another account's stake counts towards the contract's weight.
        String other = Fixtures.account("staker");
        Fixtures.fund(other, "5" + PHA);
        stake(other, contractId, "2" + PHA).statusCode(200)
                .body("contractStake", equalTo("3" + PHA)).body("weight", equalTo(300)).body("share", share(0.5));
        Api.anonymous().get("contract", Map.of("id", second)).statusCode(200).body("share", share(0.5));

        // An undeployed contract leaves the cluster's weight: its share is 0, its stake stays.
        Api.as(owner).post("undeploy", Map.of("contractId", second)).statusCode(200);
        Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200)
                .body("stake.total", equalTo("3" + PHA)).body("stake.contracts", hasSize(2))
                .body("stake.contracts.contractId", not(hasItem(second)))
                .body("stake.contracts.find { it.contractId == '" + contractId + "' }.share", share(1.0));
        Api.anonymous().get("contract", Map.of("id", second)).statusCode(200)
                .body("stake", equalTo("3" + PHA)).body("weight", equalTo(300)).body("share", share(0.0));
        holds(staker, "6" + PHA, "4" + PHA);
    }

    @Test
    void weightIsStakeOverTenToTheTenRoundedDownAndCapped() {
        stake(staker, contractId, "1000000009999").statusCode(200).body("weight", equalTo(100));
        stake(staker, contractId, "1000000010000").statusCode(200).body("weight", equalTo(100));
        stake(staker, contractId, "1000000020000").statusCode(200).body("weight", equalTo(100));
        stake(staker, contractId, "1010000000000").statusCode(200).body("weight", equalTo(101));

        String whale = Fixtures.account("whale");
        Fixtures.fund(whale, "100000000000000000000");
        // 10^20 / 10^10 = 10^10, above the cap of 2^32 - 1.
        stake(whale, contractId, "100000000000000000000").statusCode(200)
                .body("weight", equalTo(4294967295L)).body("contractStake", equalTo("100000001010000000000"));
        Api.anonymous().get("contract", Map.of("id", contractId)).statusCode(200).body("weight", equalTo(4294967295L));
        stake(whale, contractId, "0").statusCode(200).body("weight", equalTo(101));
        holds(whale, "100000000000000000000", "0");
    }

    @Test
    void aContractWithoutStakeInAClusterWithoutStakeHasShareZero() {
        Api.anonymous().get("contract", Map.of("id", contractId)).statusCode(200)
                .body("stake", equalTo("0")).body("weight", equalTo(0)).body("share", share(0.0));
        Api.anonymous().get("cluster", Map.of("id", clusterId)).statusCode(200)
                .body("stake.total", equalTo("0")).body("stake.contracts", hasSize(1))
                .body("stake.contracts[0].share", share(0.0));
    }
}
