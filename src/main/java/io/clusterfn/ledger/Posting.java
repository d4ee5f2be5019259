package io.clusterfn.ledger;

import io.clusterfn.http.ApiException;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The transfers one change makes, applied together by {@link Ledger#apply}. Each transfer moves
 * an amount between two accounts for a reason; the posting knows what every account gains or
 * loses in all, which accounts must be locked first, and whether the payers can pay.
 */
public final class Posting {
    /** One recorded movement of money. */
    public record Transfer(String from, String to, BigInteger amount, String reason, String reference, Long epoch) {
    }

    private final List<Transfer> transfers = new ArrayList<>();
    private final Map<String, BigInteger> net = new TreeMap<>();

    public Posting transfer(String from, String to, BigInteger amount, String reason, String reference) {
        return transfer(from, to, amount, reason, reference, null);
    }

    /** Adds a transfer; nothing moves for a zero amount or from an account to itself. */
    public Posting transfer(String from, String to, BigInteger amount, String reason, String reference, Long epoch) {
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("a transfer moves a positive amount");
        }
        if (amount.signum() == 0 || from.equals(to)) {
            return this;
        }
        transfers.add(new Transfer(from, to, amount, reason, reference, epoch));
        net.merge(from, amount.negate(), BigInteger::add);
        net.merge(to, amount, BigInteger::add);
        return this;
    }

    public boolean isEmpty() {
        return transfers.isEmpty();
    }

    public List<Transfer> transfers() {
        return Collections.unmodifiableList(transfers);
    }

    /** What each account gains (positive) or loses (negative) in all, in id order. */
    public Map<String, BigInteger> net() {
        return Collections.unmodifiableMap(net);
    }

    /**
     * The accounts a change locks before it decides, in id order: every account it touches but the
     * bridge and the stake pool, which are locked last, by the statement that applies the posting.
     */
    public Set<String> accountsToLock() {
        Set<String> accounts = new TreeSet<>(net.keySet());
        accounts.remove(Accounts.BRIDGE);
        accounts.remove(Accounts.STAKE_POOL);
        return accounts;
    }

    /** 402 when an account would end below zero (the bridge alone may); balances are the locked ones. */
    public void requireCovered(Map<String, BigInteger> balances) {
        net.forEach((account, change) -> {
            if (change.signum() < 0 && !Accounts.BRIDGE.equals(account) && !Accounts.STAKE_POOL.equals(account)) {
                BigInteger available = balances.getOrDefault(account, BigInteger.ZERO);
                if (available.add(change).signum() < 0) {
                    throw ApiException.insufficientBalance(change.negate(), available);
                }
            }
        });
    }
}
