package io.clusterfn.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A new, empty database on the shared test server, for tests that need a store of their own
 * (settlement state is global to a store).
 */
public class FreshDatabase implements QuarkusTestResourceLifecycleManager {
    private static String current;

    /** The JDBC URL of the database the running test class uses. */
    public static String jdbcUrl() {
        return TestStore.jdbcUrl(current);
    }

    @Override
    public Map<String, String> start() {
        current = "store_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(TestStore.jdbcUrl(), "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + current);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return TestStore.config(current);
    }

    @Override
    public void stop() {
        // Left for inspection; the server goes away with the test JVM.
    }
}
