package io.clusterfn;

/** A store the service can start on its own machine when none is configured. */
public interface LocalStore {
    /**
     * Starts the store unless a datasource URL is configured, and points the service at it by
     * system properties (read by Quarkus when it starts right after).
     */
    void startIfUnconfigured();
}
