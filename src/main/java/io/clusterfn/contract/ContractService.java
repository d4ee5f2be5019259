package io.clusterfn.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.clusterfn.access.AccessRules;
import io.clusterfn.access.Permission;
import io.clusterfn.access.Pricing;
import io.clusterfn.access.Quota;
import io.clusterfn.cluster.Cluster;
import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Caller;
import io.clusterfn.http.ErrorCode;
import io.clusterfn.http.Page;
import io.clusterfn.http.Store;
import io.clusterfn.http.StoredJson;
import io.clusterfn.http.Times;
import io.clusterfn.http.Tx;
import io.clusterfn.ledger.Accounts;
import io.clusterfn.ledger.Ledger;
import io.clusterfn.ledger.Posting;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deploying and undeploying contracts. {@link #evaluate} and {@link #deploy} share one decision
 * ({@link AccessRules#decide}) over the same facts; deploy reads them under the cluster's row
 * lock and commits the charges and the contract in the same transaction, so quotas hold under
 * any concurrency. Deploys into different clusters share no lock.
 */
@ApplicationScoped
public class ContractService {
    /** What the decision needs, in one statement: the cluster's rules and use, the deployer's count and balance. */
    private static final String FACTS = """
            SELECT c.owner, c.status, c.permission::text, c.quota::text, c.pricing::text, c.treasury, c.contracts_deployed,
                   (SELECT count(*) FROM contract WHERE cluster_id = c.id AND deployer = $2 AND status = 'DEPLOYED'),
                   (SELECT balance FROM ledger_account WHERE id = $2 AND kind = 'USER')%s
            FROM cluster c WHERE c.id = $1
            """;
    private static final String ACCESS_FACTS = FACTS.formatted("");
    /** A deploy also needs to know whether its contract's id is taken; access does not check that. */
    private static final String DEPLOY_FACTS = FACTS.formatted(",\n       EXISTS (SELECT 1 FROM contract WHERE id = $3)");
    /**
     * A deploy first locks the cluster row; the same facts are then read by the next statement,
     * whose snapshot is taken once the lock is held (a sub-select of the locking statement would
     * still see the snapshot from before the wait, and miss the deploys it waited for).
     */
    private static final String LOCK_CLUSTER = "SELECT id FROM cluster WHERE id = $1 FOR UPDATE";
    /** The deployer and the treasury (read from the cluster row locked just before), in id order. */
    private static final String LOCK_DEPLOY_ACCOUNTS = """
            SELECT id, balance FROM ledger_account WHERE id IN ($1, (SELECT treasury FROM cluster WHERE id = $2))
            ORDER BY id FOR UPDATE
            """;
    private static final String INSERT = """
            INSERT INTO contract (id, cluster_id, deployer, status, code_hash, code_size, salt, fee_paid, deposit, deployed_at)
            VALUES ($1, $2, $3, 'DEPLOYED', $4, $5, $6, $7, $8, $9)
            """;
    private static final String COUNT_DEPLOYED = "UPDATE cluster SET contracts_deployed = contracts_deployed + $2 WHERE id = $1";

    /** Undeploy locks the contract's cluster first, then the contract: the order every change takes. */
    private static final String LOCK_CLUSTER_OF = """
            SELECT owner FROM cluster WHERE id = (SELECT cluster_id FROM contract WHERE id = $1) FOR UPDATE
            """;
    private static final String LOCK_CONTRACT = "SELECT id FROM contract WHERE id = $1 FOR UPDATE";
    private static final String CONTRACT = "SELECT " + ContractQueries.COLUMNS + " FROM contract c WHERE c.id = $1";
    private static final String LOCK_UNDEPLOY_ACCOUNTS = """
            SELECT id, balance FROM ledger_account WHERE id IN ('deposit/' || $1::varchar, (SELECT deployer FROM contract WHERE id = $1::varchar))
            ORDER BY id FOR UPDATE
            """;
    private static final String MARK_UNDEPLOYED = """
            UPDATE contract SET status = 'UNDEPLOYED', undeployed_at = $2 WHERE id = $1 RETURNING undeployed_at
            """;

    private final Store store;
    private final StoredJson json;

    public ContractService(Store store, StoredJson json) {
        this.store = store;
        this.json = json;
    }

    /** A deploy as asked; {@code codeHash} may be null for an access evaluation. */
    public record DeployRequest(String clusterId, String account, Set<String> roles, String codeHash, long codeSize,
            String salt) {
        String contractId() {
            return ContractId.of(clusterId, account, codeHash, salt);
        }
    }

    /** The dry run of a deploy: every check, and the price. One round trip. */
    public Uni<AccessRules.Decision> evaluate(DeployRequest request) {
        return store.read(ACCESS_FACTS, Tuple.of(request.clusterId(), request.account()), rows -> {
            Facts facts = facts(rows, request.clusterId());
            return decide(facts, request, facts.balance());
        });
    }

    /**
     * First round trip: BEGIN, the cluster locked with the facts, the deployer's and treasury's
     * accounts locked. Then the decision. Second round trip: the contract, the cluster's count,
     * the fee and the deposit, COMMIT.
     */
    public Uni<ContractView> deploy(DeployRequest request) {
        String contractId = request.contractId();
        return store.transaction(tx -> tx.query(new Tx.Statement(LOCK_CLUSTER, Tuple.of(request.clusterId())),
                        new Tx.Statement(DEPLOY_FACTS, Tuple.of(request.clusterId(), request.account(), contractId)),
                        new Tx.Statement(LOCK_DEPLOY_ACCOUNTS, Tuple.of(request.account(), request.clusterId())))
                .chain(rows -> {
                    Facts facts = facts(rows.get(1), request.clusterId());
                    if (facts.duplicate()) {
                        throw new ApiException(ErrorCode.DUPLICATE_CONTRACT,
                                "contract " + contractId + " exists in the cluster: this deployer, code and salt were deployed there before"
                                        + " (undeployed contracts keep their id)",
                                Map.of("contractId", contractId));
                    }
                    Map<String, BigInteger> balances = Ledger.balances(rows.get(2));
                    AccessRules.Decision decision = decide(facts, request,
                            balances.getOrDefault(request.account(), BigInteger.ZERO));
                    if (!decision.allowed()) {
                        throw decision.refusal();
                    }
                    BigInteger fee = decision.quote().fee();
                    BigInteger deposit = decision.quote().deposit();
                    Posting posting = new Posting()
                            .transfer(request.account(), facts.treasury(), fee, "deploy-fee", contractId)
                            .transfer(request.account(), Accounts.deposit(contractId), deposit, "deposit", contractId);
                    posting.requireCovered(balances);
                    OffsetDateTime now = Times.now();
                    return tx.commit(
                                    new Tx.Statement(INSERT, Tuple.from(List.of(contractId, request.clusterId(), request.account(),
                                            request.codeHash(), request.codeSize(), request.salt(), new BigDecimal(fee),
                                            new BigDecimal(deposit), now))),
                                    new Tx.Statement(COUNT_DEPLOYED, Tuple.of(request.clusterId(), 1)),
                                    Ledger.apply(posting))
                            .map(done -> new ContractView(contractId, request.clusterId(), request.account(), Contract.DEPLOYED,
                                    request.codeHash(), request.codeSize(), request.salt(), fee.toString(), deposit.toString(),
                                    "0", 0, 0.0, now, null));
                }));
    }

    /** Undeploys: the deposit goes back to the deployer and the quota slot is free again. */
    public Uni<ContractView> undeploy(String contractId, Caller caller) {
        return store.transaction(tx -> tx.query(new Tx.Statement(LOCK_CLUSTER_OF, Tuple.of(contractId)),
                        new Tx.Statement(LOCK_CONTRACT, Tuple.of(contractId)),
                        new Tx.Statement(CONTRACT, Tuple.of(contractId)),
                        new Tx.Statement(LOCK_UNDEPLOY_ACCOUNTS, Tuple.of(contractId)))
                .chain(rows -> {
                    if (rows.get(2).size() == 0) {
                        throw ApiException.contractNotFound(contractId);
                    }
                    String owner = rows.get(0).iterator().next().getString(0);
                    ContractQueries.Found contract = ContractQueries.contract(rows.get(2).iterator().next());
                    if (!caller.account().equals(contract.deployer()) && !caller.account().equals(owner)) {
                        throw ApiException.notOwner("deployer or the cluster's owner");
                    }
                    if (!Contract.DEPLOYED.equals(contract.status())) {
                        throw ApiException.conflict("contract " + contractId + " is already undeployed");
                    }
                    String deposit = Accounts.deposit(contractId);
                    BigInteger held = Ledger.balances(rows.get(3)).getOrDefault(deposit, BigInteger.ZERO);
                    Posting refund = new Posting().transfer(deposit, contract.deployer(), held, "deposit-refund", contractId);
                    OffsetDateTime now = Times.now();
                    return tx.commit(new Tx.Statement(MARK_UNDEPLOYED, Tuple.of(contractId, now)),
                                    new Tx.Statement(COUNT_DEPLOYED, Tuple.of(contract.clusterId(), -1)),
                                    Ledger.apply(refund))
                            .map(done -> contract.undeployed(now).undeployedView());
                }));
    }

    /** A contract, also once undeployed. One round trip. */
    public Uni<ContractView> get(String contractId) {
        return store.read(ContractQueries.ONE, Tuple.of(contractId), rows -> {
            if (rows.size() == 0) {
                throw ApiException.contractNotFound(contractId);
            }
            return ContractQueries.view(rows.iterator().next());
        });
    }

    /** A page of contracts in id order, after the cursor's id. One round trip. */
    public Uni<Page<ContractView>> list(String cluster, String deployer, String status, String after, int limit) {
        return store.read(ContractQueries.PAGE, Tuple.of(after == null ? "" : after, cluster, deployer, status, limit + 1), rows -> {
            List<ContractView> items = new ArrayList<>(rows.size());
            for (Row row : rows) {
                items.add(ContractQueries.view(row));
            }
            return Page.of(items, limit, ContractView::id);
        });
    }

    /** The cluster's side of the decision, as one row of {@link #FACTS} (duplicate only for a deploy). */
    private record Facts(String clusterId, String owner, boolean active, Permission permission, Quota quota,
            Pricing pricing, String treasury, long deployedTotal, long deployedByAccount, BigInteger balance,
            boolean duplicate) {
    }

    private Facts facts(RowSet<Row> rows, String clusterId) {
        if (rows.size() == 0) {
            throw ApiException.clusterNotFound(clusterId);
        }
        Row row = rows.iterator().next();
        try {
            return new Facts(clusterId, row.getString(0), Cluster.ACTIVE.equals(row.getString(1)),
                    json.read(row.getString(2), Permission.class), json.read(row.getString(3), Quota.class),
                    json.read(row.getString(4), Pricing.class), row.getString(5), row.getInteger(6),
                    row.getLong(7), Amounts.fromColumn(row.getBigDecimal(8)), row.size() > 9 && row.getBoolean(9));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cluster " + clusterId + " holds settings that do not read", e);
        }
    }

    private static AccessRules.Decision decide(Facts f, DeployRequest r, BigInteger balance) {
        return AccessRules.decide(new AccessRules.Request(f.clusterId(), f.owner(), f.active(), f.permission(), f.quota(),
                f.pricing(), r.account(), r.roles(), r.codeHash(), r.codeSize(), f.deployedTotal(), f.deployedByAccount(),
                balance));
    }
}
