package io.clusterfn.stake;

import io.clusterfn.contract.Contract;
import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Store;
import io.clusterfn.http.Tx;
import io.clusterfn.ledger.Accounts;
import io.clusterfn.ledger.Ledger;
import io.clusterfn.ledger.Posting;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Setting an account's stake on a contract: only the difference moves, to or from the stake pool. */
@ApplicationScoped
public class StakeService {
    /** Shared: stakes of many accounts on one contract go ahead together, while an undeploy waits. */
    private static final String CONTRACT = "SELECT status, cluster_id FROM contract WHERE id = $1 FOR SHARE";
    /** Read after the staker's account is locked, so one account's changes apply one after another. */
    private static final String CURRENT = "SELECT amount FROM stake WHERE contract_id = $1 AND account = $2";
    private static final String SET = """
            INSERT INTO stake (contract_id, account, amount) VALUES ($1, $2, $3)
            ON CONFLICT (contract_id, account) DO UPDATE SET amount = EXCLUDED.amount
            """;
    private static final String WITHDRAW = "DELETE FROM stake WHERE contract_id = $1 AND account = $2";
    /** The contract's total and, for its share, the totals of its cluster's deployed contracts. */
    private static final String TOTALS = """
            SELECT (SELECT coalesce(sum(amount), 0) FROM stake WHERE contract_id = $1),
                   (SELECT array_agg(t.total) FROM (
                        SELECT coalesce(sum(s.amount), 0) AS total FROM contract o LEFT JOIN stake s ON s.contract_id = o.id
                        WHERE o.cluster_id = $2 AND o.status = 'DEPLOYED' GROUP BY o.id) t)
            """;

    private final Store store;

    public StakeService(Store store) {
        this.store = store;
    }

    public record StakeAnswer(String contractId, String account, String stake, String contractStake, long weight,
            double share) {
    }

    /** Sets the stake. First round trip: the contract, the staker's account, the current stake. Second: the change, COMMIT. */
    public Uni<StakeAnswer> set(String contractId, String account, BigInteger amount) {
        return store.transaction(tx -> tx.query(new Tx.Statement(CONTRACT, Tuple.of(contractId)),
                        Ledger.lock(List.of(account)),
                        new Tx.Statement(CURRENT, Tuple.of(contractId, account)))
                .chain(rows -> {
                    if (rows.get(0).size() == 0) {
                        throw ApiException.contractNotFound(contractId);
                    }
                    Row contract = rows.get(0).iterator().next();
                    boolean deployed = Contract.DEPLOYED.equals(contract.getString(0));
                    String clusterId = contract.getString(1);
                    BigInteger current = rows.get(2).size() == 0 ? BigInteger.ZERO
                            : Amounts.fromColumn(rows.get(2).iterator().next().getBigDecimal(0));
                    int change = amount.compareTo(current);
                    if (change > 0 && !deployed) {
                        throw ApiException.conflict("contract " + contractId + " is undeployed: its stakes can only be lowered");
                    }
                    Posting posting = change > 0
                            ? new Posting().transfer(account, Accounts.STAKE_POOL, amount.subtract(current), "stake", contractId)
                            : new Posting().transfer(Accounts.STAKE_POOL, account, current.subtract(amount), "unstake", contractId);
                    posting.requireCovered(Ledger.balances(rows.get(1)));
                    List<Tx.Statement> last = new ArrayList<>(3);
                    if (change != 0) {
                        last.add(amount.signum() == 0 ? new Tx.Statement(WITHDRAW, Tuple.of(contractId, account))
                                : new Tx.Statement(SET, Tuple.of(contractId, account, new BigDecimal(amount))));
                        last.add(Ledger.apply(posting));
                    }
                    last.add(new Tx.Statement(TOTALS, Tuple.of(contractId, clusterId)));
                    return tx.commit(last.toArray(Tx.Statement[]::new)).map(done -> {
                        Row totals = done.get(done.size() - 1).iterator().next();
                        BigInteger total = Amounts.fromColumn(totals.getBigDecimal(0));
                        long weight = Weights.weight(total);
                        double share = deployed ? Weights.share(weight, Weights.sum(totals.getValue(1))) : 0.0;
                        return new StakeAnswer(contractId, account, amount.toString(), total.toString(), weight, share);
                    });
                }));
    }
}
