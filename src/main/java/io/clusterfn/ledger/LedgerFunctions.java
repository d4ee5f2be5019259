package io.clusterfn.ledger;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Caller;
import io.clusterfn.http.ErrorCode;
import io.clusterfn.http.Fields;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Store;
import io.quarkus.funqy.Funq;

import java.math.BigInteger;

/** {@code credit} and {@code balance}. */
public class LedgerFunctions {
    private final LedgerService service;
    private final Identity identity;
    private final Store store;

    public LedgerFunctions(LedgerService service, Identity identity, Store store) {
        this.service = service;
        this.identity = identity;
        this.store = store;
    }

    public record CreditInput(String account, String amount, String transferId) {
    }

    public record CreditAnswer(String transferId, String account, String amount, String balance) {
    }

    @Funq
    public CreditAnswer credit(CreditInput input) {
        identity.withRole(Caller.ADMIN);
        CreditInput in = Fields.require("body", input);
        String account = Fields.account("account", in.account());
        BigInteger amount = Amounts.parse("amount", in.amount());
        if (amount.signum() == 0) {
            throw ApiException.invalidInput("amount", "must be positive");
        }
        String transferId = Fields.text("transferId", in.transferId(), 128);
        Credit credit = store.call(() -> service.credit(account, amount, transferId));
        return new CreditAnswer(credit.transferId, credit.account, Amounts.format(credit.amount),
                Amounts.format(credit.balanceAfter));
    }

    /** Query inputs are beans: Funqy binds GET parameters through setters. */
    public static class BalanceQuery {
        public String account;

        public void setAccount(String account) {
            this.account = account;
        }
    }

    public record BalanceAnswer(String account, String free, String staked, String deposits, String escrow) {
    }

    @Funq
    public BalanceAnswer balance(BalanceQuery query) {
        Caller caller = identity.authenticated();
        String account = query == null || query.account == null ? caller.account()
                : Fields.account("account", query.account);
        if (!account.equals(caller.account()) && !caller.hasRole(Caller.ADMIN)) {
            throw new ApiException(ErrorCode.ACCESS_DENIED, "only the account itself or an admin may read a balance");
        }
        LedgerService.AccountBalance b = store.call(() -> service.balance(account));
        return new BalanceAnswer(b.account(), Amounts.format(b.free()), Amounts.format(b.staked()),
                Amounts.format(b.deposits()), Amounts.format(b.escrow()));
    }
}
