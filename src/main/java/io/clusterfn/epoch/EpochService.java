package io.clusterfn.epoch;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Store;
import io.clusterfn.http.Tx;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Settles epochs: each exactly once and in order, whoever calls and however often. The single
 * epoch_state row is the lock; a caller that finds it taken lost the race and settles nothing.
 *
 * <p>An epoch is settled for every cluster at once, in set-based statements: no round trip per
 * cluster, and no lock on the clusters that can pay (deploys go on meanwhile). Only clusters that
 * may not be able to pay are locked, then the accounts that move, in id order, as every change
 * locks them.
 */
@ApplicationScoped
public class EpochService {
    private static final String STATE = """
            SELECT e.last_settled, s.created_at FROM epoch_state e CROSS JOIN store_info s
            WHERE e.id = 1 FOR UPDATE OF e SKIP LOCKED
            """;
    private static final String LAST_SETTLED = "SELECT last_settled FROM epoch_state WHERE id = 1";

    /** Parameters of every statement below: $1 the epoch, $2 genesis, $3 epoch length in ms, $4 offline-after. */
    private static final String FORMED = "floor(extract(epoch FROM c.created_at - $2::timestamptz) * 1000 / $3::bigint) <= $1::bigint";
    /**
     * The workers a cluster pays for in epoch $1: members then (joined by then, or before joins were
     * recorded) heard in that epoch or the offline-after epochs before it, by a heartbeat or by joining.
     */
    private static final String ONLINE = """
            SELECT w.id, w.cluster_id, w.operator, w.rent_per_epoch FROM worker w JOIN cluster c ON c.id = w.cluster_id
            WHERE c.status = 'ACTIVE' AND\s""" + FORMED + """
              AND (w.joined_epoch IS NULL OR w.joined_epoch <= $1::bigint)
              AND (w.joined_epoch BETWEEN $1::bigint - $4::bigint AND $1::bigint
                   OR EXISTS (SELECT 1 FROM worker_heartbeat h WHERE h.worker_id = w.id AND h.epoch BETWEEN $1::bigint - $4::bigint AND $1::bigint))
            """;
    private static final String DUE = "SELECT cluster_id, sum(rent_per_epoch) AS rent FROM online GROUP BY cluster_id HAVING sum(rent_per_epoch) > 0";

    /** Clusters whose escrow may not cover the epoch (escrows only grow meanwhile: the others surely can). */
    private static final String SHORT = "WITH online AS (" + ONLINE + "), due AS (" + DUE + """
            )
            SELECT d.cluster_id FROM due d LEFT JOIN ledger_account e ON e.id = 'escrow/' || d.cluster_id
            WHERE coalesce(e.balance, 0) < d.rent ORDER BY d.cluster_id
            """;
    private static final String LOCK_CLUSTERS = "SELECT id FROM cluster WHERE id = ANY($1) ORDER BY id FOR UPDATE";
    /** Workers silent for longer than offline-after are OFFLINE; their status follows their last heartbeat. */
    private static final String OFFLINE = """
            UPDATE worker w SET status = 'OFFLINE' FROM cluster c
            WHERE c.id = w.cluster_id AND c.status = 'ACTIVE' AND\s""" + FORMED + """
              AND w.status = 'ASSIGNED' AND (w.joined_epoch IS NULL OR w.joined_epoch <= $1::bigint)
              AND w.last_heartbeat_epoch + $4::bigint < $1::bigint
            RETURNING w.id
            """;
    private static final String LOCK_ACCOUNTS = "WITH online AS (" + ONLINE + """
            )
            SELECT id FROM ledger_account
            WHERE id IN (SELECT 'escrow/' || cluster_id FROM online UNION SELECT operator FROM online)
            ORDER BY id FOR UPDATE
            """;
    /**
     * Every cluster whose escrow covers the epoch pays each online worker's operator its rent; the
     * others are suspended and pay nothing. Answers the clusters paid and suspended.
     */
    private static final String PAY = "WITH online AS (" + ONLINE + "), due AS (" + DUE + """
            ),
            active AS (SELECT count(*) AS n FROM cluster c WHERE c.status = 'ACTIVE' AND\s""" + FORMED + """
            ),
            paid AS (
                UPDATE ledger_account e SET balance = e.balance - d.rent FROM due d
                WHERE e.id = 'escrow/' || d.cluster_id AND e.balance >= d.rent
                RETURNING d.cluster_id),
            credited AS (
                INSERT INTO ledger_account (id, kind, balance)
                SELECT o.operator, 'USER', sum(o.rent_per_epoch) FROM online o
                WHERE o.cluster_id IN (SELECT cluster_id FROM paid) AND o.rent_per_epoch > 0
                GROUP BY o.operator ORDER BY o.operator
                ON CONFLICT (id) DO UPDATE SET balance = ledger_account.balance + EXCLUDED.balance),
            recorded AS (
                INSERT INTO ledger_transfer (from_account, to_account, amount, reason, reference, epoch)
                SELECT 'escrow/' || o.cluster_id, o.operator, o.rent_per_epoch, 'rent', o.cluster_id, $1::bigint FROM online o
                WHERE o.cluster_id IN (SELECT cluster_id FROM paid) AND o.rent_per_epoch > 0),
            suspended AS (
                UPDATE cluster c SET status = 'SUSPENDED' FROM due d
                WHERE c.id = d.cluster_id AND d.cluster_id NOT IN (SELECT cluster_id FROM paid)
                RETURNING c.id)
            SELECT (SELECT n FROM active), (SELECT count(*) FROM suspended)
            """;
    private static final String RECORD = "UPDATE epoch_state SET last_settled = $1 WHERE id = 1";
    /** Heartbeats no later settlement needs. */
    private static final String FORGET = "DELETE FROM worker_heartbeat WHERE epoch < $1";

    private final EpochClock clock;
    private final Store store;
    private final long offlineAfter;
    private final int maxPerCall;
    private final Duration timeout;

    public EpochService(EpochClock clock, Store store,
            @ConfigProperty(name = "clusterfn.epoch.offline-after") long offlineAfter,
            @ConfigProperty(name = "clusterfn.epoch.max-per-call") int maxPerCall,
            @ConfigProperty(name = "clusterfn.epoch.timeout") Duration timeout) {
        this.clock = clock;
        this.store = store;
        this.offlineAfter = offlineAfter;
        this.maxPerCall = maxPerCall;
        this.timeout = timeout;
    }

    /** The answer; {@code lastSettled} is always shown, null only before the first settlement ever. */
    public record Settlement(List<Long> settledEpochs, @JsonInclude(JsonInclude.Include.ALWAYS) Long lastSettled,
            int clustersPaid, int clustersSuspended, int workersOffline) {
    }

    /** Settles every unsettled epoch up to {@code target} (at most max-per-call of them), in one transaction. */
    public Uni<Settlement> settle(long target) {
        long now = clock.current();
        if (target > now) {
            throw ApiException.conflict("epoch " + target + " has not begun (the current epoch is " + now + ")");
        }
        return store.transaction(timeout, tx -> tx.query(STATE, Tuple.tuple()).chain(state -> {
            if (state.size() == 0) {
                // Another call is settling right now: it settles what this one would.
                return tx.query(LAST_SETTLED, Tuple.tuple())
                        .map(rows -> new Settlement(List.of(), rows.iterator().next().getLong(0), 0, 0, 0));
            }
            Row row = state.iterator().next();
            Long last = row.getLong(0);
            long first = last == null ? clock.epochOf(row.getOffsetDateTime(1).toInstant()) : last + 1;
            long upTo = Math.min(target, first + maxPerCall - 1);
            if (upTo < first) {
                return Uni.createFrom().item(new Settlement(List.of(), last, 0, 0, 0));
            }
            Tally tally = new Tally();
            Uni<Void> epochs = Uni.createFrom().voidItem();
            for (long epoch = first; epoch <= upTo; epoch++) {
                long settling = epoch;
                epochs = epochs.chain(() -> settleEpoch(tx, settling, tally));
            }
            return epochs.chain(() -> tx.commit(new Tx.Statement(RECORD, Tuple.of(upTo)),
                            new Tx.Statement(FORGET, Tuple.of(upTo + 1 - offlineAfter))))
                    .map(done -> {
                        List<Long> settled = new ArrayList<>();
                        for (long e = first; e <= upTo; e++) {
                            settled.add(e);
                        }
                        return new Settlement(settled, upTo, tally.paid, tally.suspended, tally.offline);
                    });
        }));
    }

    /**
     * One epoch for every cluster: first round trip, the clusters that may not pay; second, those
     * locked, workers gone silent marked offline, the accounts locked, rent paid or clusters suspended.
     */
    private Uni<Void> settleEpoch(Tx tx, long epoch, Tally tally) {
        Tuple params = Tuple.of(epoch, OffsetDateTime.ofInstant(clock.genesis(), ZoneOffset.UTC), clock.length().toMillis(),
                offlineAfter);
        return tx.query(SHORT, params).chain(shortRows -> {
            List<String> candidates = new ArrayList<>();
            shortRows.forEach(r -> candidates.add(r.getString(0)));
            List<Tx.Statement> statements = new ArrayList<>(4);
            if (!candidates.isEmpty()) {
                statements.add(new Tx.Statement(LOCK_CLUSTERS, Tuple.of(candidates.toArray(String[]::new))));
            }
            statements.add(new Tx.Statement(OFFLINE, params));
            statements.add(new Tx.Statement(LOCK_ACCOUNTS, params));
            statements.add(new Tx.Statement(PAY, params));
            return tx.query(statements.toArray(Tx.Statement[]::new)).map(results -> {
                RowSet<Row> offline = results.get(results.size() - 3);
                Row pay = results.get(results.size() - 1).iterator().next();
                int suspended = pay.getLong(1).intValue();
                tally.offline += offline.rowCount();
                tally.suspended += suspended;
                tally.paid += pay.getLong(0).intValue() - suspended;
                return null;
            });
        });
    }

    private static final class Tally {
        int paid;
        int suspended;
        int offline;
    }
}
