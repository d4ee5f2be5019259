package io.clusterfn.cluster;

import io.clusterfn.access.Permission;
import io.clusterfn.access.Pricing;
import io.clusterfn.access.Quota;
import io.clusterfn.epoch.EpochClock;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.ErrorCode;
import io.clusterfn.ledger.Accounts;
import io.clusterfn.ledger.Ledger;
import io.clusterfn.stake.ClusterStake;
import io.clusterfn.stake.StakeQueries;
import io.clusterfn.worker.Worker;
import io.clusterfn.worker.WorkerRepository;
import io.clusterfn.worker.WorkerView;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Forming, funding, configuring and reading clusters (L1 rent into the cluster's escrow). */
@ApplicationScoped
public class ClusterService {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClusterRepository clusters;
    private final WorkerRepository workers;
    private final Ledger ledger;
    private final StakeQueries stakes;
    private final EpochClock clock;

    public ClusterService(ClusterRepository clusters, WorkerRepository workers, Ledger ledger, StakeQueries stakes,
            EpochClock clock) {
        this.clusters = clusters;
        this.workers = workers;
        this.ledger = ledger;
        this.stakes = stakes;
        this.clock = clock;
    }

    /** What {@code formCluster} asks for, already validated. */
    public record Formation(String name, String owner, List<String> workerIds, Permission permission, Quota quota,
            Pricing pricing, String treasury, long prepaidEpochs, boolean publicGood) {
    }

    /** Rents the workers: their rent for the prepaid epochs moves from the owner to the new cluster's escrow. */
    @WithTransaction
    public Uni<ClusterView> form(Formation f) {
        return workers.lockAll(f.workerIds()).chain(found -> {
            requireAvailable(f.workerIds(), found);
            Cluster cluster = new Cluster();
            cluster.id = newId();
            cluster.name = f.name();
            cluster.owner = f.owner();
            cluster.status = Cluster.ACTIVE;
            cluster.publicGood = f.publicGood();
            cluster.permission = f.permission();
            cluster.quota = f.quota();
            cluster.pricing = f.pricing();
            cluster.treasury = f.treasury();
            cluster.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
            long epoch = clock.current();
            found.forEach(w -> w.assignTo(cluster.id, epoch));
            BigInteger rent = rentOf(found).multiply(BigInteger.valueOf(f.prepaidEpochs()));
            return clusters.persist(cluster)
                    .call(() -> ledger.transfer(f.owner(), Accounts.escrow(cluster.id), rent, "rent-prepaid", cluster.id))
                    .chain(() -> view(cluster, found));
        });
    }

    /** Tops up the escrow; a suspended cluster is active again once it covers one epoch of rent. */
    @WithTransaction
    public Uni<ClusterView> fund(String clusterId, String payer, BigInteger amount) {
        return clusters.lock(clusterId).chain(cluster -> ledger
                .transfer(payer, Accounts.escrow(clusterId), amount, "fund", clusterId)
                .chain(moved -> workers.inCluster(clusterId).chain(members -> {
                    if (!cluster.isActive() && moved.targetBalance().compareTo(rentOf(members)) >= 0) {
                        cluster.status = Cluster.ACTIVE;
                    }
                    return view(cluster, members);
                })));
    }

    /** What {@code configureCluster} changes; null parts stay as they are. */
    public record Configuration(Permission permission, Quota quota, Pricing pricing, String treasury,
            List<String> addWorkers, List<String> removeWorkers) {
    }

    @WithTransaction
    public Uni<ClusterView> configure(String clusterId, String caller, Configuration c) {
        return clusters.lock(clusterId).chain(cluster -> {
            if (!cluster.owner.equals(caller)) {
                throw ApiException.notOwner("cluster's owner");
            }
            if (c.permission() != null) {
                cluster.permission = c.permission();
            }
            if (c.quota() != null) {
                cluster.quota = c.quota();
            }
            if (c.pricing() != null) {
                cluster.pricing = c.pricing();
            }
            if (c.treasury() != null) {
                cluster.treasury = c.treasury();
            }
            List<String> changed = new ArrayList<>(c.addWorkers());
            changed.addAll(c.removeWorkers());
            return workers.lockAll(changed).chain(locked -> workers.inCluster(clusterId).chain(members -> {
                Map<String, Worker> byId = locked.stream().collect(Collectors.toMap(w -> w.id, w -> w));
                for (String id : c.removeWorkers()) {
                    Worker w = byId.get(id);
                    if (w == null || !clusterId.equals(w.clusterId)) {
                        throw ApiException.workerNotFound(id);
                    }
                }
                List<Worker> added = c.addWorkers().stream().map(byId::get).toList();
                requireAvailable(c.addWorkers(), locked.stream().filter(w -> c.addWorkers().contains(w.id)).toList());
                long remaining = members.stream().filter(w -> !c.removeWorkers().contains(w.id)).count() + added.size();
                if (remaining == 0) {
                    throw ApiException.conflict("a cluster keeps at least one worker");
                }
                long epoch = clock.current();
                c.removeWorkers().forEach(id -> byId.get(id).release());
                added.forEach(w -> w.assignTo(clusterId, epoch));
                return workers.flush().chain(() -> workers.inCluster(clusterId)).chain(now -> view(cluster, now));
            }));
        });
    }

    @WithSession
    public Uni<ClusterView> get(String clusterId) {
        return clusters.get(clusterId).chain(cluster -> workers.inCluster(clusterId).chain(w -> view(cluster, w)));
    }

    /** A page of clusters in id order, after the cursor (the last id of the previous page). */
    @WithSession
    public Uni<List<ClusterView>> list(String owner, Boolean publicGood, String status, String after, int limit) {
        StringBuilder query = new StringBuilder("id > :after");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("after", after == null ? "" : after);
        if (owner != null) {
            query.append(" and owner = :owner");
            params.put("owner", owner);
        }
        if (publicGood != null) {
            query.append(" and publicGood = :publicGood");
            params.put("publicGood", publicGood);
        }
        if (status != null) {
            query.append(" and status = :status");
            params.put("status", status);
        }
        query.append(" order by id");
        return clusters.find(query.toString(), params).page(0, limit).list().chain(page -> {
            if (page.isEmpty()) {
                return Uni.createFrom().item(List.<ClusterView>of());
            }
            List<String> ids = page.stream().map(c -> c.id).toList();
            // A page costs three queries whatever its size: workers, escrows, stakes.
            return workers.inClusters(ids).chain(members -> ledger.balancesOf(ids.stream().map(Accounts::escrow).toList())
                    .chain(escrows -> stakes.ofClusters(ids).map(stakeByCluster -> {
                        Map<String, List<Worker>> byCluster = members.stream()
                                .collect(Collectors.groupingBy(w -> w.clusterId));
                        return page.stream().map(c -> view(c, byCluster.getOrDefault(c.id, List.of()),
                                escrows.getOrDefault(Accounts.escrow(c.id), BigInteger.ZERO),
                                stakeByCluster.getOrDefault(c.id, ClusterStake.of(List.of())))).toList();
                    })));
        });
    }

    private Uni<ClusterView> view(Cluster cluster, List<Worker> members) {
        return ledger.balanceOf(Accounts.escrow(cluster.id)).chain(escrow -> stakes.ofCluster(cluster.id)
                .map(stake -> view(cluster, members, escrow, stake)));
    }

    private static ClusterView view(Cluster cluster, List<Worker> members, BigInteger escrow, ClusterStake stake) {
        BigInteger rent = rentOf(members);
        return new ClusterView(cluster.id, cluster.name, cluster.owner, cluster.status, cluster.publicGood,
                cluster.permission, cluster.quota, cluster.pricing, cluster.treasury,
                members.stream().map(WorkerView::of).toList(), escrow.toString(), rent.toString(),
                rent.signum() == 0 ? null : escrow.divide(rent).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue(),
                cluster.contractsDeployed, stake, cluster.createdAt);
    }

    /** The rent one epoch costs: that of the workers that are not offline. */
    static BigInteger rentOf(List<Worker> members) {
        return members.stream().filter(w -> !Worker.OFFLINE.equals(w.status))
                .map(w -> w.rentPerEpoch).reduce(BigInteger.ZERO, BigInteger::add);
    }

    private static void requireAvailable(List<String> ids, List<Worker> found) {
        Set<String> known = found.stream().map(w -> w.id).collect(Collectors.toSet());
        for (String id : ids) {
            if (!known.contains(id)) {
                throw ApiException.workerNotFound(id);
            }
        }
        for (Worker w : found) {
            if (!Worker.AVAILABLE.equals(w.status)) {
                throw new ApiException(ErrorCode.WORKER_BUSY, "worker " + w.id + " is " + w.status,
                        Map.of("workerId", w.id, "status", w.status));
            }
        }
    }

    private static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
