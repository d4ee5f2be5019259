package io.clusterfn.stake;

import io.clusterfn.http.Amounts;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Caller;
import io.clusterfn.http.Fields;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Metrics;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.math.BigInteger;

/** {@code stake}: sets the caller's stake on a contract to an absolute amount; 0 withdraws. */
public class StakeFunction {
    private final StakeService service;
    private final Identity identity;
    private final Metrics metrics;
    private final BigInteger minStake;

    public StakeFunction(StakeService service, Identity identity, Metrics metrics,
            @ConfigProperty(name = "clusterfn.stake.min") String minStake) {
        this.service = service;
        this.identity = identity;
        this.metrics = metrics;
        this.minStake = Amounts.parse("clusterfn.stake.min", minStake);
    }

    public record StakeInput(String contractId, String amount) {
    }

    @Funq
    public Uni<StakeService.StakeAnswer> stake(StakeInput in) {
        Caller caller = identity.authenticated();
        String contractId = Fields.hexId("contractId", in.contractId());
        BigInteger amount = Amounts.parse("amount", in.amount());
        if (amount.signum() != 0 && amount.compareTo(minStake) < 0) {
            throw ApiException.invalidInput("amount", "must be 0 (withdraw) or at least the minimum stake " + minStake);
        }
        return service.set(contractId, caller.account(), amount).invoke(metrics::stakeChanged);
    }
}
