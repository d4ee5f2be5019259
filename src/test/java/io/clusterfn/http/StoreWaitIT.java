package io.clusterfn.http;

import io.clusterfn.support.LedgerCheck;
import io.clusterfn.support.ServiceProcess;
import io.clusterfn.support.Tokens;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An instance started while its store is away does not exit: it is live and not ready, its
 * functions answer 503 STORE_UNAVAILABLE, it keeps trying to migrate the schema, and once the
 * store is there it migrates, turns ready and serves.
 */
class StoreWaitIT {
    private static final String CREDIT = "{\"account\":\"alice\",\"amount\":\"1000000000000\",\"transferId\":\"wait-1\"}";

    @Test
    void anInstanceStartedWhileTheStoreIsAwayWaitsForItThenMigratesAndServes() throws Exception {
        int storePort = ServiceProcess.freePort(); // nothing listens there yet
        String jdbcUrl = "jdbc:postgresql://localhost:" + storePort + "/postgres";
        String admin = Tokens.of("root", "admin");
        try (ServiceProcess service = ServiceProcess.start(Path.of("target", "store-wait-it", "service.log"), Map.of(
                "quarkus.datasource.reactive.url", "postgresql://localhost:" + storePort + "/postgres",
                "quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres",
                "mp.jwt.verify.publickey.location", resource("test-publicKey.pem"),
                "mp.jwt.verify.issuer", Tokens.ISSUER,
                "clusterfn.embedded.enabled", "false"))) {
            service.awaitStatus("/q/health/live", 200, Duration.ofSeconds(180));
            service.get("/q/health/ready", null).then().statusCode(503).body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'Schema migration' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'Schema migration' }.data.reason",
                            startsWith("schema not migrated yet: "));
            service.get("/clusters", null).then().statusCode(503).header("Retry-After", notNullValue())
                    .body("error", equalTo("STORE_UNAVAILABLE"));
            service.post("/credit", admin, CREDIT).then().statusCode(503).header("Retry-After", notNullValue())
                    .body("error", equalTo("STORE_UNAVAILABLE"));

            awaitFailedAttempts(service, 3, Duration.ofSeconds(60));
            assertTrue(service.handle().isAlive(), "the instance waits for its store instead of exiting");
            service.get("/q/health/live", null).then().statusCode(200).body("status", equalTo("UP"));
            List<String> log = service.log().lines().toList();
            for (int i = 0; i < log.size() - 1; i++) {
                if (log.get(i).contains("schema not migrated yet (attempt")) {
                    String next = log.get(i + 1);
                    assertFalse(next.startsWith("\tat ") || next.startsWith("Caused by"),
                            "a failed attempt is one line in the log, not a stack trace: " + next);
                }
            }

            try (EmbeddedPostgres store = EmbeddedPostgres.builder().setPort(storePort).start()) {
                Instant storeUp = Instant.now();
                service.awaitReady(Duration.ofSeconds(60));
                assertTrue(Duration.between(storeUp, Instant.now()).compareTo(Duration.ofSeconds(60)) < 0);
                assertTrue(LedgerCheck.scalar(jdbcUrl, "SELECT count(*) FROM flyway_schema_history WHERE success").signum() > 0,
                        "the schema is migrated");
                service.get("/clusters", null).then().statusCode(200);
                service.post("/credit", admin, CREDIT).then().statusCode(200).body("balance", equalTo("1000000000000"));
                LedgerCheck.assertInvariant(jdbcUrl);
                assertEquals(1, service.log().lines().filter(line -> line.contains("schema migrated (attempt")).count());
            }
        }
    }

    private static void awaitFailedAttempts(ServiceProcess service, int count, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        while (service.log().lines().filter(line -> line.contains("schema not migrated yet (attempt")).count() < count) {
            assertTrue(Instant.now().isBefore(deadline), "the instance keeps trying to migrate: " + count + " attempts within " + limit);
            assertTrue(service.handle().isAlive(), "the instance waits for its store instead of exiting");
            ServiceProcess.sleep(Duration.ofMillis(250));
        }
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(StoreWaitIT.class.getClassLoader().getResource(name).toURI()).toUri().toString();
    }
}
