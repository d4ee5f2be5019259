package io.clusterfn.ledger;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Caller;
import io.clusterfn.http.ErrorCode;
import io.clusterfn.http.Fields;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Read;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import java.math.BigInteger;
import java.util.Map;

/** {@code credit} and {@code balance}. */
public class LedgerFunctions {
    private final LedgerService service;
    private final Identity identity;

    public LedgerFunctions(LedgerService service, Identity identity) {
        this.service = service;
        this.identity = identity;
    }

    public record CreditInput(String account, String amount, String transferId) {
    }

    public record CreditAnswer(String transferId, String account, String amount, String balance) {
    }

    @Funq
    public Uni<CreditAnswer> credit(CreditInput in) {
        identity.withRole(Caller.ADMIN);
        String account = Fields.account("account", in.account());
        BigInteger amount = Amounts.parse("amount", in.amount());
        if (amount.signum() == 0) {
            throw ApiException.invalidInput("amount", "must be positive");
        }
        String transferId = Fields.text("transferId", in.transferId(), 128);
        return service.credit(account, amount, transferId).map(credit -> new CreditAnswer(credit.transferId(),
                credit.account(), Amounts.format(credit.amount()), Amounts.format(credit.balance())));
    }

    public record BalanceQuery(String account) {
    }

    @Funq
    @Read
    public Uni<LedgerService.AccountBalance> balance(BalanceQuery query) {
        Caller caller = identity.authenticated();
        String account = query.account() == null ? caller.account() : Fields.account("account", query.account());
        if (!account.equals(caller.account()) && !caller.hasRole(Caller.ADMIN)) {
            throw new ApiException(ErrorCode.ACCESS_DENIED, "only the account itself or an admin may read a balance",
                    Map.of("rule", "account"));
        }
        return service.balance(account);
    }
}
