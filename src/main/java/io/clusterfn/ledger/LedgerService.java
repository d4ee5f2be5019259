package io.clusterfn.ledger;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.ErrorCode;
import io.clusterfn.http.Store;
import io.clusterfn.http.Tx;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Credits from the bridge and the balance view of an account. */
@ApplicationScoped
public class LedgerService {
    private static final String FIRST_CREDIT = "SELECT account, amount, balance_after FROM credit WHERE transfer_id = $1";
    /** Recorded after the money moved: the account exists then, and its balance is the answer repeats give. */
    private static final String RECORD_CREDIT = """
            INSERT INTO credit (transfer_id, account, amount, balance_after, created_at)
            VALUES ($1, $2::varchar, $3, (SELECT balance FROM ledger_account WHERE id = $2::varchar), now()) RETURNING balance_after
            """;
    // Amounts come back as the store writes them: digits, which is how the API shows amounts. A
    // deployed contract's deposit account holds exactly the deposit recorded on the contract (paid in
    // at deploy, paid out whole at undeploy), so the contracts alone give the sum. Whether the account
    // exists at all is asked only when it has no ledger account.
    private static final String BALANCE = """
            SELECT u.balance::text,
                   (SELECT coalesce(sum(amount), 0)::text FROM stake WHERE account = $1),
                   (SELECT coalesce(sum(deposit), 0)::text FROM contract WHERE deployer = $1 AND status = 'DEPLOYED'),
                   (SELECT coalesce(sum(a.balance), 0)::text FROM cluster c JOIN ledger_account a ON a.id = 'escrow/' || c.id
                     WHERE c.owner = $1),
                   u.balance IS NOT NULL
                     OR EXISTS (SELECT 1 FROM cluster WHERE owner = $1)
                     OR EXISTS (SELECT 1 FROM contract WHERE deployer = $1)
                     OR EXISTS (SELECT 1 FROM stake WHERE account = $1)
            FROM (SELECT (SELECT balance FROM ledger_account WHERE id = $1 AND kind = 'USER') AS balance) u
            """;

    private final Store store;

    public LedgerService(Store store) {
        this.store = store;
    }

    public record Credit(String transferId, String account, BigInteger amount, BigInteger balance) {
    }

    /**
     * Moves funds from the bridge to an account, once per transfer id. First round trip: the
     * account locked, the transfer id looked up. Second: the money moved, the credit recorded,
     * COMMIT. A concurrent copy of the same credit waits for the account lock and then finds the
     * first one recorded; where there was no account yet to lock, the second insert of the same
     * transfer id fails and the whole credit runs again, finding it.
     */
    public Uni<Credit> credit(String account, BigInteger amount, String transferId) {
        return store.transaction(tx -> tx.query(Ledger.lock(List.of(account)),
                        new Tx.Statement(FIRST_CREDIT, Tuple.of(transferId)))
                .chain(rows -> {
                    if (rows.get(1).size() > 0) {
                        return Uni.createFrom().item(repeated(rows.get(1), transferId, account, amount));
                    }
                    Posting posting = new Posting().transfer(Accounts.BRIDGE, account, amount, "credit", transferId);
                    return tx.commit(Ledger.apply(posting),
                                    new Tx.Statement(RECORD_CREDIT, Tuple.of(transferId, account, new BigDecimal(amount))))
                            .map(done -> new Credit(transferId, account, amount,
                                    Amounts.fromColumn(done.get(1).iterator().next().getBigDecimal(0))));
                }));
    }

    private static Credit repeated(RowSet<Row> first, String transferId, String account, BigInteger amount) {
        Row row = first.iterator().next();
        if (!row.getString(0).equals(account) || !Amounts.fromColumn(row.getBigDecimal(1)).equals(amount)) {
            throw new ApiException(ErrorCode.CONFLICT, "transfer " + transferId + " was already used with another account or amount",
                    Map.of("transferId", transferId));
        }
        return new Credit(transferId, account, amount, Amounts.fromColumn(row.getBigDecimal(2)));
    }

    /** What an account holds: free, staked, in deposits, and in the escrow of its clusters. One round trip. */
    public Uni<AccountBalance> balance(String account) {
        return store.read(BALANCE, Tuple.of(account), rows -> {
            Row row = rows.iterator().next();
            if (!row.getBoolean(4)) {
                throw new ApiException(ErrorCode.ACCOUNT_NOT_FOUND, "no account " + account, Map.of("account", account));
            }
            String free = row.getString(0);
            return new AccountBalance(account, free == null ? "0" : free, row.getString(1), row.getString(2), row.getString(3));
        });
    }

    /** Amounts in the API's form: decimal digits. */
    public record AccountBalance(String account, String free, String staked, String deposits, String escrow) {
    }
}
