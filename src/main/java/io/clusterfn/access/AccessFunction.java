package io.clusterfn.access;

import io.clusterfn.contract.ContractFunctions;
import io.clusterfn.contract.ContractService;
import io.clusterfn.http.Caller;
import io.clusterfn.http.Fields;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Read;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code access}: would this deploy be allowed, every check with its reason, and what it costs. */
public class AccessFunction {
    private final ContractService contracts;
    private final Identity identity;

    public AccessFunction(ContractService contracts, Identity identity) {
        this.contracts = contracts;
        this.identity = identity;
    }

    public record AccessInput(String clusterId, String account, Long codeSize, String codeHash) {
    }

    public record QuoteView(String fee, String deposit, String total) {
    }

    public record AccessAnswer(boolean allowed, List<AccessRules.Check> checks, QuoteView quote) {
    }

    @Funq
    @Read
    public Uni<AccessAnswer> access(AccessInput in) {
        Optional<Caller> caller = identity.current();
        String account = in.account() != null ? Fields.account("account", in.account())
                : caller.map(Caller::account).orElseGet(() -> Fields.account("account", null));
        // The caller's roles count only when it asks about itself.
        Set<String> roles = caller.filter(c -> c.account().equals(account)).map(Caller::roles).orElse(Set.of());
        ContractService.DeployRequest request = new ContractService.DeployRequest(
                Fields.hexId("clusterId", in.clusterId()), account, roles,
                in.codeHash() == null ? null : Fields.hexId("codeHash", in.codeHash()),
                Fields.count("codeSize", in.codeSize(), 1, ContractFunctions.MAX_CODE_SIZE), "");
        return contracts.evaluate(request).map(decision -> {
            AccessRules.Quote quote = decision.quote();
            return new AccessAnswer(decision.allowed(), decision.checks(),
                    new QuoteView(quote.fee().toString(), quote.deposit().toString(), quote.total().toString()));
        });
    }
}
