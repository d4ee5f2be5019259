package io.clusterfn.http;

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

    public Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void deployed() {
        registry.counter("clusterfn.deploys").increment();
    }

    public void refused(String function, ErrorCode code) {
        registry.counter("clusterfn.refusals", "function", function, "reason", code.name()).increment();
    }

    public void stakeChanged() {
        registry.counter("clusterfn.stake.changes").increment();
    }

    public void epochsSettled(int count) {
        registry.counter("clusterfn.epochs.settled").increment(count);
    }

    /** Latency histograms (buckets) for every function, so percentiles can be computed across instances. */
    @Produces
    @Singleton
    MeterFilter requestHistograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(io.micrometer.core.instrument.Meter.Id id,
                    DistributionStatisticConfig config) {
                if (id.getName().startsWith("http.server.requests")) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
                }
                return config;
            }
        };
    }
}
