package io.clusterfn.http;

import io.clusterfn.support.Api;
import io.clusterfn.support.LedgerCheck;
import io.clusterfn.support.TestStore;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store goes away (stops, or freezes) and comes back: readiness turns DOWN within 5 seconds,
 * functions answer 503 STORE_UNAVAILABLE with Retry-After meanwhile, and service resumes by itself.
 */
@QuarkusTest
@TestProfile(StoreOutageTest.OwnServer.class)
class StoreOutageTest {
    /** This class runs on a PostgreSQL server of its own, which it stops and starts again. */
    public static class OwnServer implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OwnServerResource.class));
        }
    }

    public static class OwnServerResource implements QuarkusTestResourceLifecycleManager {
        static final Path DATA;
        static final int PORT;
        static EmbeddedPostgres server;

        static {
            try {
                DATA = Files.createTempDirectory("clusterfn-outage");
                try (ServerSocket socket = new ServerSocket(0)) {
                    PORT = socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static synchronized void startServer() {
            try {
                server = EmbeddedPostgres.builder().setDataDirectory(DATA).setCleanDataDirectory(false).setPort(PORT)
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The server's postmaster (from its pid file), then every process it started. */
        static List<Long> processes() throws IOException {
            long postmaster = Long.parseLong(Files.readAllLines(DATA.resolve("postmaster.pid")).get(0).trim());
            List<Long> pids = new ArrayList<>(List.of(postmaster));
            ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(p -> pids.add(p.pid()));
            return pids;
        }

        static synchronized void stopServer() {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Map<String, String> start() {
            startServer();
            Map<String, String> config = new HashMap<>(new TestStore().start());
            config.put("quarkus.datasource.reactive.url", "postgresql://localhost:" + PORT + "/postgres");
            config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + PORT + "/postgres");
            return config;
        }

        @Override
        public void stop() {
            stopServer();
        }
    }

    @Test
    void readinessFollowsTheStoreAndFunctionsAnswer503Meanwhile() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Api.anonymous().get("clusters", Map.of()).statusCode(200);

        OwnServerResource.stopServer();
        Instant stopped = Instant.now();
        awaitReadiness(503, Duration.ofSeconds(5));
        assertTrue(Duration.between(stopped, Instant.now()).compareTo(Duration.ofSeconds(5)) <= 0,
                "readiness is DOWN within 5 seconds of the store stopping");
        Api.anonymous().get("clusters", Map.of()).statusCode(503)
                .header("Retry-After", equalTo("5")).body("error", equalTo("STORE_UNAVAILABLE"));

        OwnServerResource.startServer();
        awaitReadiness(200, Duration.ofSeconds(60));
        Api.anonymous().get("clusters", Map.of()).statusCode(200);
        LedgerCheck.assertInvariant("jdbc:postgresql://localhost:" + OwnServerResource.PORT + "/postgres");
    }

    /** A store that hangs instead of refusing (its processes stopped, like a stalled disk or a partition). */
    @Test
    void aFrozenStoreAnswers503InTimeAndServiceResumesByItself() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc")), "stops processes with kill -STOP (Linux)");
        Api.anonymous().get("clusters", Map.of()).statusCode(200);
        List<Long> server = OwnServerResource.processes();
        signal("STOP", server);
        try {
            Instant asked = Instant.now();
            Api.anonymous().get("clusters", Map.of()).statusCode(503)
                    .header("Retry-After", equalTo("5")).body("error", equalTo("STORE_UNAVAILABLE"));
            assertTrue(Duration.between(asked, Instant.now()).compareTo(Duration.ofSeconds(5)) <= 0,
                    "a function answers 503 within 5 seconds of asking a frozen store");
            // settling has a longer bound of its own, but not for finding the store frozen
            asked = Instant.now();
            Api.as("frozen-scheduler", "scheduler").post("epoch", Map.of()).statusCode(503)
                    .header("Retry-After", equalTo("5")).body("error", equalTo("STORE_UNAVAILABLE"));
            assertTrue(Duration.between(asked, Instant.now()).compareTo(Duration.ofSeconds(5)) <= 0,
                    "epoch answers 503 within 5 seconds of asking a frozen store");
            Instant frozen = Instant.now();
            awaitReadiness(503, Duration.ofSeconds(5));
            assertTrue(Duration.between(frozen, Instant.now()).compareTo(Duration.ofSeconds(5)) <= 0,
                    "readiness is DOWN within 5 seconds");
        } finally {
            signal("CONT", server);
        }
        Instant thawed = Instant.now();
        awaitReadiness(200, Duration.ofSeconds(5));
        Api.anonymous().get("clusters", Map.of()).statusCode(200);
        assertTrue(Duration.between(thawed, Instant.now()).compareTo(Duration.ofSeconds(5)) <= 0,
                "service resumes within 5 seconds of the store being back");
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(pid.toString()));
        assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor(), "kill -" + signal);
    }

    private static void awaitReadiness(int status, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            last = given().get("/q/health/ready").statusCode();
            if (last == status) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError("readiness answered " + last + ", not " + status + ", within " + limit);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
