package io.clusterfn.stake;

import io.clusterfn.http.Amounts;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads of stakes and weights, inside the caller's session. */
@ApplicationScoped
public class StakeQueries {
    private static final String CLUSTER_STAKES = """
            SELECT c.id, coalesce(sum(s.amount), 0) FROM contract c LEFT JOIN stake s ON s.contract_id = c.id
            WHERE c.cluster_id = :cluster AND c.status = 'DEPLOYED' GROUP BY c.id ORDER BY c.id
            """;

    /** The total stake on one contract, deployed or not. */
    public Uni<java.math.BigInteger> ofContract(String contractId) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT coalesce(sum(amount), 0) FROM stake WHERE contract_id = :contract", Object.class)
                .setParameter("contract", contractId)
                .getSingleResult())
                .map(Amounts::fromColumn);
    }

    /** The stakes of several clusters in one query, by cluster id (clusters without contracts absent). */
    public Uni<Map<String, ClusterStake>> ofClusters(Collection<String> clusterIds) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT c.cluster_id, c.id, coalesce(sum(s.amount), 0) FROM contract c
                        LEFT JOIN stake s ON s.contract_id = c.id
                        WHERE c.cluster_id IN (:clusters) AND c.status = 'DEPLOYED'
                        GROUP BY c.cluster_id, c.id ORDER BY c.id
                        """, Object[].class)
                .setParameter("clusters", clusterIds)
                .getResultList())
                .map(rows -> rows.stream().collect(Collectors.groupingBy(row -> (String) row[0],
                        Collectors.collectingAndThen(Collectors.mapping(
                                row -> new Object[] {row[1], row[2]}, Collectors.toList()),
                                ClusterStake::of))));
    }

    public Uni<ClusterStake> ofCluster(String clusterId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(CLUSTER_STAKES, Object[].class)
                .setParameter("cluster", clusterId)
                .getResultList())
                .map(ClusterStake::of);
    }
}
