package io.clusterfn.http;

import com.fasterxml.jackson.core.JsonParseException;
import io.netty.channel.ConnectTimeoutException;
import io.quarkus.funqy.runtime.ApplicationException;
import io.smallrye.mutiny.CompositeException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shapes in which store failures were seen to arrive, each wrapped as the function path wraps
 * it, classified by type and SQLSTATE only.
 */
class StoreFailuresTest {

    private static Throwable wrapped(Throwable cause) {
        return new ApplicationException(new CompletionException(cause));
    }

    private static PgException pg(String sqlState) {
        return new PgException("any text", "ERROR", sqlState, null);
    }

    @Test
    void aLostConnectionInAnyShapeIsUnavailable() {
        assertTrue(StoreFailures.isUnavailable(wrapped(new IOException("Broken pipe"))));
        assertTrue(StoreFailures.isUnavailable(wrapped(new ConnectException("Connection refused"))));
        assertTrue(StoreFailures.isUnavailable(wrapped(ClosedConnectionException.INSTANCE)));
        assertTrue(StoreFailures.isUnavailable(wrapped(new ConnectTimeoutException("connect timed out"))));
        assertTrue(StoreFailures.isUnavailable(wrapped(new StoreTimeoutException())));
        assertTrue(StoreFailures.isUnavailable(wrapped(new SQLException("any text", "08006"))));
    }

    @Test
    void theStoreGoingDownOrRefusingIsUnavailableBySqlState() {
        for (String state : new String[] {"57P01", "57P03", "53300", "08001", "3D000", "28P01", "57014"}) {
            assertTrue(StoreFailures.isUnavailable(wrapped(pg(state))), state);
        }
        assertFalse(StoreFailures.isUnavailable(wrapped(pg("23503"))), "a foreign key violation is a bug");
        assertFalse(StoreFailures.isUnavailable(wrapped(pg("22003"))), "a numeric overflow is a bug");
    }

    @Test
    void everyMemberOfACompositeIsLookedAt() {
        Throwable composite = new CompositeException(new IllegalStateException("first"), new ConnectException("refused"));
        assertTrue(StoreFailures.isUnavailable(wrapped(composite)));
        Throwable race = new CompositeException(new IllegalStateException("first"), pg("40P01"));
        assertTrue(StoreFailures.isRetryable(wrapped(race)));
    }

    @Test
    void racesAreRetryableAndOtherErrorsAreNot() {
        assertTrue(StoreFailures.isRetryable(wrapped(pg("40001"))));
        assertTrue(StoreFailures.isRetryable(wrapped(pg("40P01"))));
        assertTrue(StoreFailures.isRetryable(wrapped(pg("23505"))));
        assertFalse(StoreFailures.isRetryable(wrapped(pg("57P01"))));
        assertFalse(StoreFailures.isRetryable(wrapped(new IOException("Broken pipe"))));
    }

    @Test
    void jsonThatDoesNotReadIsNotTheStoresFailure() {
        assertFalse(StoreFailures.isUnavailable(wrapped(new JsonParseException(null, "Unexpected character"))));
        assertFalse(StoreFailures.isUnavailable(wrapped(new IllegalStateException("a bug"))));
    }

    @Test
    void aRefusalIsFoundBehindItsWrappers() {
        ApiException refusal = ApiException.conflict("already undeployed");
        assertSame(refusal, StoreFailures.apiException(wrapped(new CompositeException(new IOException("x"), refusal))));
    }
}
