package io.clusterfn.epoch;

import io.clusterfn.cluster.Cluster;
import io.clusterfn.cluster.ClusterRepository;
import io.clusterfn.http.ApiException;
import io.clusterfn.ledger.Accounts;
import io.clusterfn.ledger.Ledger;
import io.clusterfn.worker.Worker;
import io.clusterfn.worker.WorkerRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settles epochs: each exactly once and in order, whoever calls and however often. The single
 * epoch_state row is the lock; a caller that finds it taken lost the race and settles nothing.
 */
@ApplicationScoped
public class EpochService {
    private final EpochClock clock;
    private final ClusterRepository clusters;
    private final WorkerRepository workers;
    private final Ledger ledger;
    private final long offlineAfter;
    private final int maxPerCall;

    public EpochService(EpochClock clock, ClusterRepository clusters, WorkerRepository workers, Ledger ledger,
            @ConfigProperty(name = "clusterfn.epoch.offline-after") long offlineAfter,
            @ConfigProperty(name = "clusterfn.epoch.max-per-call") int maxPerCall) {
        this.clock = clock;
        this.clusters = clusters;
        this.workers = workers;
        this.ledger = ledger;
        this.offlineAfter = offlineAfter;
        this.maxPerCall = maxPerCall;
    }

    public record Settlement(List<Long> settledEpochs, Long lastSettled, int clustersPaid, int clustersSuspended,
            int workersOffline) {
    }

    /** Settles every unsettled epoch up to {@code target} (at most max-per-call of them). */
    @WithTransaction
    public Uni<Settlement> settle(long target) {
        long now = clock.current();
        if (target > now) {
            throw ApiException.conflict("epoch " + target + " has not begun (the current epoch is " + now + ")");
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT e.last_settled, s.created_at FROM epoch_state e CROSS JOIN store_info s
                        WHERE e.id = 1 FOR UPDATE OF e SKIP LOCKED
                        """, Object[].class)
                .getResultList())
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        // Another call is settling right now: it settles what this one would.
                        return Uni.createFrom().item(new Settlement(List.of(), null, 0, 0, 0));
                    }
                    Long last = rows.get(0)[0] == null ? null : ((Number) rows.get(0)[0]).longValue();
                    long first = last == null ? clock.epochOf(((OffsetDateTime) rows.get(0)[1]).toInstant()) : last + 1;
                    long upTo = Math.min(target, first + maxPerCall - 1);
                    if (upTo < first) {
                        return Uni.createFrom().item(new Settlement(List.of(), last, 0, 0, 0));
                    }
                    return settleRange(first, upTo);
                });
    }

    private Uni<Settlement> settleRange(long first, long upTo) {
        return clusters.find("status = ?1 order by id", Cluster.ACTIVE).withLock(LockModeType.PESSIMISTIC_WRITE).list().chain(clusters -> {
            List<String> ids = clusters.stream().map(c -> c.id).toList();
            return workers.inClusters(ids).chain(members -> workers.heardBetween(first - offlineAfter, upTo).chain(heard -> {
                Map<String, List<Worker>> byCluster = members.stream().collect(Collectors.groupingBy(w -> w.clusterId));
                Tally tally = new Tally();
                Uni<Void> work = Uni.createFrom().voidItem();
                for (Cluster cluster : clusters) {
                    List<Worker> crew = byCluster.getOrDefault(cluster.id, List.of());
                    work = work.chain(() -> settleCluster(cluster, crew, heard, first, upTo, tally));
                }
                return work.chain(() -> recordSettled(upTo))
                        .call(() -> workers.forgetHeardBefore(upTo + 1 - offlineAfter)).map(ignored -> {
                    List<Long> epochs = new ArrayList<>();
                    for (long e = first; e <= upTo; e++) {
                        epochs.add(e);
                    }
                    return new Settlement(epochs, upTo, tally.paid, tally.suspended, tally.offline);
                });
            }));
        });
    }

    /**
     * One cluster through the epochs in order: offline workers, then rent or suspension. Epochs
     * that ended before the cluster was formed are not its own: it pays nothing for them; nor
     * does it pay a worker for epochs before that worker joined. A worker is paid for an epoch
     * if it was online in it ({@link Worker#onlineIn}), whatever it did since; its status follows
     * its last heartbeat (it may have been silent then and be back by now).
     */
    private Uni<Void> settleCluster(Cluster cluster, List<Worker> crew, Map<String, Set<Long>> heard, long first,
            long upTo, Tally tally) {
        String escrow = Accounts.escrow(cluster.id);
        long formed = clock.epochOf(cluster.createdAt.toInstant());
        return ledger.balanceOf(escrow).chain(balance -> {
            BigInteger left = balance;
            List<Uni<?>> transfers = new ArrayList<>();
            for (long epoch = Math.max(first, formed); epoch <= upTo && cluster.isActive(); epoch++) {
                final long settling = epoch;
                List<Worker> members = crew.stream().filter(w -> w.memberIn(settling)).toList();
                for (Worker w : members) {
                    if (Worker.ASSIGNED.equals(w.status) && w.lastHeartbeatEpoch + offlineAfter < epoch) {
                        w.status = Worker.OFFLINE;
                        tally.offline++;
                    }
                }
                List<Worker> online = members.stream()
                        .filter(w -> w.onlineIn(settling, heard.getOrDefault(w.id, Set.of()), offlineAfter)).toList();
                BigInteger rent = online.stream().map(w -> w.rentPerEpoch).reduce(BigInteger.ZERO, BigInteger::add);
                if (left.compareTo(rent) < 0) {
                    cluster.status = Cluster.SUSPENDED;
                    tally.suspended++;
                    break;
                }
                left = left.subtract(rent);
                tally.paid++;
                for (Worker w : online) {
                    transfers.add(Uni.createFrom().deferred(() -> ledger.transfer(escrow, w.operator, w.rentPerEpoch,
                            "rent", cluster.id, settling)));
                }
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Uni<?> transfer : transfers) {
                chain = chain.chain(() -> transfer).replaceWithVoid();
            }
            return chain;
        });
    }

    private Uni<Integer> recordSettled(long upTo) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("UPDATE epoch_state SET last_settled = :upTo WHERE id = 1")
                .setParameter("upTo", upTo)
                .executeUpdate());
    }

    private static final class Tally {
        int paid;
        int suspended;
        int offline;
    }
}
