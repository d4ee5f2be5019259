package io.clusterfn.http;

import com.fasterxml.jackson.core.JacksonException;
import io.netty.channel.ConnectTimeoutException;
import io.smallrye.mutiny.CompositeException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a failed store call means, decided by exception type and SQLSTATE over every cause
 * (Mutiny's CompositeException included), never by message text.
 */
public final class StoreFailures {
    /** A race another attempt can win: serialization failure, deadlock, a concurrent insert of the same key. */
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01", "23505");

    private StoreFailures() {
    }

    public static boolean isRetryable(Throwable failure) {
        return any(failure, t -> {
            String state = sqlState(t);
            return state != null && RETRYABLE.contains(state);
        });
    }

    /** The store cannot serve right now: unreachable, going down, out of resources, or too slow. */
    public static boolean isUnavailable(Throwable failure) {
        return any(failure, t -> t instanceof StoreTimeoutException
                // the connection to the store: refused, reset, unreachable, closed, a broken pipe
                // (JSON is not I/O here, though Jackson's exceptions are IOExceptions)
                || t instanceof IOException && !(t instanceof JacksonException)
                || t instanceof ConnectTimeoutException
                || t instanceof ClosedConnectionException
                // The SQL client fails commands on a connection that is no longer usable this way.
                || t instanceof NoStackTraceThrowable
                || unavailableState(sqlState(t)));
    }

    /**
     * Connection exceptions (08), shutdown or startup (57P01..57P03), a cancelled statement (57014),
     * insufficient resources (53), system errors (58), a missing database or schema (3D000, 42P01:
     * the schema is being migrated), refused credentials (28): none is the client's mistake, and
     * all pass when the store is back.
     */
    private static boolean unavailableState(String state) {
        if (state == null) {
            return false;
        }
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("58") || state.startsWith("28")
                || state.startsWith("57P") || state.equals("57014") || state.equals("3D000") || state.equals("42P01");
    }

    static String sqlState(Throwable t) {
        if (t instanceof PgException pg) {
            return pg.getSqlState();
        }
        if (t instanceof SQLException sql) {
            return sql.getSQLState();
        }
        return null;
    }

    /** Whether any throwable in the failure's causes (and composite members) matches. */
    static boolean any(Throwable failure, Predicate<Throwable> test) {
        Deque<Throwable> pending = new ArrayDeque<>();
        Set<Throwable> seen = new HashSet<>();
        if (failure != null) {
            pending.push(failure);
        }
        while (!pending.isEmpty()) {
            Throwable t = pending.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (test.test(t)) {
                return true;
            }
            if (t instanceof CompositeException composite) {
                composite.getCauses().forEach(pending::push);
            }
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                pending.push(sql.getNextException());
            }
            for (Throwable suppressed : t.getSuppressed()) {
                pending.push(suppressed);
            }
            if (t.getCause() != null) {
                pending.push(t.getCause());
            }
        }
        return false;
    }

    /** The first ApiException among the causes, or null. */
    public static ApiException apiException(Throwable failure) {
        ApiException[] found = new ApiException[1];
        any(failure, t -> {
            if (t instanceof ApiException api) {
                found[0] = api;
                return true;
            }
            return false;
        });
        return found[0];
    }
}
