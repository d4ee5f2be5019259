package io.clusterfn.cluster;

import io.clusterfn.access.Permission;
import io.clusterfn.access.Pricing;
import io.clusterfn.access.Quota;
import io.clusterfn.epoch.EpochClock;
import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.ErrorCode;
import io.clusterfn.http.Page;
import io.clusterfn.http.Store;
import io.clusterfn.http.Times;
import io.clusterfn.http.Tx;
import io.clusterfn.ledger.Accounts;
import io.clusterfn.ledger.Ledger;
import io.clusterfn.ledger.Posting;
import io.clusterfn.message.Messaging;
import io.clusterfn.worker.Worker;
import io.clusterfn.worker.WorkerRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Forming, funding, configuring and reading clusters (L1 rent into the cluster's escrow).
 * Forming and funding move money and use prepared statements in two round trips; configuring
 * moves none and changes the cluster and worker entities through Panache.
 */
@ApplicationScoped
public class ClusterService {
    private static final String LOCK_WORKERS = """
            SELECT id, status, rent_per_epoch FROM worker WHERE id = ANY($1) ORDER BY id FOR UPDATE
            """;
    private static final String INSERT = """
            INSERT INTO cluster (id, name, owner, status, public_good, permission, quota, pricing, messaging, treasury, created_at)
            VALUES ($1, $2, $3, 'ACTIVE', $4, $5, $6, $7, $8, $9, $10)
            """;
    private static final String ASSIGN = """
            UPDATE worker SET status = 'ASSIGNED', cluster_id = $2, last_heartbeat_epoch = $3, joined_epoch = $3
            WHERE id = ANY($1)
            """;
    private static final String LOCK = "SELECT status FROM cluster WHERE id = $1 FOR UPDATE";
    /** What one epoch of the cluster's online workers costs; read once the cluster is locked. */
    private static final String RENT = """
            SELECT coalesce(sum(rent_per_epoch), 0) FROM worker WHERE cluster_id = $1 AND status <> 'OFFLINE'
            """;
    private static final String REACTIVATE = "UPDATE cluster SET status = 'ACTIVE' WHERE id = $1";

    private final Store store;
    private final ClusterRepository clusters;
    private final WorkerRepository workers;
    private final EpochClock clock;
    /**
     * An instance's, made when the bean is: a static one would be seeded while a native executable is
     * built, and every process would draw the same ids.
     */
    private final SecureRandom random = new SecureRandom();

    public ClusterService(Store store, ClusterRepository clusters, WorkerRepository workers, EpochClock clock) {
        this.store = store;
        this.clusters = clusters;
        this.workers = workers;
        this.clock = clock;
    }

    /** What {@code formCluster} asks for, already validated. */
    public record Formation(String name, String owner, List<String> workerIds, Permission permission, Quota quota,
            Pricing pricing, Messaging messaging, String treasury, long prepaidEpochs, boolean publicGood) {
    }

    /**
     * Rents the workers: their rent for the prepaid epochs moves from the owner to the new cluster's
     * escrow. First round trip: the workers and the owner's account locked. Second: the cluster,
     * the workers assigned, the rent, COMMIT.
     */
    public Uni<ClusterView> form(Formation f) {
        String id = newId();
        List<String> sorted = f.workerIds().stream().sorted().toList();
        return store.transaction(tx -> tx.query(new Tx.Statement(LOCK_WORKERS, Tuple.of(sorted.toArray(String[]::new))),
                        Ledger.lock(List.of(f.owner())))
                .chain(rows -> {
                    BigInteger rentPerEpoch = requireAvailable(f.workerIds(), rows.get(0));
                    BigInteger rent = Amounts.requireWithinMax("prepaidEpochs",
                            rentPerEpoch.multiply(BigInteger.valueOf(f.prepaidEpochs())),
                            f.prepaidEpochs() + " epochs of rent at " + rentPerEpoch + " per epoch");
                    Posting posting = new Posting().transfer(f.owner(), Accounts.escrow(id), rent, "rent-prepaid", id);
                    posting.requireCovered(Ledger.balances(rows.get(1)));
                    long epoch = clock.current();
                    OffsetDateTime now = Times.now();
                    return tx.commit(
                                    new Tx.Statement(INSERT, Tuple.from(List.of(id, f.name(), f.owner(), f.publicGood(),
                                            JsonObject.mapFrom(f.permission()), JsonObject.mapFrom(f.quota()),
                                            JsonObject.mapFrom(f.pricing()), JsonObject.mapFrom(f.messaging()), f.treasury(), now))),
                                    new Tx.Statement(ASSIGN, Tuple.of(sorted.toArray(String[]::new), id, epoch)),
                                    Ledger.apply(posting),
                                    new Tx.Statement(ClusterQueries.ONE, Tuple.of(id)))
                            .map(done -> ClusterQueries.view(done.get(3).iterator().next()));
                }));
    }

    /** The rent per epoch of the workers, all of which must exist and be available. */
    private static BigInteger requireAvailable(List<String> ids, RowSet<Row> locked) {
        Map<String, Row> found = new HashMap<>();
        locked.forEach(row -> found.put(row.getString(0), row));
        BigInteger rent = BigInteger.ZERO;
        for (String id : ids) {
            Row worker = found.get(id);
            if (worker == null) {
                throw ApiException.workerNotFound(id);
            }
            rent = rent.add(Amounts.fromColumn(worker.getBigDecimal(2)));
        }
        for (String id : ids) {
            String status = found.get(id).getString(1);
            if (!Worker.AVAILABLE.equals(status)) {
                throw busy(id, status);
            }
        }
        return rent;
    }

    private static ApiException busy(String workerId, String status) {
        return new ApiException(ErrorCode.WORKER_BUSY, "worker " + workerId + " is " + status,
                Map.of("workerId", workerId, "status", status));
    }

    /** Tops up the escrow; a suspended cluster is active again once it covers one epoch of rent. */
    public Uni<ClusterView> fund(String clusterId, String payer, BigInteger amount) {
        String escrow = Accounts.escrow(clusterId);
        Posting posting = new Posting().transfer(payer, escrow, amount, "fund", clusterId);
        return store.transaction(tx -> tx.query(new Tx.Statement(LOCK, Tuple.of(clusterId)),
                        new Tx.Statement(RENT, Tuple.of(clusterId)),
                        Ledger.lock(posting.accountsToLock()))
                .chain(rows -> {
                    if (rows.get(0).size() == 0) {
                        throw ApiException.clusterNotFound(clusterId);
                    }
                    String status = rows.get(0).iterator().next().getString(0);
                    BigInteger rent = Amounts.fromColumn(rows.get(1).iterator().next().getBigDecimal(0));
                    Map<String, BigInteger> balances = Ledger.balances(rows.get(2));
                    posting.requireCovered(balances);
                    BigInteger escrowAfter = balances.getOrDefault(escrow, BigInteger.ZERO).add(amount);
                    boolean reactivate = Cluster.SUSPENDED.equals(status) && escrowAfter.compareTo(rent) >= 0;
                    List<Tx.Statement> last = new ArrayList<>(3);
                    last.add(Ledger.apply(posting));
                    if (reactivate) {
                        last.add(new Tx.Statement(REACTIVATE, Tuple.of(clusterId)));
                    }
                    last.add(new Tx.Statement(ClusterQueries.ONE, Tuple.of(clusterId)));
                    return tx.commit(last.toArray(Tx.Statement[]::new))
                            .map(done -> ClusterQueries.view(done.get(done.size() - 1).iterator().next()));
                }));
    }

    /** What {@code configureCluster} changes; null parts stay as they are. */
    public record Configuration(Permission permission, Quota quota, Pricing pricing, Messaging messaging,
            String treasury, List<String> addWorkers, List<String> removeWorkers) {
    }

    /** Changes the cluster under its row lock, then answers the cluster as it is after the change. */
    public Uni<ClusterView> configure(String clusterId, String caller, Configuration c) {
        return store.call(() -> Panache.withTransaction(() -> applyConfiguration(clusterId, caller, c)))
                .chain(() -> get(clusterId));
    }

    private Uni<Void> applyConfiguration(String clusterId, String caller, Configuration c) {
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
            if (c.messaging() != null) {
                cluster.messaging = c.messaging();
            }
            if (c.treasury() != null) {
                cluster.treasury = c.treasury();
            }
            List<String> changed = new ArrayList<>(c.addWorkers());
            changed.addAll(c.removeWorkers());
            return workers.lockAll(changed).chain(locked -> workers.countInCluster(clusterId).chain(members -> {
                Map<String, Worker> byId = locked.stream().collect(Collectors.toMap(w -> w.id, w -> w));
                for (String id : c.removeWorkers()) {
                    Worker w = byId.get(id);
                    if (w == null || !clusterId.equals(w.clusterId)) {
                        throw ApiException.workerNotFound(id);
                    }
                }
                for (String id : c.addWorkers()) {
                    if (!byId.containsKey(id)) {
                        throw ApiException.workerNotFound(id);
                    }
                }
                for (String id : c.addWorkers()) {
                    Worker w = byId.get(id);
                    if (!Worker.AVAILABLE.equals(w.status)) {
                        throw busy(id, w.status);
                    }
                }
                if (members - c.removeWorkers().size() + c.addWorkers().size() == 0) {
                    throw ApiException.conflict("a cluster keeps at least one worker");
                }
                long epoch = clock.current();
                c.removeWorkers().forEach(id -> byId.get(id).release());
                c.addWorkers().forEach(id -> byId.get(id).assignTo(clusterId, epoch));
                return workers.flush();
            }));
        });
    }

    /** One cluster, whole. One round trip. */
    public Uni<ClusterView> get(String clusterId) {
        return store.read(ClusterQueries.ONE, Tuple.of(clusterId), rows -> {
            if (rows.size() == 0) {
                throw ApiException.clusterNotFound(clusterId);
            }
            return ClusterQueries.view(rows.iterator().next());
        });
    }

    /** A page of clusters in id order, after the cursor's id. One round trip. */
    public Uni<Page<ClusterView>> list(String owner, Boolean publicGood, String status, String after, int limit) {
        return store.read(ClusterQueries.PAGE, Tuple.of(after == null ? "" : after, owner, publicGood, status, limit + 1),
                rows -> {
                    List<ClusterView> items = new ArrayList<>(rows.size());
                    rows.forEach(row -> items.add(ClusterQueries.view(row)));
                    return Page.of(items, limit, ClusterView::id);
                });
    }

    private String newId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
