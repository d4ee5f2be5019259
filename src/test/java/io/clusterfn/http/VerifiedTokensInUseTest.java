package io.clusterfn.http;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The running service verifies bearer tokens through {@link VerifiedTokens}, and it still refuses what it must. */
@QuarkusTest
class VerifiedTokensInUseTest extends FunctionTest {
    @Inject
    JWTParser parser;

    @Test
    void aTokenUsedTwiceIsVerifiedOnceAndAForgeryOfItIsStillRefused() {
        VerifiedTokens tokens = assertInstanceOf(VerifiedTokens.class, parser);
        String alice = Fixtures.account("alice");
        Fixtures.fund(alice, "7");
        String token = Tokens.of(alice);
        int before = tokens.size();
        Api.withToken(token).get("balance", Map.of()).statusCode(200).body("free", equalTo("7"));
        assertEquals(before + 1, tokens.size());
        Api.withToken(token).get("balance", Map.of()).statusCode(200).body("free", equalTo("7"));
        assertEquals(before + 1, tokens.size());
        Api.withToken(Tokens.forged(alice)).get("balance", Map.of()).statusCode(401)
                .body("error", equalTo("UNAUTHENTICATED"));
        // the token with its signature cut off: another text, so never found among the verified
        Api.withToken(token.substring(0, token.lastIndexOf('.') + 1)).get("balance", Map.of()).statusCode(401);
    }
}
