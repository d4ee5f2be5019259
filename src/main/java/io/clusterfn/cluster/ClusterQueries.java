package io.clusterfn.cluster;

import io.clusterfn.http.Amounts;
import io.clusterfn.stake.ClusterStake;
import io.vertx.sqlclient.Row;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Clusters as the API shows them, in one statement for one cluster or a whole page: the row, the
 * escrow, the workers, each deployed contract's stake and the messages queued for it.
 */
public final class ClusterQueries {
    // The stored objects and the workers go out as the store writes them (nulls left out, as the
    // API does everywhere): reading them into objects only to write them again was most of the
    // CPU of a page. Each contract's stake is one lookup in the stake table's primary key.
    private static final String VIEW = """
            SELECT c.id, c.name, c.owner, c.status, c.public_good, jsonb_strip_nulls(c.permission)::text,
                   jsonb_strip_nulls(c.quota)::text, jsonb_strip_nulls(c.pricing)::text,
                   jsonb_strip_nulls(c.messaging)::text, c.treasury, c.contracts_deployed, c.created_at,
                   (SELECT balance FROM ledger_account WHERE id = 'escrow/' || c.id),
                   w.workers, w.rent, s.contracts, s.stakes,
                   (SELECT coalesce(sum(last_seq - delivered_seq), 0) FROM channel WHERE to_cluster = c.id)
            FROM cluster c
            CROSS JOIN LATERAL (
                SELECT coalesce(json_strip_nulls(json_agg(json_build_object('id', w.id, 'operator', w.operator,
                           'endpoint', w.endpoint, 'capacity', w.capacity, 'rentPerEpoch', w.rent_per_epoch::text,
                           'attributes', w.attributes, 'status', w.status, 'clusterId', w.cluster_id,
                           'lastHeartbeatEpoch', w.last_heartbeat_epoch, 'joinedEpoch', w.joined_epoch) ORDER BY w.id))::text,
                           '[]') AS workers,
                       coalesce(sum(w.rent_per_epoch) FILTER (WHERE w.status <> 'OFFLINE'), 0) AS rent
                FROM worker w WHERE w.cluster_id = c.id) w
            CROSS JOIN LATERAL (
                SELECT array_agg(o.id ORDER BY o.id) AS contracts,
                       array_agg((SELECT coalesce(sum(amount), 0) FROM stake WHERE contract_id = o.id) ORDER BY o.id) AS stakes
                FROM contract o WHERE o.cluster_id = c.id AND o.status = 'DEPLOYED') s
            """;
    public static final String ONE = VIEW + " WHERE c.id = $1";
    public static final String PAGE = VIEW + """
             WHERE c.id > $1 AND ($2::text IS NULL OR c.owner = $2) AND ($3::boolean IS NULL OR c.public_good = $3)
               AND ($4::text IS NULL OR c.status = $4)
            ORDER BY c.id LIMIT $5
            """;

    private ClusterQueries() {
    }

    /** One row of {@link #ONE} or {@link #PAGE} as the API shows it. */
    public static ClusterView view(Row row) {
        BigInteger escrow = Amounts.fromColumn(row.getBigDecimal(12));
        BigInteger rent = Amounts.fromColumn(row.getBigDecimal(14));
        String[] contracts = row.getArrayOfStrings(15);
        Object[] stakes = row.getArrayOfBigDecimals(16);
        List<Object[]> contractStakes = new ArrayList<>();
        for (int i = 0; contracts != null && i < contracts.length; i++) {
            contractStakes.add(new Object[] {contracts[i], stakes[i]});
        }
        return new ClusterView(row.getString(0), row.getString(1), row.getString(2), row.getString(3),
                row.getBoolean(4), row.getString(5), row.getString(6), row.getString(7), row.getString(8),
                row.getString(9), row.getString(13), escrow.toString(), rent.toString(), runway(escrow, rent),
                row.getInteger(10), ClusterStake.of(contractStakes), row.getLong(17), row.getOffsetDateTime(11));
    }

    /** How many epochs of rent the escrow holds; absent when nothing is charged. */
    static Long runway(BigInteger escrow, BigInteger rent) {
        return rent.signum() == 0 ? null : escrow.divide(rent).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }
}
