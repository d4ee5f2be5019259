package io.clusterfn.http;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Every call of a function into the store goes through here. A call is bounded in time (a frozen
 * or partitioned store answers 503 within {@code clusterfn.store.timeout}), a transaction that
 * lost a race (deadlock, serialization failure, a concurrent insert of the same key) runs again
 * from the start, and a store that cannot serve becomes {@code 503 STORE_UNAVAILABLE}. Refusals
 * ({@link ApiException}) pass through unchanged; anything else is a bug.
 *
 * <p>Hot paths use the reactive client directly: a read is one prepared statement, a change one
 * {@link Tx}. Changes of whole entities off the deployers' path (configuring a cluster, a worker's
 * registration and heartbeat) go through Hibernate Reactive Panache ({@link #call(Supplier)}).
 */
@ApplicationScoped
public class Store {
    private static final Logger LOG = Logger.getLogger(Store.class);
    private static final int RETRIES = 8;

    private final Pool pool;
    private final Vertx vertx;
    private final Metrics metrics;
    private final Duration timeout;
    private final AtomicLong lastWarning = new AtomicLong();

    public Store(Pool pool, Vertx vertx, Metrics metrics, @ConfigProperty(name = "clusterfn.store.timeout") Duration timeout) {
        this.pool = pool;
        this.vertx = vertx;
        this.metrics = metrics;
        this.timeout = timeout;
    }

    /**
     * One statement on its own: one round trip. A read on its own never loses a race, so it is not
     * retried; it is built straight on the client's future, the hot paths' cheapest way.
     */
    public <T> Uni<T> read(String sql, Tuple params, Function<RowSet<Row>, T> answer) {
        return answeredBy(timeout, null, (answered, failed) -> {
            metrics.roundTrip(1);
            pool.preparedQuery(sql).execute(params).onComplete(rows -> {
                if (rows.failed()) {
                    failed.accept(rows.cause());
                    return;
                }
                T item;
                try {
                    item = answer.apply(rows.result());
                } catch (RuntimeException e) {
                    failed.accept(e);
                    return;
                }
                answered.accept(item);
            });
        });
    }

    /** A transaction on one connection; whatever the work leaves open is rolled back. */
    public <T> Uni<T> transaction(Function<Tx, Uni<T>> work) {
        return transaction(timeout, work);
    }

    /**
     * A transaction with its own time bound (settlement, which moves money for every cluster). A
     * store that keeps it waiting for an answer longer than the usual timeout is still a 503 at
     * that timeout: the longer bound is for many statements that each get their answer in time.
     */
    public <T> Uni<T> transaction(Duration bound, Function<Tx, Uni<T>> work) {
        Silence silence = new Silence();
        return call(bound, silence, deadline -> Uni.createFrom().completionStage(() -> {
            silence.waiting();
            return pool.withConnection(connection -> {
                if (deadline.passed()) {
                    return Future.<T>failedFuture(new StoreTimeoutException());
                }
                Tx tx = new Tx(connection, deadline, metrics, silence);
                Future<T> result = Future.fromCompletionStage(work.apply(tx).subscribeAsCompletionStage());
                return result.transform(done -> tx.rollbackIfOpen()).transform(ignored -> result);
            }).toCompletionStage();
        }));
    }

    /** Work of a Hibernate Reactive Panache service (its {@code @WithTransaction} opens the session). */
    public <T> Uni<T> call(Supplier<Uni<T>> work) {
        return call(timeout, null, deadline -> work.get());
    }

    /** {@code silence}, when given, tells how long the store has kept the work waiting: see {@link #answeredBy}. */
    private <T> Uni<T> call(Duration bound, Silence silence, Function<Deadline, Uni<T>> attempt) {
        Deadline deadline = new Deadline(System.nanoTime() + bound.toNanos());
        Context context = Vertx.currentContext();
        Uni<T> once = Uni.createFrom().deferred(() -> attempt.apply(deadline));
        if (context != null) {
            // Retries are resubscribed from a timer thread; Hibernate Reactive needs the request's context.
            once = once.runSubscriptionOn(task -> {
                if (Vertx.currentContext() == context) {
                    task.run();
                } else {
                    context.runOnContext(ignored -> task.run());
                }
            });
        }
        Uni<T> retried = once
                .onFailure(failure -> StoreFailures.isRetryable(failure) && !deadline.passed()).retry()
                .withBackOff(Duration.ofMillis(2), Duration.ofMillis(100)).withJitter(0.5).atMost(RETRIES);
        return answeredBy(bound, silence, (answered, failed) -> retried.subscribe().with(answered, failed));
    }

    /**
     * The work's outcome, or a timeout once the bound has passed, whichever comes first; failures
     * as {@link #translate} says. The work itself is not cancelled: a transaction cut off in the
     * middle would leave its session in an undefined state, while one left to finish commits or
     * rolls back by itself (and work still waiting for a connection gives up at once, see
     * {@link Deadline}). Work with a bound longer than the usual timeout also times out once the
     * store has kept it waiting for an answer that long ({@code silence}).
     */
    private <T> Uni<T> answeredBy(Duration bound, Silence silence, BiConsumer<Consumer<T>, Consumer<Throwable>> work) {
        return Uni.createFrom().emitter(answer -> {
            AtomicBoolean done = new AtomicBoolean();
            Runnable timedOut = () -> {
                if (done.compareAndSet(false, true)) {
                    answer.fail(translate(new StoreTimeoutException()));
                }
            };
            Runnable last = schedule(timedOut, bound.toNanos());
            AtomicReference<Runnable> watch = new AtomicReference<>();
            if (silence != null && bound.compareTo(timeout) > 0) {
                watchSilence(silence, timedOut, done, watch, timeout.toNanos());
            }
            Runnable cancel = () -> {
                last.run();
                Runnable watching = watch.get();
                if (watching != null) {
                    watching.run();
                }
            };
            work.accept(item -> {
                if (done.compareAndSet(false, true)) {
                    cancel.run();
                    answer.complete(item);
                }
            }, failure -> {
                if (done.compareAndSet(false, true)) {
                    cancel.run();
                    answer.fail(translate(failure));
                }
            });
        });
    }

    /** Looks again when the store could first have been silent for the usual timeout. */
    private void watchSilence(Silence silence, Runnable timedOut, AtomicBoolean done,
            AtomicReference<Runnable> watch, long afterNanos) {
        watch.set(schedule(() -> {
            long silent = silence.nanos();
            if (silent >= timeout.toNanos()) {
                timedOut.run();
            } else if (!done.get()) {
                watchSilence(silence, timedOut, done, watch, timeout.toNanos() - silent);
            }
        }, afterNanos));
    }

    /**
     * Runs the task after the delay on a Vert.x timer (the event loop's own timer queue: no lock,
     * no other thread to wake); answers what cancels it.
     */
    private Runnable schedule(Runnable task, long afterNanos) {
        long timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(afterNanos)), id -> task.run());
        return () -> vertx.cancelTimer(timer);
    }

    /** Refusals pass through; a store that cannot serve (or a race lost every time) is 503; the rest is a bug. */
    private Throwable translate(Throwable failure) {
        ApiException refusal = StoreFailures.apiException(failure);
        if (refusal != null) {
            return refusal;
        }
        if (StoreFailures.isUnavailable(failure) || StoreFailures.isRetryable(failure)) {
            long now = System.nanoTime();
            long last = lastWarning.get();
            // One line a second at most: an outage must not flood the log.
            if (now - last > 1_000_000_000L && lastWarning.compareAndSet(last, now)) {
                LOG.warnf("store unavailable: %s", failure);
            }
            return ApiException.storeUnavailable();
        }
        return failure;
    }

    /**
     * How long a transaction has been waiting for the store: since it asked for a connection, then
     * since each round trip went out, and not at all while it works between round trips.
     */
    static final class Silence {
        private static final long ANSWERED = Long.MIN_VALUE;
        private volatile long since = System.nanoTime();

        void waiting() {
            since = System.nanoTime();
        }

        void answered() {
            since = ANSWERED;
        }

        long nanos() {
            long from = since;
            return from == ANSWERED ? 0 : System.nanoTime() - from;
        }
    }

    /** When a call's time is up; work still queued for a connection then gives up at once. */
    public record Deadline(long nanos) {
        public boolean passed() {
            return System.nanoTime() - nanos > 0;
        }
    }
}
