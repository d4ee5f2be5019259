package io.clusterfn.worker;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.Collection;
import java.util.List;

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
}
