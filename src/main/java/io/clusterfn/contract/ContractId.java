package io.clusterfn.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A contract's id: SHA-256 over {@code clusterId|deployer|codeHash|salt}, so it is unique per cluster. */
public final class ContractId {
    private ContractId() {
    }

    public static String of(String clusterId, String deployer, String codeHash, String salt) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    String.join("|", clusterId, deployer, codeHash, salt).getBytes(StandardCharsets.UTF_8));
            return "0x" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
