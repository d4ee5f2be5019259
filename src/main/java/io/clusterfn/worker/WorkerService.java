package io.clusterfn.worker;

import io.clusterfn.epoch.EpochClock;
import io.clusterfn.http.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Registering workers and their heartbeats. */
@ApplicationScoped
public class WorkerService {
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
            worker.registeredAt = OffsetDateTime.now(ZoneOffset.UTC);
            return workers.persist(worker);
        });
    }

    /** Marks the worker online for this epoch and tells it which contracts its cluster runs. */
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
            return recorded.chain(() -> contractsOf(worker.clusterId))
                    .map(contracts -> new Assignment(worker.id, worker.clusterId, epoch, contracts));
        });
    }

    private Uni<List<Map<String, String>>> contractsOf(String clusterId) {
        if (clusterId == null) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT id, code_hash FROM contract WHERE cluster_id = :cluster AND status = 'DEPLOYED' ORDER BY id",
                        Object[].class)
                .setParameter("cluster", clusterId)
                .getResultList())
                .map(rows -> rows.stream()
                        .map(row -> Map.of("id", (String) row[0], "codeHash", (String) row[1]))
                        .toList());
    }

    /** What a worker must run: its cluster's deployed contracts. */
    public record Assignment(String workerId, String clusterId, long epoch, List<Map<String, String>> contracts) {
    }
}
