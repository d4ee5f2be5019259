package io.clusterfn.epoch;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Cuts time into epochs: epoch N covers [genesis + N·length, genesis + (N+1)·length). */
@ApplicationScoped
public class EpochClock {
    private final Duration length;
    private final Instant genesis;
    private final Clock clock = Clock.systemUTC();

    public EpochClock(@ConfigProperty(name = "clusterfn.epoch.length") Duration length,
            @ConfigProperty(name = "clusterfn.epoch.genesis") Instant genesis) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("clusterfn.epoch.length must be positive");
        }
        this.length = length;
        this.genesis = genesis;
    }

    public long current() {
        return epochOf(clock.instant());
    }

    public long epochOf(Instant instant) {
        return Math.floorDiv(Duration.between(genesis, instant).toMillis(), length.toMillis());
    }

    public Instant genesis() {
        return genesis;
    }

    public Duration length() {
        return length;
    }
}
