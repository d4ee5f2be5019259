package io.clusterfn.support;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reads the store directly to check the ledger invariant. */
public final class LedgerCheck {
    private LedgerCheck() {
    }

    /**
     * The sum of all balances is zero, no account but the bridge is negative, every balance is
     * what its recorded transfers add up to, and the stake pool holds exactly the stakes.
     */
    public static void assertInvariant() {
        assertInvariant(TestStore.jdbcUrl());
    }

    /** The same checks on the database at the given JDBC URL. */
    public static void assertInvariant(String jdbcUrl) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                Statement s = c.createStatement()) {
            assertEquals(0, scalar(s, "SELECT coalesce(sum(balance), 0) FROM ledger_account").signum(),
                    "the sum of all balances is zero");
            assertEquals(0, scalar(s, "SELECT count(*) FROM ledger_account WHERE kind <> 'BRIDGE' AND balance < 0").signum(),
                    "no account but the bridge is negative");
            assertEquals(0, scalar(s, """
                    SELECT count(*) FROM ledger_account a WHERE a.balance <>
                      coalesce((SELECT sum(amount) FROM ledger_transfer WHERE to_account = a.id), 0)
                    - coalesce((SELECT sum(amount) FROM ledger_transfer WHERE from_account = a.id), 0)
                    """).signum(), "every balance is the sum of its transfers");
            assertEquals(scalar(s, "SELECT balance FROM ledger_account WHERE id = 'sys/stake-pool'"),
                    scalar(s, "SELECT coalesce(sum(amount), 0) FROM stake"), "the stake pool holds exactly the stakes");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static BigDecimal scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            BigDecimal value = rs.getBigDecimal(1);
            return value == null ? BigDecimal.ZERO : value;
        }
    }

    public static BigDecimal scalar(String sql) {
        return scalar(TestStore.jdbcUrl(), sql);
    }

    public static BigDecimal scalar(String jdbcUrl, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                Statement s = c.createStatement()) {
            return scalar(s, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
