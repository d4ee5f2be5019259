package io.clusterfn.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The product's own counters, beside the per-function request counts and latency histograms
 * that the HTTP server metrics give ({@code http_server_requests_seconds}, tagged by path).
 */
@ApplicationScoped
public class Metrics {
    private final MeterRegistry registry;
    private final Counter deploys;
    private final Counter stakeChanges;
    private final Counter epochsSettled;
    private final Counter roundTrips;
    private final Counter statements;

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
        this.deploys = Counter.builder("clusterfn.deploys").description("Contracts deployed").register(registry);
        this.stakeChanges = Counter.builder("clusterfn.stake.changes").description("Stakes set to a new amount")
                .register(registry);
        this.epochsSettled = Counter.builder("clusterfn.epochs.settled").description("Epochs settled").register(registry);
        this.roundTrips = Counter.builder("clusterfn.store.round.trips")
                .description("Round trips to the store by the reactive client (statements sent together count once)")
                .register(registry);
        this.statements = Counter.builder("clusterfn.store.statements")
                .description("Statements sent to the store by the reactive client, BEGIN and COMMIT included")
                .register(registry);
    }

    public void deployed() {
        deploys.increment();
    }

    public void refused(String function, ErrorCode code) {
        Counter.builder("clusterfn.refusals").description("Requests refused, by function and error code")
                .tag("function", function).tag("reason", code.name()).register(registry).increment();
    }

    public void stakeChanged() {
        stakeChanges.increment();
    }

    public void epochsSettled(int count) {
        epochsSettled.increment(count);
    }

    /** One round trip carrying that many statements. */
    void roundTrip(int statementCount) {
        roundTrips.increment();
        statements.increment(statementCount);
    }

    /**
     * Latency histograms for every function, so percentiles can be computed across instances; the
     * buckets are kept to the range a function answers in, which keeps the metrics page small.
     */
    @Produces
    @Singleton
    MeterFilter requestHistograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(io.micrometer.core.instrument.Meter.Id id,
                    DistributionStatisticConfig config) {
                if (id.getName().startsWith("http.server.requests")) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true)
                            .minimumExpectedValue(1e6).maximumExpectedValue(10e9).build().merge(config);
                }
                return config;
            }
        };
    }
}
