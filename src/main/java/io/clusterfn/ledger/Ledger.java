package io.clusterfn.ledger;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.Tx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way a change moves money: a {@link Posting} applied in the transaction of the change it
 * pays for, so the sum of all balances stays zero, and every movement is recorded with its reason.
 * Rent is the one exception: epoch settlement moves it for all clusters at once in one set-based
 * statement ({@code EpochService}), under the same rules (recorded, escrow to operators).
 *
 * <p>Locks are always taken in one order, so transfers never deadlock: a change first locks its
 * own rows (cluster, worker, contract, stake), then with {@link #lock} the accounts it touches in
 * id order, then decides; the bridge and the stake pool, which every credit or stake touches, are
 * locked last and only for the instant between {@link #apply} and COMMIT, which travel together.
 */
public final class Ledger {
    private static final String LOCK = "SELECT id, balance FROM ledger_account WHERE id = ANY($1) ORDER BY id FOR UPDATE";

    /**
     * Debits (existing, already locked accounts), credits (creating an account on first use), then
     * the two system accounts, which the sub-selects make wait for the others; and the records.
     */
    private static final String APPLY = """
            WITH change AS (SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[]) AS c(id, kind, amount)),
            debited AS (
                UPDATE ledger_account a SET balance = a.balance + c.amount FROM change c
                WHERE a.id = c.id AND c.amount < 0 AND c.kind NOT IN ('BRIDGE', 'STAKE_POOL')
                RETURNING a.id, a.balance),
            credited AS (
                INSERT INTO ledger_account (id, kind, balance)
                SELECT id, kind, amount FROM change WHERE amount > 0 AND kind NOT IN ('BRIDGE', 'STAKE_POOL') ORDER BY id
                ON CONFLICT (id) DO UPDATE SET balance = ledger_account.balance + EXCLUDED.balance
                RETURNING id, balance),
            system AS (
                UPDATE ledger_account a SET balance = a.balance + c.amount FROM change c
                WHERE a.id = c.id AND c.kind IN ('BRIDGE', 'STAKE_POOL')
                  AND (SELECT count(*) FROM debited) + (SELECT count(*) FROM credited) >= 0
                RETURNING a.id, a.balance),
            recorded AS (
                INSERT INTO ledger_transfer (from_account, to_account, amount, reason, reference, epoch)
                SELECT * FROM unnest($4::text[], $5::text[], $6::numeric[], $7::text[], $8::text[], $9::bigint[]))
            SELECT id, balance FROM debited UNION ALL SELECT id, balance FROM credited UNION ALL SELECT id, balance FROM system
            """;

    private Ledger() {
    }

    /** Locks the accounts in id order and reads their balances (an account never used is absent). */
    public static Tx.Statement lock(Collection<String> accounts) {
        return new Tx.Statement(LOCK, Tuple.of(accounts.toArray(String[]::new)));
    }

    /** The balances a {@link #lock} or {@link #apply} answered, by account. */
    public static Map<String, BigInteger> balances(RowSet<Row> rows) {
        Map<String, BigInteger> balances = new HashMap<>();
        for (Row row : rows) {
            balances.put(row.getString(0), Amounts.fromColumn(row.getBigDecimal(1)));
        }
        return balances;
    }

    /** Applies a posting: to be sent in the change's last round trip, before COMMIT. */
    public static Tx.Statement apply(Posting posting) {
        Map<String, BigInteger> net = posting.net();
        String[] ids = new String[net.size()];
        String[] kinds = new String[net.size()];
        BigDecimal[] amounts = new BigDecimal[net.size()];
        int i = 0;
        for (Map.Entry<String, BigInteger> change : net.entrySet()) {
            ids[i] = change.getKey();
            kinds[i] = Accounts.kindOf(change.getKey());
            amounts[i++] = new BigDecimal(change.getValue());
        }
        List<Posting.Transfer> transfers = posting.transfers();
        int n = transfers.size();
        String[] from = new String[n];
        String[] to = new String[n];
        BigDecimal[] amount = new BigDecimal[n];
        String[] reason = new String[n];
        String[] reference = new String[n];
        Long[] epoch = new Long[n];
        for (int t = 0; t < n; t++) {
            Posting.Transfer transfer = transfers.get(t);
            from[t] = transfer.from();
            to[t] = transfer.to();
            amount[t] = new BigDecimal(transfer.amount());
            reason[t] = transfer.reason();
            reference[t] = transfer.reference();
            epoch[t] = transfer.epoch();
        }
        return new Tx.Statement(APPLY, Tuple.from(List.of(ids, kinds, amounts, from, to, amount, reason, reference, epoch)));
    }
}
