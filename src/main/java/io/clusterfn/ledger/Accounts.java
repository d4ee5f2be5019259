package io.clusterfn.ledger;

/**
 * Ledger account ids. A user account is named by its principal; system accounts carry a '/',
 * which no principal may contain, so the two can never collide.
 */
public final class Accounts {
    public static final String BRIDGE = "sys/bridge";
    public static final String STAKE_POOL = "sys/stake-pool";
    private static final String ESCROW = "escrow/";
    private static final String DEPOSIT = "deposit/";

    private Accounts() {
    }

    public static String escrow(String clusterId) {
        return ESCROW + clusterId;
    }

    public static String deposit(String contractId) {
        return DEPOSIT + contractId;
    }

    static String kindOf(String accountId) {
        if (accountId.equals(BRIDGE)) {
            return "BRIDGE";
        }
        if (accountId.equals(STAKE_POOL)) {
            return "STAKE_POOL";
        }
        if (accountId.startsWith(ESCROW)) {
            return "ESCROW";
        }
        if (accountId.startsWith(DEPOSIT)) {
            return "DEPOSIT";
        }
        return "USER";
    }
}
