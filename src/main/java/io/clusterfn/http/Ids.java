package io.clusterfn.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Ids the service makes from what identifies a thing: 0x and the SHA-256 of its fields joined by '|'. */
public final class Ids {
    private Ids() {
    }

    public static String of(String... fields) {
        return "0x" + HexFormat.of().formatHex(sha256(String.join("|", fields).getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
