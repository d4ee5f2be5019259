package io.clusterfn.worker;

import io.clusterfn.epoch.EpochClock;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Page;
import io.clusterfn.http.Store;
import io.clusterfn.http.Times;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** Registering workers, their heartbeats, and listing them: entity work through Panache. */
@ApplicationScoped
public class WorkerService {
    private static final String CONTRACTS = """
            SELECT id, code_hash FROM contract WHERE cluster_id = :cluster AND status = 'DEPLOYED' ORDER BY id
            """;
    private static final String INBOX = """
            SELECT coalesce(sum(last_seq - delivered_seq), 0)::bigint FROM channel WHERE to_cluster = :cluster
            """;

    private final WorkerRepository workers;
    private final EpochClock clock;

    public WorkerService(WorkerRepository workers, EpochClock clock) {
        this.workers = workers;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<Worker> register(Worker worker) {
        return workers.findById(worker.id).chain(existing -> {
            if (existing != null) {
                throw ApiException.conflict("worker " + worker.id + " is already registered");
            }
            worker.status = Worker.AVAILABLE;
            worker.registeredAt = Times.now();
            return workers.persist(worker);
        });
    }

    /**
     * Marks the worker online for this epoch and tells it which contracts its cluster runs and how
     * many messages wait for that cluster (read them with {@code inbox}).
     */
    @WithTransaction
    public Uni<Assignment> heartbeat(String workerId, String caller) {
        long epoch = clock.current();
        return workers.findById(workerId, LockModeType.PESSIMISTIC_WRITE).chain(worker -> {
            if (worker == null) {
                throw ApiException.workerNotFound(workerId);
            }
            if (!worker.operator.equals(caller)) {
                throw ApiException.notOwner("worker's operator");
            }
            // Settlement needs one record per epoch heard in; later heartbeats of the epoch add nothing
            // (an epoch it joined in is its joinedEpoch).
            boolean heardThisEpoch = worker.lastHeartbeatEpoch != null && worker.lastHeartbeatEpoch == epoch;
            worker.lastHeartbeatEpoch = epoch;
            if (Worker.OFFLINE.equals(worker.status)) {
                worker.status = Worker.ASSIGNED;
            }
            Uni<Void> recorded = heardThisEpoch ? Uni.createFrom().voidItem() : workers.heard(worker.id, epoch);
            if (worker.clusterId == null) {
                return recorded.map(ignored -> new Assignment(worker.id, null, epoch, List.of(), 0));
            }
            return recorded.chain(() -> Panache.getSession()).chain(session -> session
                            .createNativeQuery(CONTRACTS, Object[].class).setParameter("cluster", worker.clusterId).getResultList()
                            .chain(contracts -> session.createNativeQuery(INBOX, Long.class)
                                    .setParameter("cluster", worker.clusterId).getSingleResult()
                                    .map(inbox -> new Assignment(worker.id, worker.clusterId, epoch, contracts.stream()
                                            .map(row -> Map.of("id", (String) row[0], "codeHash", (String) row[1])).toList(),
                                            inbox.longValue()))));
        });
    }

    /** What a worker must run: its cluster's deployed contracts; and the messages queued for that cluster. */
    public record Assignment(String workerId, String clusterId, long epoch, List<Map<String, String>> contracts,
            long inbox) {
    }

    @WithSession
    public Uni<Page<WorkerView>> list(String operator, String clusterId, String status, String after, int limit) {
        return workers.page(operator, clusterId, status, after, limit + 1)
                .map(found -> Page.of(found.stream().map(WorkerView::of).toList(), limit, WorkerView::id));
    }
}
