package io.clusterfn.stake;

import io.clusterfn.contract.ContractRepository;
import io.clusterfn.http.ApiException;
import io.clusterfn.ledger.Accounts;
import io.clusterfn.ledger.Ledger;
import io.clusterfn.http.Amounts;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Setting an account's stake on a contract: only the difference moves, to or from the stake pool. */
@ApplicationScoped
public class StakeService {
    private final ContractRepository contracts;
    private final Ledger ledger;
    private final StakeQueries queries;

    public StakeService(ContractRepository contracts, Ledger ledger, StakeQueries queries) {
        this.contracts = contracts;
        this.ledger = ledger;
        this.queries = queries;
    }

    public record StakeAnswer(String contractId, String account, String stake, String contractStake, long weight,
            double share) {
    }

    @WithTransaction
    public Uni<StakeAnswer> set(String contractId, String account, BigInteger amount) {
        // The contract row is locked so that a raise cannot slip past a concurrent undeploy.
        return contracts.lock(contractId).chain(contract -> current(contractId, account).chain(current -> {
            int change = amount.compareTo(current);
            if (change > 0 && !contract.isDeployed()) {
                throw ApiException.conflict("contract " + contractId + " is undeployed: its stakes can only be lowered");
            }
            Uni<Ledger.Transfer> moved = change > 0
                    ? ledger.transfer(account, Accounts.STAKE_POOL, amount.subtract(current), "stake", contractId)
                    : ledger.transfer(Accounts.STAKE_POOL, account, current.subtract(amount), "unstake", contractId);
            return moved.chain(() -> change == 0 ? Uni.createFrom().voidItem() : record(contractId, account, amount))
                    .chain(() -> queries.ofContract(contractId))
                    .chain(total -> queries.ofCluster(contract.clusterId).map(cluster -> {
                        double share = cluster.contracts().stream().filter(c -> c.contractId().equals(contractId))
                                .mapToDouble(ClusterStake.ContractShare::share).findFirst().orElse(0.0);
                        return new StakeAnswer(contractId, account, amount.toString(), total.toString(),
                                Weights.weight(total), share);
                    }));
        }));
    }

    /** The account's stake on the contract, row-locked so concurrent changes apply one after another. */
    private Uni<BigInteger> current(String contractId, String account) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT amount FROM stake WHERE contract_id = :contract AND account = :account FOR UPDATE",
                        Object.class)
                .setParameter("contract", contractId)
                .setParameter("account", account)
                .getSingleResultOrNull())
                .map(Amounts::fromColumn);
    }

    private Uni<Void> record(String contractId, String account, BigInteger amount) {
        String sql = amount.signum() == 0
                ? "DELETE FROM stake WHERE contract_id = :contract AND account = :account"
                : """
                  INSERT INTO stake (contract_id, account, amount) VALUES (:contract, :account, CAST(:amount AS numeric))
                  ON CONFLICT (contract_id, account) DO UPDATE SET amount = EXCLUDED.amount
                  """;
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql)
                    .setParameter("contract", contractId)
                    .setParameter("account", account);
            if (amount.signum() != 0) {
                query.setParameter("amount", new BigDecimal(amount));
            }
            return query.executeUpdate();
        }).replaceWithVoid();
    }
}
