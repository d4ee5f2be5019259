package io.clusterfn.support;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Set;

/** Real RS256 tokens, signed with the test identity provider's key (or, to forge, another one). */
public final class Tokens {
    public static final String ISSUER = "https://issuer.clusterfn.test";
    private static PrivateKey forgerKey;
    private static PrivateKey key;

    private Tokens() {
    }

    public static String of(String account, String... roles) {
        return Jwt.upn(account).groups(Set.of(roles)).issuer(ISSUER).expiresIn(3600)
                .sign(key());
    }

    public static String expired(String account) {
        return Jwt.upn(account).issuer(ISSUER).issuedAt(Instant.now().minusSeconds(7200))
                .expiresAt(Instant.now().minusSeconds(3600)).sign(key());
    }

    public static String wrongIssuer(String account) {
        return Jwt.upn(account).issuer("https://someone-else.example").expiresIn(3600).sign(key());
    }

    private static synchronized PrivateKey key() {
        if (key == null) {
            try (InputStream in = Tokens.class.getResourceAsStream("/test-privateKey.pem")) {
                key = KeyUtils.decodePrivateKey(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return key;
    }

    /** Well formed and unexpired, but signed by a key the service does not trust. */
    public static synchronized String forged(String account, String... roles) {
        if (forgerKey == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                forgerKey = pair.getPrivate();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return Jwt.upn(account).groups(Set.of(roles)).issuer(ISSUER).expiresIn(3600).sign(forgerKey);
    }
}
