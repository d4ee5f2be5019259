package io.clusterfn.http;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Migrates the schema when an instance starts ({@code quarkus.flyway.migrate-at-start} with a
 * JDBC URL), without making the start depend on the store: a first attempt runs before the
 * instance serves, and if the store cannot be reached the instance starts anyway, is not ready,
 * and tries again with a bounded exponential backoff until the migration succeeds.
 * <p>
 * Quarkus' own start-up migration, which fails the start when the store is away, runs only in
 * init-and-exit mode (the migration job), see application.properties.
 */
@Readiness
@ApplicationScoped
public class SchemaMigration implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(SchemaMigration.class);
    private static final Duration FIRST_DELAY = Duration.ofMillis(500);
    private static final Duration MAX_DELAY = Duration.ofSeconds(10);

    private final Instance<Flyway> flyway;
    private final Instance<DataSource> dataSource;
    private final boolean enabled;
    /** Why the schema is not migrated yet; null once it is, or when this instance does not migrate. */
    private volatile String waiting;
    private volatile Thread retrying;

    public SchemaMigration(Instance<Flyway> flyway, Instance<DataSource> dataSource,
            @ConfigProperty(name = "quarkus.flyway.migrate-at-start", defaultValue = "false") boolean migrateAtStart,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> jdbcUrl,
            @ConfigProperty(name = "quarkus.flyway.active", defaultValue = "true") boolean quarkusMigratesAtStart) {
        this.flyway = flyway;
        this.dataSource = dataSource;
        // Without a JDBC URL (the functions as deployed) there is nothing to migrate with; where
        // Quarkus' own start-up run is active (test, dev) it has migrated before this starts.
        this.enabled = migrateAtStart && jdbcUrl.filter(url -> !url.isBlank()).isPresent() && !quarkusMigratesAtStart;
        this.waiting = enabled ? "not attempted yet" : null;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled || attempt(1, FIRST_DELAY)) {
            return;
        }
        Thread thread = new Thread(this::retryUntilMigrated, "schema-migration");
        thread.setDaemon(true);
        retrying = thread;
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        Thread thread = retrying;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void retryUntilMigrated() {
        Duration delay = FIRST_DELAY;
        for (int attempt = 2; ; attempt++) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Duration next = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
            if (attempt(attempt, next)) {
                LOG.infof("schema migrated (attempt %d)", attempt);
                return;
            }
            delay = next;
        }
    }

    /** One migration; on failure, one line in the log (the store being away is expected, not a bug). */
    private boolean attempt(int attempt, Duration nextDelay) {
        // Flyway retries connecting on its own (quarkus.flyway.connect-retries, for the migration
        // job); one plain connection first keeps an attempt short while the store is away.
        try {
            try (Connection probe = dataSource.get().getConnection()) {
                LOG.debugf("store reachable: %s", probe.getMetaData().getURL());
            }
            flyway.get().migrate();
            waiting = null;
            return true;
        } catch (SQLException | RuntimeException e) {
            waiting = reason(e);
            LOG.warnf("schema not migrated yet (attempt %d), next attempt in %d ms: %s", attempt, nextDelay.toMillis(),
                    waiting);
            return false;
        }
    }

    private static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        return root.getClass().getSimpleName() + ": " + message;
    }

    @Override
    public HealthCheckResponse call() {
        String reason = waiting;
        return reason == null
                ? HealthCheckResponse.named("Schema migration").up().build()
                : HealthCheckResponse.named("Schema migration").down()
                        .withData("reason", "schema not migrated yet: " + reason).build();
    }
}
