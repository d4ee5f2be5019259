package io.clusterfn.epoch;

import io.clusterfn.support.FreshDatabase;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/** One-second epochs on a store of their own, so that epochs pass while a test runs. */
public class ShortEpochs implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("clusterfn.epoch.length", "PT1S", "clusterfn.epoch.offline-after", "3",
                "clusterfn.epoch.max-per-call", "3");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FreshDatabase.class));
    }
}
