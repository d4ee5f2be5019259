package io.clusterfn.http;

import io.clusterfn.support.FunctionTest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transaction with a long bound of its own (settlement) is cut off at the usual timeout once the
 * store keeps one of its statements waiting that long, and not before: many statements that each
 * get their answer in time may together take longer than the usual timeout.
 */
@QuarkusTest
class StoreSilenceTest extends FunctionTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Inject
    Store store;

    @ConfigProperty(name = "clusterfn.store.timeout")
    Duration timeout;

    @Test
    void aStatementLeftUnansweredEndsALongTransactionAtTheUsualTimeout() {
        long started = System.nanoTime();
        ApiException failure = assertThrows(ApiException.class, () -> store.transaction(BOUND,
                        tx -> tx.query("SELECT 1", Tuple.tuple())
                                .chain(() -> tx.query("SELECT pg_sleep($1)", Tuple.of(timeout.toSeconds() * 5.0))))
                .await().atMost(BOUND));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(ErrorCode.STORE_UNAVAILABLE, failure.code);
        assertTrue(took.compareTo(timeout) >= 0, "cut off after " + took + ", before the timeout");
        assertTrue(took.compareTo(timeout.plusSeconds(1)) <= 0, "cut off after " + took + ", not within the timeout");
    }

    @Test
    void statementsAnsweredInTimeMayTakeLongerThanTheUsualTimeoutTogether() {
        double each = timeout.toMillis() / 3000.0;
        long started = System.nanoTime();
        Integer answer = store.transaction(BOUND, tx -> tx.query("SELECT pg_sleep($1)", Tuple.of(each))
                        .chain(() -> tx.query("SELECT pg_sleep($1)", Tuple.of(each)))
                        .chain(() -> tx.query("SELECT pg_sleep($1)", Tuple.of(each)))
                        .chain(() -> tx.query("SELECT pg_sleep($1)", Tuple.of(each)))
                        .chain(() -> tx.query("SELECT 42", Tuple.tuple()))
                        .map(rows -> rows.iterator().next().getInteger(0)))
                .await().atMost(BOUND);
        assertEquals(42, answer);
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(timeout) > 0);
    }
}
