package io.clusterfn.contract;

import io.clusterfn.http.Ids;

/**
 * A contract's id: SHA-256 over {@code clusterId|deployer|codeHash|salt}, so the same code in two
 * clusters gives two unrelated contracts, and the same deploy twice is a duplicate.
 */
public final class ContractId {
    private ContractId() {
    }

    public static String of(String clusterId, String deployer, String codeHash, String salt) {
        return Ids.of(clusterId, deployer, codeHash, salt);
    }
}
