package io.clusterfn.http;

import io.clusterfn.support.Tokens;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The verified-token cache in front of smallrye-jwt's real parser, with the test issuer's real
 * keys: it saves the repeated verification of one token, never accepts what the parser refuses,
 * and forgets a token when it expires.
 */
class VerifiedTokensTest {
    private final AtomicInteger verifications = new AtomicInteger();
    private DefaultJWTParser parser;

    @BeforeEach
    void parser() throws Exception {
        JWTAuthContextInfo context;
        try (InputStream in = getClass().getResourceAsStream("/test-publicKey.pem")) {
            context = new JWTAuthContextInfo(KeyUtils.decodePublicKey(new String(in.readAllBytes(), StandardCharsets.US_ASCII)),
                    Tokens.ISSUER);
        }
        context.setClockSkew(0);
        DefaultJWTParser real = new DefaultJWTParser(context);
        parser = new DefaultJWTParser(context) {
            @Override
            public JsonWebToken parse(String token) throws ParseException {
                verifications.incrementAndGet();
                return real.parse(token);
            }
        };
    }

    @Test
    void aTokenIsVerifiedOnceAndThenRecognised() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(parser);
        String token = Tokens.of("alice", "operator");
        JsonWebToken first = tokens.parse(token);
        JsonWebToken again = tokens.parse(token);
        assertSame(first, again);
        assertEquals("alice", again.getName());
        assertEquals(java.util.Set.of("operator"), again.getGroups());
        assertEquals(1, verifications.get());
    }

    @Test
    void whatTheParserRefusesIsNeverRemembered() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(parser);
        tokens.parse(Tokens.of("alice"));
        for (String bad : new String[] {Tokens.forged("alice"), Tokens.expired("alice"), Tokens.wrongIssuer("alice")}) {
            assertThrows(ParseException.class, () -> tokens.parse(bad));
            assertThrows(ParseException.class, () -> tokens.parse(bad));
        }
        assertEquals(1, tokens.size());
    }

    @Test
    void aRememberedTokenStopsCountingWhenItExpires() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(parser);
        String token = Jwt.upn("alice").issuer(Tokens.ISSUER).expiresAt(Instant.now().plusSeconds(2)).sign(privateKey());
        tokens.parse(token);
        tokens.parse(token);
        assertEquals(1, verifications.get());
        Thread.sleep(3_000);
        assertThrows(ParseException.class, () -> tokens.parse(token));
        assertEquals(0, tokens.size());
    }

    @Test
    void aLongLivedTokenIsVerifiedAgainAfterTheMaximumAge() throws Exception {
        AtomicLong now = new AtomicLong(Instant.now().getEpochSecond());
        VerifiedTokens tokens = new VerifiedTokens(parser, now::get);
        String token = Tokens.of("alice");
        tokens.parse(token);
        now.addAndGet(VerifiedTokens.MAX_AGE_SECONDS - 1);
        tokens.parse(token);
        assertEquals(1, verifications.get());
        now.addAndGet(2);
        tokens.parse(token);
        assertEquals(2, verifications.get());
    }

    private static PrivateKey privateKey() throws Exception {
        try (InputStream in = VerifiedTokensTest.class.getResourceAsStream("/test-privateKey.pem")) {
            return KeyUtils.decodePrivateKey(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }
}
