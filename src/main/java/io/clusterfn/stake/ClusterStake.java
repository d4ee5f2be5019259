package io.clusterfn.stake;

import io.clusterfn.http.Amounts;

import java.math.BigInteger;
import java.util.List;

/** The stake on a cluster's deployed contracts and the share of compute each one gets. */
public record ClusterStake(String total, List<ContractShare> contracts) {
    public record ContractShare(String contractId, String stake, long weight, double share) {
    }

    /** Builds the view from each deployed contract's total stake. */
    public static ClusterStake of(List<Object[]> contractStakes) {
        BigInteger total = BigInteger.ZERO;
        long clusterWeight = 0;
        for (Object[] row : contractStakes) {
            BigInteger stake = Amounts.fromColumn(row[1]);
            total = total.add(stake);
            clusterWeight += Weights.weight(stake);
        }
        final long sum = clusterWeight;
        List<ContractShare> shares = contractStakes.stream().map(row -> {
            BigInteger stake = Amounts.fromColumn(row[1]);
            long weight = Weights.weight(stake);
            return new ContractShare((String) row[0], stake.toString(), weight, Weights.share(weight, sum));
        }).toList();
        return new ClusterStake(total.toString(), shares);
    }
}
