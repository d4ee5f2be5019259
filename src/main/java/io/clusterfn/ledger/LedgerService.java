package io.clusterfn.ledger;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.ErrorCode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** Credits from the bridge and the balance view of an account. */
@ApplicationScoped
public class LedgerService {
    private static final String BALANCE = """
            SELECT (SELECT balance FROM ledger_account WHERE id = :account AND kind = 'USER'),
                   (SELECT coalesce(sum(amount), 0) FROM stake WHERE account = :account),
                   (SELECT coalesce(sum(a.balance), 0) FROM contract c JOIN ledger_account a ON a.id = 'deposit/' || c.id
                     WHERE c.deployer = :account AND c.status = 'DEPLOYED'),
                   (SELECT coalesce(sum(a.balance), 0) FROM cluster c JOIN ledger_account a ON a.id = 'escrow/' || c.id
                     WHERE c.owner = :account),
                   EXISTS (SELECT 1 FROM cluster WHERE owner = :account)
                     OR EXISTS (SELECT 1 FROM contract WHERE deployer = :account)
                     OR EXISTS (SELECT 1 FROM stake WHERE account = :account)
            """;

    private final Ledger ledger;
    private final CreditRepository credits;

    public LedgerService(Ledger ledger, CreditRepository credits) {
        this.ledger = ledger;
        this.credits = credits;
    }

    /** Moves funds from the bridge to an account, once per transfer id. */
    @WithTransaction
    public Uni<Credit> credit(String account, BigInteger amount, String transferId) {
        return credits.findById(transferId).chain(previous -> {
            if (previous != null) {
                if (!previous.account.equals(account) || !previous.amount.equals(amount)) {
                    throw new ApiException(ErrorCode.CONFLICT,
                            "transfer " + transferId + " was already used with another account or amount",
                            Map.of("transferId", transferId));
                }
                return Uni.createFrom().item(previous);
            }
            return ledger.transfer(Accounts.BRIDGE, account, amount, "credit", transferId).chain(moved -> {
                Credit credit = new Credit();
                credit.transferId = transferId;
                credit.account = account;
                credit.amount = amount;
                credit.balanceAfter = moved.targetBalance();
                credit.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                return credits.persist(credit);
            });
        });
    }

    /** What an account holds: free, staked, in deposits, and in the escrow of its clusters. */
    @WithSession
    public Uni<AccountBalance> balance(String account) {
        return Panache.getSession().chain(session -> session.createNativeQuery(BALANCE, Object[].class)
                .setParameter("account", account)
                .getSingleResult())
                .map(row -> {
                    if (row[0] == null && !Boolean.TRUE.equals(row[4])) {
                        throw new ApiException(ErrorCode.ACCOUNT_NOT_FOUND, "no account " + account,
                                Map.of("account", account));
                    }
                    return new AccountBalance(account, Amounts.fromColumn(row[0]), Amounts.fromColumn(row[1]), Amounts.fromColumn(row[2]), Amounts.fromColumn(row[3]));
                });
    }

    public record AccountBalance(String account, BigInteger free, BigInteger staked, BigInteger deposits,
            BigInteger escrow) {
    }
}
