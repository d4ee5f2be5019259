package io.clusterfn.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterfn.access.Permission;
import io.clusterfn.access.Pricing;
import io.clusterfn.access.Quota;
import io.clusterfn.http.Amounts;
import io.clusterfn.message.Messaging;
import io.clusterfn.stake.ClusterStake;
import io.clusterfn.worker.Worker;
import io.clusterfn.worker.WorkerView;
import io.vertx.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigInteger;
import java.util.List;

/**
 * Clusters as the API shows them, in one statement for one cluster or a whole page: the row, the
 * escrow, the workers, each deployed contract's stake and the messages queued for it.
 */
@ApplicationScoped
public class ClusterQueries {
    private static final String VIEW = """
            SELECT c.id, c.name, c.owner, c.status, c.public_good, c.permission::text, c.quota::text, c.pricing::text,
                   c.messaging::text, c.treasury, c.contracts_deployed, c.created_at,
                   (SELECT balance FROM ledger_account WHERE id = 'escrow/' || c.id),
                   (SELECT json_agg(json_build_object('id', w.id, 'operator', w.operator, 'endpoint', w.endpoint,
                        'capacity', w.capacity, 'rentPerEpoch', w.rent_per_epoch::text, 'attributes', w.attributes,
                        'status', w.status, 'clusterId', w.cluster_id, 'lastHeartbeatEpoch', w.last_heartbeat_epoch,
                        'joinedEpoch', w.joined_epoch) ORDER BY w.id)::text FROM worker w WHERE w.cluster_id = c.id),
                   (SELECT json_agg(json_build_array(t.id, t.total::text) ORDER BY t.id)::text FROM (
                        SELECT o.id, coalesce(sum(s.amount), 0) AS total FROM contract o LEFT JOIN stake s ON s.contract_id = o.id
                        WHERE o.cluster_id = c.id AND o.status = 'DEPLOYED' GROUP BY o.id) t),
                   (SELECT coalesce(sum(last_seq - delivered_seq), 0) FROM channel WHERE to_cluster = c.id)
            FROM cluster c
            """;
    public static final String ONE = VIEW + " WHERE c.id = $1";
    public static final String PAGE = VIEW + """
             WHERE c.id > $1 AND ($2::text IS NULL OR c.owner = $2) AND ($3::boolean IS NULL OR c.public_good = $3)
               AND ($4::text IS NULL OR c.status = $4)
            ORDER BY c.id LIMIT $5
            """;

    private static final TypeReference<List<WorkerView>> WORKERS = new TypeReference<>() {
    };
    private static final TypeReference<List<List<String>>> STAKES = new TypeReference<>() {
    };

    private final ObjectMapper json;

    public ClusterQueries(ObjectMapper json) {
        this.json = json;
    }

    /** One row of {@link #ONE} or {@link #PAGE} as the API shows it. */
    public ClusterView view(Row row) {
        try {
            List<WorkerView> workers = row.getString(13) == null ? List.of() : json.readValue(row.getString(13), WORKERS);
            List<List<String>> stakes = row.getString(14) == null ? List.of() : json.readValue(row.getString(14), STAKES);
            BigInteger escrow = Amounts.fromColumn(row.getBigDecimal(12));
            BigInteger rent = rentPerEpoch(workers);
            return new ClusterView(row.getString(0), row.getString(1), row.getString(2), row.getString(3),
                    row.getBoolean(4), json.readValue(row.getString(5), Permission.class),
                    json.readValue(row.getString(6), Quota.class), json.readValue(row.getString(7), Pricing.class),
                    json.readValue(row.getString(8), Messaging.class), row.getString(9), workers, escrow.toString(),
                    rent.toString(), runway(escrow, rent), row.getInteger(10),
                    ClusterStake.of(stakes.stream().map(pair -> new Object[] {pair.get(0), pair.get(1)}).toList()),
                    row.getLong(15), row.getOffsetDateTime(11));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cluster " + row.getString(0) + " does not read", e);
        }
    }

    /** The rent one epoch costs: that of the workers that are not offline. */
    static BigInteger rentPerEpoch(List<WorkerView> workers) {
        return workers.stream().filter(w -> !Worker.OFFLINE.equals(w.status()))
                .map(w -> new BigInteger(w.rentPerEpoch())).reduce(BigInteger.ZERO, BigInteger::add);
    }

    /** How many epochs of rent the escrow holds; absent when nothing is charged. */
    static Long runway(BigInteger escrow, BigInteger rent) {
        return rent.signum() == 0 ? null : escrow.divide(rent).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }
}
