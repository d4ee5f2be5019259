package io.clusterfn.cluster;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.clusterfn.http.ApiException;

@ApplicationScoped
public class ClusterRepository implements PanacheRepositoryBase<Cluster, String> {
    /** The cluster, locked for this transaction; its lock serializes everything counted against it. */
    public Uni<Cluster> lock(String id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE).map(cluster -> require(cluster, id));
    }

    private static Cluster require(Cluster cluster, String id) {
        if (cluster == null) {
            throw ApiException.clusterNotFound(id);
        }
        return cluster;
    }
}
