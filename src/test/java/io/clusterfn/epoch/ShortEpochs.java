package io.clusterfn.epoch;

import io.clusterfn.support.FreshDatabase;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Epochs of two seconds, so that time moves during a test, over a database of their own, so that
 * settlement (global to a store) sees only what these tests made. At most three epochs per call,
 * so a larger gap takes several calls.
 */
public class ShortEpochs implements QuarkusTestProfile {
    public static final Duration LENGTH = Duration.ofSeconds(2);
    public static final Instant GENESIS = Instant.parse("2026-01-01T00:00:00Z");
    public static final int OFFLINE_AFTER = 3;
    public static final int MAX_PER_CALL = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "clusterfn.epoch.length", LENGTH.toString(),
                "clusterfn.epoch.genesis", GENESIS.toString(),
                "clusterfn.epoch.offline-after", Integer.toString(OFFLINE_AFTER),
                "clusterfn.epoch.max-per-call", Integer.toString(MAX_PER_CALL));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FreshDatabase.class));
    }

    /** The epoch an instant falls in. */
    public static long epochOf(Instant instant) {
        return Math.floorDiv(Duration.between(GENESIS, instant).toMillis(), LENGTH.toMillis());
    }

    /** An instant in the middle of the epoch. */
    public static Instant middleOf(long epoch) {
        return GENESIS.plus(LENGTH.multipliedBy(epoch)).plus(LENGTH.dividedBy(2));
    }
}
