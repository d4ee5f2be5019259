package io.clusterfn.http;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * One transaction on one connection, in as few round trips as the work allows. The client
 * pipelines the commands of a connection, so BEGIN goes out with the first statement and
 * COMMIT with the last: a lock-decide-write transaction costs two round trips. Made by
 * {@link Store#transaction}, which rolls back whatever the work leaves open.
 */
public final class Tx {
    private final SqlConnection connection;
    private final Store.Deadline deadline;
    private final Metrics metrics;
    /** How long this transaction has been waiting for the store. */
    private final Store.Silence silence;
    private boolean open;

    Tx(SqlConnection connection, Store.Deadline deadline, Metrics metrics, Store.Silence silence) {
        this.connection = connection;
        this.deadline = deadline;
        this.metrics = metrics;
        this.silence = silence;
    }

    /** A prepared statement and its parameters. */
    public record Statement(String sql, Tuple params) {
    }

    /** Runs one statement in the transaction, beginning it if needed. */
    public Uni<RowSet<Row>> query(String sql, Tuple params) {
        return query(new Statement(sql, params)).map(rows -> rows.get(0));
    }

    /** Runs statements in the transaction in one round trip, beginning it if needed; answers their rows in order. */
    public Uni<List<RowSet<Row>>> query(Statement... statements) {
        return Uni.createFrom().completionStage(() -> send(statements, false).toCompletionStage());
    }

    /** Runs the transaction's last statements and commits, all in one round trip. */
    public Uni<List<RowSet<Row>>> commit(Statement... statements) {
        return Uni.createFrom().completionStage(() -> send(statements, true).toCompletionStage());
    }

    private Future<List<RowSet<Row>>> send(Statement[] statements, boolean commit) {
        if (deadline.passed()) {
            // Answered already (503): work left behind in the pool's queue must not run late.
            return Future.failedFuture(new StoreTimeoutException());
        }
        silence.waiting();
        List<Future<?>> sent = new ArrayList<>(statements.length + 2);
        if (!open) {
            sent.add(connection.query("BEGIN").execute());
            open = true;
        }
        List<Future<RowSet<Row>>> results = new ArrayList<>(statements.length);
        for (Statement statement : statements) {
            Future<RowSet<Row>> result = connection.preparedQuery(statement.sql()).execute(statement.params());
            results.add(result);
            sent.add(result);
        }
        if (commit) {
            // After a failed statement PostgreSQL answers this COMMIT with a rollback.
            sent.add(connection.query("COMMIT").execute());
            open = false;
        }
        metrics.roundTrip(sent.size());
        return Future.join(new ArrayList<>(sent)).transform(done -> {
            silence.answered();
            // The first failure in the order sent is the cause; what follows it only failed because of it.
            for (Future<?> f : sent) {
                if (f.failed()) {
                    return Future.failedFuture(f.cause());
                }
            }
            return Future.succeededFuture(results.stream().map(Future::result).toList());
        });
    }

    /** Ends a transaction the work left open (a refusal, a failure) without changing anything. */
    Future<Void> rollbackIfOpen() {
        if (!open) {
            return Future.succeededFuture();
        }
        open = false;
        return connection.query("ROLLBACK").execute().<Void>mapEmpty().otherwiseEmpty();
    }
}
