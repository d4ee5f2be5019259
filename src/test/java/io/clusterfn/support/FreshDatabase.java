package io.clusterfn.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A new, empty database on the shared test server, for tests whose state is global to a store
 * (such as epoch settlement). Its configuration replaces {@link TestStore}'s: it starts after it.
 */
public class FreshDatabase implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        String name = "epochs_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(TestStore.jdbcUrl(), "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return TestStore.config(name);
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public void stop() {
        // The database goes with the server at the end of the test JVM.
    }
}
