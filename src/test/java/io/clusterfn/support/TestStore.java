package io.clusterfn.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real PostgreSQL for the tests (the same server the embedded default runs), started once per
 * test JVM, and the test identity provider's key and issuer. Works for {@code @QuarkusTest} and,
 * passed as configuration to the packaged artifact, for {@code @QuarkusIntegrationTest}.
 */
public class TestStore implements QuarkusTestResourceLifecycleManager {
    private static EmbeddedPostgres postgres;

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return postgres;
    }

    public static String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + postgres().getPort() + "/" + database;
    }

    @Override
    public Map<String, String> start() {
        return config("postgres");
    }

    /** The service's configuration for one database of the shared server. */
    public static Map<String, String> config(String database) {
        int port = postgres().getPort();
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/" + database,
                "quarkus.datasource.jdbc.url", jdbcUrl(database),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres",
                "mp.jwt.verify.publickey.location", resource("test-publicKey.pem"),
                "mp.jwt.verify.issuer", Tokens.ISSUER,
                "clusterfn.embedded.enabled", "false");
    }

    @Override
    public void stop() {
        // The server lives as long as the test JVM: every test class shares it.
    }

    static String resource(String name) {
        try {
            return Path.of(TestStore.class.getClassLoader().getResource(name).toURI()).toUri().toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
