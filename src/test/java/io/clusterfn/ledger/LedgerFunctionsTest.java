package io.clusterfn.ledger;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class LedgerFunctionsTest extends FunctionTest {
    private static final Api ADMIN = Api.as("treasurer", "admin");

    private static Map<String, Object> credit(String account, Object amount, String transferId) {
        return Map.of("account", account, "amount", amount, "transferId", transferId);
    }

    @Test
    void creditMovesFundsFromTheBridgeAndRepeatsTheFirstAnswer() {
        String alice = Fixtures.account("alice");
        String transferId = UUID.randomUUID().toString();
        ADMIN.post("credit", credit(alice, "1500000000000", transferId)).statusCode(200)
                .body("transferId", equalTo(transferId)).body("account", equalTo(alice))
                .body("amount", equalTo("1500000000000")).body("balance", equalTo("1500000000000"));
        ADMIN.post("credit", credit(alice, "500", UUID.randomUUID().toString())).statusCode(200)
                .body("balance", equalTo("1500000000500"));
        // The repeat answers the first result and moves nothing.
        ADMIN.post("credit", credit(alice, "1500000000000", transferId)).statusCode(200)
                .body("balance", equalTo("1500000000000"));
        Api.as(alice).get("balance", Map.of()).statusCode(200).body("free", equalTo("1500000000500"));
    }

    @Test
    void theSameTransferIdWithAnotherAccountOrAmountIsAConflict() {
        String alice = Fixtures.account("alice");
        String transferId = UUID.randomUUID().toString();
        ADMIN.post("credit", credit(alice, "100", transferId)).statusCode(200);
        ADMIN.post("credit", credit(alice, "101", transferId)).statusCode(409).body("error", equalTo("CONFLICT"));
        ADMIN.post("credit", credit(Fixtures.account("bob"), "100", transferId)).statusCode(409)
                .body("error", equalTo("CONFLICT"));
        Api.as(alice).get("balance", Map.of()).statusCode(200).body("free", equalTo("100"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "1e3", "", "01", " 1", "0x10", "1000000000000000000000000000001", "0"})
    void anAmountThatIsNotPlainPositiveDigitsIsInvalid(String amount) {
        String alice = Fixtures.account("alice");
        ADMIN.post("credit", credit(alice, amount, UUID.randomUUID().toString())).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("amount"));
        ADMIN.get("balance", Map.of("account", alice)).statusCode(404).body("error", equalTo("ACCOUNT_NOT_FOUND"));
    }

    @Test
    void anAmountWrittenAsAJsonNumberIsInvalid() {
        ADMIN.post("credit", credit(Fixtures.account("alice"), 100, "t-" + UUID.randomUUID())).statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("amount"));
    }

    @Test
    void theLargestAmountIsAccepted() {
        ADMIN.post("credit", credit(Fixtures.account("whale"), "1000000000000000000000000000000",
                UUID.randomUUID().toString())).statusCode(200).body("balance", equalTo("1000000000000000000000000000000"));
    }

    @Test
    void creditNeedsTheAdminRole() {
        String alice = Fixtures.account("alice");
        Api.as(alice, "operator").post("credit", credit(alice, "100", UUID.randomUUID().toString())).statusCode(403)
                .body("error", equalTo("ROLE_REQUIRED")).body("details.role", equalTo("admin"));
        Api.anonymous().post("credit", credit(alice, "100", UUID.randomUUID().toString())).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        ADMIN.get("balance", Map.of("account", alice)).statusCode(404);
    }

    @Test
    void badTokensAreUnauthenticated() {
        String alice = Fixtures.account("alice");
        for (String token : new String[] {Tokens.forged("treasurer", "admin"), Tokens.expired("treasurer"),
                Tokens.wrongIssuer("treasurer"), "not-a-jwt", Tokens.of("bad/name", "admin")}) {
            Api.withToken(token).post("credit", credit(alice, "100", UUID.randomUUID().toString())).statusCode(401)
                    .body("error", equalTo("UNAUTHENTICATED"));
        }
        ADMIN.get("balance", Map.of("account", alice)).statusCode(404);
    }

    @Test
    void aTokenWithAnInvalidSubjectIsRefusedOnOpenReadsToo() {
        Api.withToken(Tokens.of("bad/name")).get("clusters", Map.of()).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        Api.withToken(Tokens.of("bad/name")).post("access", Map.of("clusterId", "0x" + "0".repeat(64), "codeSize", 1))
                .statusCode(401).body("error", equalTo("UNAUTHENTICATED"));
        // who calls is settled before what is asked
        Api.withToken(Tokens.of("bad/name")).post("access", Map.of("nonsense", 1)).statusCode(401);
        Api.anonymous().get("clusters", Map.of()).statusCode(200);
    }

    @Test
    void aBodyNotDeclaredJsonOrTooLargeIsInvalidInputNamingTheBody() {
        String alice = Fixtures.account("alice");
        // what curl -d sends: a JSON body declared as form data
        ADMIN.request().contentType("application/x-www-form-urlencoded")
                .body("{\"account\":\"" + alice + "\",\"amount\":\"7\",\"transferId\":\"" + UUID.randomUUID() + "\"}")
                .post("/credit").then().statusCode(400).body("error", equalTo("INVALID_INPUT"))
                .body("details.field", equalTo("body"));
        ADMIN.request().body("{\"account\":\"" + "a".repeat(300 * 1024) + "\"}").post("/credit").then().statusCode(400)
                .body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("body"));
        ADMIN.get("balance", Map.of("account", alice)).statusCode(404);
    }

    @Test
    void balanceIsForTheAccountItselfOrAnAdmin() {
        String alice = Fixtures.account("alice");
        Fixtures.fund(alice, "42");
        Api.as(alice).get("balance", Map.of("account", alice)).statusCode(200)
                .body("account", equalTo(alice)).body("free", equalTo("42")).body("staked", equalTo("0"))
                .body("deposits", equalTo("0")).body("escrow", equalTo("0"));
        Api.as(alice).post("balance", Map.of()).statusCode(200).body("free", equalTo("42"));
        ADMIN.get("balance", Map.of("account", alice)).statusCode(200).body("free", equalTo("42"));
        Api.as(Fixtures.account("mallory")).get("balance", Map.of("account", alice)).statusCode(403)
                .body("error", equalTo("ACCESS_DENIED")).body("details.rule", equalTo("account"));
        Api.anonymous().get("balance", Map.of("account", alice)).statusCode(401).body("error", equalTo("UNAUTHENTICATED"));
        ADMIN.get("balance", Map.of("account", Fixtures.account("nobody"))).statusCode(404)
                .body("error", equalTo("ACCOUNT_NOT_FOUND"));
    }

    @Test
    void unknownFunctionsAndMethodsAnswerTheEnvelope() {
        Api.anonymous().get("nosuchfunction", Map.of()).statusCode(404).body("error", equalTo("NOT_FOUND"));
        Api.as("treasurer", "admin").request().body("{}").put("/credit").then().statusCode(405)
                .body("error", equalTo("METHOD_NOT_ALLOWED"));
        ADMIN.request().queryParam("account", "a").get("/credit").then().statusCode(405)
                .body("error", equalTo("METHOD_NOT_ALLOWED"));
        ADMIN.request().body("{not json").post("/credit").then().statusCode(400).body("error", equalTo("INVALID_INPUT"));
        ADMIN.request().body(Map.of("account", "a", "amount", "1", "transferId", "x", "amout", "2")).post("/credit")
                .then().statusCode(400).body("error", equalTo("INVALID_INPUT")).body("details.field", equalTo("amout"));
    }
}
