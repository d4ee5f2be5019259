package io.clusterfn.http;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs a unit of store work for a function. Funqy calls functions on worker threads, while
 * Hibernate Reactive must run on a Vert.x context: the work is subscribed on one and awaited.
 * Transactions that lost a race (deadlock, serialization failure, a concurrent insert of the
 * same key) are run again from the start; a store that cannot be reached is 503.
 */
@ApplicationScoped
public class Store {
    private static final Logger LOG = Logger.getLogger(Store.class);
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01", "23505");
    private static final int ATTEMPTS = 5;

    public <T> T call(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Uni.createFrom().<T>deferred(() -> work.get())
                    .onFailure(Store::isRetryable).retry()
                    .withBackOff(Duration.ofMillis(5), Duration.ofMillis(200)).atMost(ATTEMPTS - 1));
        } catch (ApiException e) {
            throw e;
        } catch (Throwable e) {
            throw translate(e);
        }
    }

    static boolean isRetryable(Throwable failure) {
        String state = sqlState(failure);
        return state != null && RETRYABLE.contains(state);
    }

    /** Our own refusals pass through; a store that went away becomes 503; anything else stays a bug. */
    static RuntimeException translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
        }
        if (isUnavailable(failure)) {
            LOG.warnf("store unavailable: %s", failure.toString());
            return new ApiException(ErrorCode.STORE_UNAVAILABLE, "the store is unavailable, try again shortly");
        }
        return failure instanceof RuntimeException re ? re : new IllegalStateException(failure);
    }

    static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof ClosedConnectionException) {
                return true;
            }
            String state = t instanceof PgException pg ? pg.getSqlState() : null;
            if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"))) {
                return true;
            }
            String message = String.valueOf(t.getMessage());
            if (message.contains("Connection refused") || message.contains("Connection reset")
                    || message.contains("Timeout") || message.contains("closed")) {
                return true;
            }
        }
        return false;
    }

    static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg) {
                return pg.getSqlState();
            }
        }
        return null;
    }
}
