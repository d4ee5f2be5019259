package io.clusterfn.ledger;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one way money moves: a transfer between two ledger accounts, recorded with its reason,
 * inside the caller's transaction. Every balance changes only here, so the sum of all balances
 * stays zero; the debit is conditional, so no account but the bridge goes below zero.
 */
@ApplicationScoped
public class Ledger {
    /** Debit, credit (creating the target account on first use) and record, in one round trip. */
    private static final String TRANSFER = """
            WITH debit AS (
                UPDATE ledger_account SET balance = balance - CAST(:amount AS numeric)
                WHERE id = :source AND (kind = 'BRIDGE' OR balance >= CAST(:amount AS numeric))
                RETURNING balance),
            credit AS (
                INSERT INTO ledger_account (id, kind, balance)
                SELECT :target, :targetKind, CAST(:amount AS numeric) FROM debit
                ON CONFLICT (id) DO UPDATE SET balance = ledger_account.balance + EXCLUDED.balance
                RETURNING balance),
            recorded AS (
                INSERT INTO ledger_transfer (from_account, to_account, amount, reason, reference, epoch)
                SELECT :source, :target, CAST(:amount AS numeric), :reason, CAST(:reference AS text), CAST(:epoch AS bigint)
                FROM debit
                RETURNING id)
            SELECT (SELECT balance FROM debit), (SELECT balance FROM credit), (SELECT count(*) FROM recorded)
            """;

    /** Moves {@code amount} from one account to another; 402 if the source cannot pay it. */
    public Uni<Transfer> transfer(String source, String target, BigInteger amount, String reason, String reference) {
        return transfer(source, target, amount, reason, reference, null);
    }

    public Uni<Transfer> transfer(String source, String target, BigInteger amount, String reason, String reference,
            Long epoch) {
        if (source.equals(target)) {
            // Paying oneself moves nothing, but still needs the funds (a row cannot change twice in one statement).
            return balanceOf(source).map(balance -> {
                if (balance.compareTo(amount) < 0) {
                    throw ApiException.insufficientBalance(amount, balance);
                }
                return new Transfer(balance);
            });
        }
        if (amount.signum() == 0) {
            // Nothing moves, and no caller needs balances for a zero amount: no round trip.
            return Uni.createFrom().item(new Transfer(null));
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(TRANSFER, Object[].class)
                .setParameter("source", source)
                .setParameter("target", target)
                .setParameter("targetKind", Accounts.kindOf(target))
                .setParameter("amount", new BigDecimal(amount))
                .setParameter("reason", reason)
                .setParameter("reference", reference)
                .setParameter("epoch", epoch)
                .getSingleResult())
                .chain(row -> {
                    if (row[0] == null) {
                        return balanceOf(source).map(available -> {
                            throw ApiException.insufficientBalance(amount, available);
                        });
                    }
                    return Uni.createFrom().item(new Transfer(Amounts.fromColumn(row[1])));
                });
    }

    /** The balance of an account; zero for one that was never used. */
    public Uni<BigInteger> balanceOf(String account) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT balance FROM ledger_account WHERE id = :id", BigDecimal.class)
                .setParameter("id", account)
                .getSingleResultOrNull())
                .map(balance -> balance == null ? BigInteger.ZERO : balance.toBigIntegerExact());
    }

    /** The balances of several accounts in one query; accounts never used are absent. */
    public Uni<Map<String, BigInteger>> balancesOf(Collection<String> accounts) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT id, balance FROM ledger_account WHERE id IN (:ids)", Object[].class)
                .setParameter("ids", accounts)
                .getResultList())
                .map(rows -> rows.stream().collect(Collectors.toMap(
                        row -> (String) row[0], row -> Amounts.fromColumn(row[1]))));
    }

    /** The target's balance after a transfer (null for a zero amount, which moves nothing). */
    public record Transfer(BigInteger targetBalance) {
    }
}
