package io.clusterfn.contract;

import java.time.OffsetDateTime;

/** A contract as the API shows it; once undeployed its deposit is "0" and its share 0. */
public record ContractView(String id, String clusterId, String deployer, String status, String codeHash,
        long codeSize, String salt, String feePaid, String deposit, String stake, long weight, double share,
        OffsetDateTime deployedAt, OffsetDateTime undeployedAt) {
}
