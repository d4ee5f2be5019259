package io.clusterfn.stake;

import io.clusterfn.http.Amounts;

import java.math.BigInteger;

/** Compute share from stake: weight = stake / 10^10 (1 PHA = 100), capped; share = weight / cluster weight. */
public final class Weights {
    private static final BigInteger UNIT = BigInteger.TEN.pow(10);
    private static final long MAX_WEIGHT = 4_294_967_295L;

    private Weights() {
    }

    public static long weight(BigInteger stake) {
        BigInteger weight = stake.divide(UNIT);
        return weight.compareTo(BigInteger.valueOf(MAX_WEIGHT)) > 0 ? MAX_WEIGHT : weight.longValueExact();
    }

    public static double share(long weight, long clusterWeight) {
        return clusterWeight == 0 ? 0.0 : (double) weight / clusterWeight;
    }

    /** The weight of a cluster from its contracts' total stakes, as a store array column (null: none). */
    public static long sum(Object totals) {
        long sum = 0;
        if (totals instanceof Object[] values) {
            for (Object total : values) {
                sum += weight(Amounts.fromColumn(total));
            }
        }
        return sum;
    }
}
