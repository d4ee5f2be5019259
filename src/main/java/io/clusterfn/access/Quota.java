package io.clusterfn.access;

/** How many contracts a cluster takes, per deployer, and how large; absent counts are no limit. */
public record Quota(Long maxContracts, Long maxContractsPerDeployer, Long maxCodeSize) {
    public static final long DEFAULT_MAX_CODE_SIZE = 2L * 1024 * 1024;

    public static Quota defaults() {
        return new Quota(null, null, DEFAULT_MAX_CODE_SIZE);
    }
}
