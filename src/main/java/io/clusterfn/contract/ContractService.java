package io.clusterfn.contract;

import io.clusterfn.access.AccessRules;
import io.clusterfn.cluster.Cluster;
import io.clusterfn.cluster.ClusterRepository;
import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Caller;
import io.clusterfn.http.ErrorCode;
import io.clusterfn.ledger.Accounts;
import io.clusterfn.ledger.Ledger;
import io.clusterfn.stake.ClusterStake;
import io.clusterfn.stake.StakeQueries;
import io.clusterfn.stake.Weights;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Deploying and undeploying contracts. {@link #evaluate} and {@link #deploy} share one decision
 * path ({@link AccessRules#decide}); deploy runs it under the cluster's row lock and commits the
 * charges and the contract in the same transaction, so quotas hold under any concurrency.
 */
@ApplicationScoped
public class ContractService {
    /** What the decision needs besides the cluster, in one round trip. */
    private static final String USAGE = """
            SELECT (SELECT count(*) FROM contract WHERE cluster_id = :cluster AND deployer = :account AND status = 'DEPLOYED'),
                   (SELECT balance FROM ledger_account WHERE id = :account AND kind = 'USER'),
                   EXISTS (SELECT 1 FROM contract WHERE id = :contract)
            """;

    private final ClusterRepository clusters;
    private final ContractRepository contracts;
    private final Ledger ledger;
    private final StakeQueries stakes;

    public ContractService(ClusterRepository clusters, ContractRepository contracts, Ledger ledger,
            StakeQueries stakes) {
        this.clusters = clusters;
        this.contracts = contracts;
        this.ledger = ledger;
        this.stakes = stakes;
    }

    /** A deploy as asked; {@code codeHash} may be null for an access evaluation. */
    public record DeployRequest(String clusterId, String account, java.util.Set<String> roles, String codeHash,
            long codeSize, String salt) {
        String contractId() {
            return codeHash == null ? "" : ContractId.of(clusterId, account, codeHash, salt);
        }
    }

    /** The dry run of a deploy: every check, and the price. */
    @WithSession
    public Uni<AccessRules.Decision> evaluate(DeployRequest request) {
        return clusters.get(request.clusterId()).chain(cluster -> decide(cluster, request))
                .map(Evaluation::decision);
    }

    @WithTransaction
    public Uni<ContractView> deploy(DeployRequest request) {
        return clusters.lock(request.clusterId()).chain(cluster -> decide(cluster, request).chain(evaluation -> {
            if (evaluation.duplicate()) {
                throw new ApiException(ErrorCode.DUPLICATE_CONTRACT, "this contract is already deployed in the cluster",
                        Map.of("contractId", request.contractId()));
            }
            AccessRules.Decision decision = evaluation.decision();
            if (!decision.allowed()) {
                throw decision.refusal();
            }
            Contract contract = new Contract();
            contract.id = request.contractId();
            contract.clusterId = cluster.id;
            contract.deployer = request.account();
            contract.status = Contract.DEPLOYED;
            contract.codeHash = request.codeHash();
            contract.codeSize = request.codeSize();
            contract.salt = request.salt();
            contract.feePaid = decision.quote().fee();
            contract.deposit = decision.quote().deposit();
            contract.deployedAt = OffsetDateTime.now(ZoneOffset.UTC);
            cluster.contractsDeployed++;
            return ledger.transfer(request.account(), cluster.treasury, contract.feePaid, "deploy-fee", contract.id)
                    .chain(() -> ledger.transfer(request.account(), Accounts.deposit(contract.id), contract.deposit,
                            "deposit", contract.id))
                    .chain(() -> contracts.persist(contract))
                    .map(saved -> view(saved, contract.deposit, BigInteger.ZERO, 0.0));
        }));
    }

    /** Undeploys: the deposit goes back to the deployer and the quota slot is free again. */
    @WithTransaction
    public Uni<ContractView> undeploy(String contractId, Caller caller) {
        return contracts.get(contractId)
                .chain(found -> clusters.lock(found.clusterId))
                .chain(cluster -> contracts.lock(contractId).chain(contract -> {
                    if (!caller.account().equals(contract.deployer) && !caller.account().equals(cluster.owner)) {
                        throw ApiException.notOwner("deployer or the cluster's owner");
                    }
                    if (!contract.isDeployed()) {
                        throw ApiException.conflict("contract " + contractId + " is already undeployed");
                    }
                    contract.status = Contract.UNDEPLOYED;
                    contract.undeployedAt = OffsetDateTime.now(ZoneOffset.UTC);
                    cluster.contractsDeployed--;
                    String deposit = Accounts.deposit(contractId);
                    return ledger.balanceOf(deposit)
                            .chain(held -> ledger.transfer(deposit, contract.deployer, held, "deposit-refund", contractId))
                            .chain(() -> stakes.ofContract(contractId))
                            .map(stake -> view(contract, BigInteger.ZERO, stake, 0.0));
                }));
    }

    @WithSession
    public Uni<ContractView> get(String contractId) {
        return contracts.get(contractId).chain(contract -> ledger.balanceOf(Accounts.deposit(contractId))
                .chain(deposit -> stakes.ofCluster(contract.clusterId).chain(clusterStake -> stakes
                        .ofContract(contractId)
                        .map(stake -> view(contract, deposit, stake, shareOf(clusterStake, contract))))));
    }

    private Uni<Evaluation> decide(Cluster cluster, DeployRequest r) {
        return Panache.getSession().chain(session -> session.createNativeQuery(USAGE, Object[].class)
                .setParameter("cluster", cluster.id)
                .setParameter("account", r.account())
                .setParameter("contract", r.contractId())
                .getSingleResult())
                .map(row -> {
                    long deployedByAccount = ((Number) row[0]).longValue();
                    BigInteger balance = Amounts.fromColumn(row[1]);
                    AccessRules.Decision decision = AccessRules.decide(new AccessRules.Request(cluster.id, cluster.owner,
                            cluster.isActive(), cluster.permission, cluster.quota, cluster.pricing, r.account(), r.roles(),
                            r.codeHash(), r.codeSize(), cluster.contractsDeployed, deployedByAccount, balance));
                    return new Evaluation(decision, Boolean.TRUE.equals(row[2]));
                });
    }

    private record Evaluation(AccessRules.Decision decision, boolean duplicate) {
    }

    private static double shareOf(ClusterStake clusterStake, Contract contract) {
        if (!contract.isDeployed()) {
            return 0.0;
        }
        return clusterStake.contracts().stream().filter(c -> c.contractId().equals(contract.id))
                .mapToDouble(ClusterStake.ContractShare::share).findFirst().orElse(0.0);
    }

    static ContractView view(Contract c, BigInteger deposit, BigInteger stake, double share) {
        return new ContractView(c.id, c.clusterId, c.deployer, c.status, c.codeHash, c.codeSize, c.salt,
                c.feePaid.toString(), deposit.toString(), stake.toString(), Weights.weight(stake), share, c.deployedAt,
                c.undeployedAt);
    }
}
