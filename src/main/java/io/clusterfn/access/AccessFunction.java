package io.clusterfn.access;

import io.clusterfn.contract.ContractFunctions;
import io.clusterfn.contract.ContractService;
import io.clusterfn.http.Caller;
import io.clusterfn.http.Fields;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Store;
import io.quarkus.funqy.Funq;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code access}: would this deploy be allowed, every check with its reason, and what it costs. */
public class AccessFunction {
    private final ContractService contracts;
    private final Identity identity;
    private final Store store;

    public AccessFunction(ContractService contracts, Identity identity, Store store) {
        this.contracts = contracts;
        this.identity = identity;
        this.store = store;
    }

    /** A bean, not a record: Funqy binds GET parameters through setters. */
    public static class AccessInput {
        public String clusterId;
        public String account;
        public Long codeSize;
        public String codeHash;

        public void setClusterId(String clusterId) {
            this.clusterId = clusterId;
        }

        public void setAccount(String account) {
            this.account = account;
        }

        public void setCodeSize(Long codeSize) {
            this.codeSize = codeSize;
        }

        public void setCodeHash(String codeHash) {
            this.codeHash = codeHash;
        }
    }

    public record QuoteView(String fee, String deposit, String total) {
    }

    public record AccessAnswer(boolean allowed, List<AccessRules.Check> checks, QuoteView quote) {
    }

    @Funq
    public AccessAnswer access(AccessInput input) {
        AccessInput in = Fields.require("body", input);
        Optional<Caller> caller = identity.current();
        String account = in.account != null ? Fields.account("account", in.account)
                : caller.map(Caller::account).orElseGet(() -> Fields.account("account", null));
        // The caller's roles count only when it asks about itself.
        Set<String> roles = caller.filter(c -> c.account().equals(account)).map(Caller::roles).orElse(Set.of());
        ContractService.DeployRequest request = new ContractService.DeployRequest(
                Fields.hexId("clusterId", in.clusterId), account, roles,
                in.codeHash == null ? null : Fields.hexId("codeHash", in.codeHash),
                Fields.count("codeSize", in.codeSize, 1, ContractFunctions.MAX_CODE_SIZE), "");
        AccessRules.Decision decision = store.call(() -> contracts.evaluate(request));
        AccessRules.Quote quote = decision.quote();
        return new AccessAnswer(decision.allowed(), decision.checks(),
                new QuoteView(quote.fee().toString(), quote.deposit().toString(), quote.total().toString()));
    }
}
