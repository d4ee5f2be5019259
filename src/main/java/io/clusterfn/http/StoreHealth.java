package io.clusterfn.http;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Ready while the store answers a query within the store's time bound: DOWN at once when it
 * refuses connections, and within that bound when it hangs (frozen, partitioned) instead.
 */
@Readiness
@ApplicationScoped
public class StoreHealth implements AsyncHealthCheck {
    private final Pool pool;
    private final Duration timeout;

    public StoreHealth(Pool pool, @ConfigProperty(name = "clusterfn.store.timeout") Duration timeout) {
        this.pool = pool;
        this.timeout = timeout;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(() -> pool.query("SELECT 1").execute().toCompletionStage())
                .ifNoItem().after(timeout).failWith(StoreTimeoutException::new)
                .map(rows -> HealthCheckResponse.up("store"))
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("store").down()
                        .withData("reason", failure.getClass().getSimpleName()).build());
    }
}
