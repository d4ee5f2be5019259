package io.clusterfn.worker;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

@ApplicationScoped
public class WorkerRepository implements PanacheRepositoryBase<Worker, String> {
    /** Locks the given workers in id order, so that concurrent callers cannot deadlock. */
    public Uni<List<Worker>> lockAll(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return find("id in ?1 order by id", ids).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    public Uni<List<Worker>> inCluster(String clusterId) {
        return list("clusterId = ?1 order by id", clusterId);
    }

    public Uni<List<Worker>> inClusters(Collection<String> clusterIds) {
        if (clusterIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("clusterId in ?1 order by id", clusterIds);
    }

    /** Records that the worker sent a heartbeat in the epoch. */
    public Uni<Void> heard(String id, long epoch) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "INSERT INTO worker_heartbeat (worker_id, epoch) VALUES (:id, :epoch) ON CONFLICT DO NOTHING")
                .setParameter("id", id)
                .setParameter("epoch", epoch)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * The epochs from {@code first} to {@code last} in which workers sent heartbeats, by worker. Settlement
     * keeps only the epochs it may still need, so this is a small table read by its epoch index.
     */
    public Uni<Map<String, Set<Long>>> heardBetween(long first, long last) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT worker_id, epoch FROM worker_heartbeat WHERE epoch BETWEEN :first AND :last",
                        Object[].class)
                .setParameter("first", first)
                .setParameter("last", last)
                .getResultList())
                .map(rows -> rows.stream().collect(Collectors.groupingBy(row -> (String) row[0],
                        Collectors.mapping(row -> ((Number) row[1]).longValue(), Collectors.toSet()))));
    }

    /** Forgets the heartbeats before {@code epoch}: no settlement needs them any more. */
    public Uni<Void> forgetHeardBefore(long epoch) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("DELETE FROM worker_heartbeat WHERE epoch < :epoch")
                .setParameter("epoch", epoch)
                .executeUpdate())
                .replaceWithVoid();
    }
}
