package io.clusterfn.worker;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@ApplicationScoped
public class WorkerRepository implements PanacheRepositoryBase<Worker, String> {
    /** Locks the given workers in id order, so that concurrent callers cannot deadlock. */
    public Uni<List<Worker>> lockAll(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return find("id in ?1 order by id", ids).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    public Uni<Long> countInCluster(String clusterId) {
        return count("clusterId", clusterId);
    }

    /** A page of workers in id order after {@code after}, filtered by what is given. One query. */
    public Uni<List<Worker>> page(String operator, String clusterId, String status, String after, int limit) {
        StringBuilder query = new StringBuilder("id > :after");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("after", after == null ? "" : after);
        if (operator != null) {
            query.append(" and operator = :operator");
            params.put("operator", operator);
        }
        if (clusterId != null) {
            query.append(" and clusterId = :cluster");
            params.put("cluster", clusterId);
        }
        if (status != null) {
            query.append(" and status = :status");
            params.put("status", status);
        }
        return find(query.append(" order by id").toString(), params).page(0, limit).list();
    }

    /** Records that the worker sent a heartbeat in the epoch (settlement pays by these). */
    public Uni<Void> heard(String id, long epoch) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "INSERT INTO worker_heartbeat (worker_id, epoch) VALUES (:id, :epoch) ON CONFLICT DO NOTHING")
                .setParameter("id", id)
                .setParameter("epoch", epoch)
                .executeUpdate())
                .replaceWithVoid();
    }
}
