package io.clusterfn.http;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import javax.crypto.SecretKey;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * smallrye-jwt's parser, remembering the tokens it has verified. Clients send the same bearer
 * token with every call, and checking its RSA signature and parsing it again was a fifth of an
 * authenticated call's CPU. A token is found here only by its exact text, signature included, and
 * only until it expires (and {@link #MAX_AGE_SECONDS} at most, so that a key taken out of a JWKS
 * stops counting soon); every other token goes to the parser, which decides as before.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {
    static final int CAPACITY = 10_000;
    static final long MAX_AGE_SECONDS = 300;

    private record Verified(JsonWebToken token, long untilSecond) {
    }

    private final JWTParser parser;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    @Inject
    public VerifiedTokens(DefaultJWTParser parser) {
        this(parser, () -> System.currentTimeMillis() / 1000);
    }

    VerifiedTokens(JWTParser parser, LongSupplier epochSecond) {
        this.parser = parser;
        this.clock = epochSecond;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = clock.getAsLong();
        Verified known = verified.get(token);
        if (known != null) {
            if (now < known.untilSecond()) {
                return known.token();
            }
            verified.remove(token, known);
        }
        JsonWebToken parsed = parser.parse(token);
        long until = Math.min(parsed.getExpirationTime(), now + MAX_AGE_SECONDS);
        if (until > now) {
            if (verified.size() >= CAPACITY) {
                // Many distinct live tokens at once: start over rather than track recency per hit.
                verified.clear();
            }
            verified.put(token, new Verified(parsed, until));
        }
        return parsed;
    }

    int size() {
        return verified.size();
    }

    // The rest is what the parser does, unchanged: only the configured verification is remembered.

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return parser.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return parser.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return parser.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return parser.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return parser.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return parser.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return parser.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return parser.parseOnly(token);
    }
}
