package io.clusterfn.contract;

import io.clusterfn.http.Amounts;
import io.clusterfn.stake.Weights;
import io.vertx.sqlclient.Row;

import java.math.BigInteger;
import java.time.OffsetDateTime;

/**
 * Contracts as the API shows them, read in one statement each: the contract, its deposit, its
 * stake, and the stakes of every deployed contract of its cluster (its share is its weight over
 * theirs).
 */
final class ContractQueries {
    /** The columns of a contract row, aliased {@code c}. */
    static final String COLUMNS = """
            c.id, c.cluster_id, c.deployer, c.status, c.code_hash, c.code_size, c.salt, c.fee_paid, c.deployed_at,
            c.undeployed_at, (SELECT coalesce(sum(amount), 0) FROM stake WHERE contract_id = c.id)""";

    /** The contracts of {@code chosen} with what their view needs. */
    private static String views(String chosen) {
        return "WITH chosen AS (" + chosen + """
                ),
                totals AS (
                    SELECT o.cluster_id, coalesce(sum(s.amount), 0) AS total FROM contract o
                    LEFT JOIN stake s ON s.contract_id = o.id
                    WHERE o.cluster_id IN (SELECT cluster_id FROM chosen) AND o.status = 'DEPLOYED'
                    GROUP BY o.cluster_id, o.id)
                SELECT""" + " " + COLUMNS + """
                , (SELECT balance FROM ledger_account WHERE id = 'deposit/' || c.id),
                  (SELECT array_agg(t.total) FROM totals t WHERE t.cluster_id = c.cluster_id)
                FROM chosen c ORDER BY c.id
                """;
    }

    static final String ONE = views("SELECT * FROM contract WHERE id = $1");
    static final String PAGE = views("""
            SELECT * FROM contract WHERE id > $1 AND ($2::text IS NULL OR cluster_id = $2)
              AND ($3::text IS NULL OR deployer = $3) AND ($4::text IS NULL OR status = $4)
            ORDER BY id LIMIT $5""");

    private ContractQueries() {
    }

    /** A contract row as read by {@link #COLUMNS}. */
    record Found(String id, String clusterId, String deployer, String status, String codeHash, long codeSize,
            String salt, BigInteger feePaid, OffsetDateTime deployedAt, OffsetDateTime undeployedAt, BigInteger stake) {
        Found undeployed(OffsetDateTime at) {
            return new Found(id, clusterId, deployer, Contract.UNDEPLOYED, codeHash, codeSize, salt, feePaid, deployedAt, at,
                    stake);
        }

        /** The view, given the deposit held and the weight of the cluster's deployed contracts. */
        ContractView view(BigInteger deposit, long clusterWeight) {
            long weight = Weights.weight(stake);
            double share = Contract.DEPLOYED.equals(status) ? Weights.share(weight, clusterWeight) : 0.0;
            return new ContractView(id, clusterId, deployer, status, codeHash, codeSize, salt, feePaid.toString(),
                    deposit.toString(), stake.toString(), weight, share, deployedAt, undeployedAt);
        }

        /** The view once undeployed: no deposit held, no share. */
        ContractView undeployedView() {
            return view(BigInteger.ZERO, 0);
        }
    }

    static Found contract(Row row) {
        return new Found(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                row.getLong(5), row.getString(6), Amounts.fromColumn(row.getBigDecimal(7)), row.getOffsetDateTime(8),
                row.getOffsetDateTime(9), Amounts.fromColumn(row.getBigDecimal(10)));
    }

    static ContractView view(Row row) {
        return contract(row).view(Amounts.fromColumn(row.getBigDecimal(11)), Weights.sum(row.getValue(12)));
    }
}
