package io.clusterfn.embedded;

import io.clusterfn.support.LedgerCheck;
import io.clusterfn.support.ServiceProcess;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded default as a user runs it ({@code java -jar target/quarkus-app/quarkus-run.jar}
 * with a data directory), killed the hard way: an answered change survives SIGKILL of the JVM
 * and its PostgreSQL together, and after SIGKILL of the JVM alone (its PostgreSQL left running)
 * the next start stops the orphan and is ready on the first try.
 */
class EmbeddedDefaultIT {
    private static final Duration START = Duration.ofSeconds(180);
    private static final BigInteger AMOUNT = new BigInteger("1000000000000");
    /** Times the JVM and its PostgreSQL are killed at once, each right after answering credits. */
    private static final int KILLS = 5;
    private static final int CREDITS_PER_KILL = 3;

    private Path dataDir;
    private final List<ServiceProcess> services = new ArrayList<>();

    @BeforeEach
    void freshDataDirectory() throws IOException {
        dataDir = Files.createTempDirectory("clusterfn-embedded-it");
    }

    @AfterEach
    void stopEverything() throws IOException {
        services.forEach(ServiceProcess::kill);
        postmaster().ifPresent(postmaster -> killWithChildren(postmaster));
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void answeredCreditsSurviveKillingTheServiceAndItsStoreTogether() {
        BigInteger credited = BigInteger.ZERO;
        for (int kill = 0; kill < KILLS; kill++) {
            ServiceProcess service = start("killed-together-" + kill);
            service.awaitReady(START);
            String admin = adminToken();
            if (kill > 0) { // before the first credit the account does not exist
                assertEquals(credited.toString(), freeBalance(service, admin),
                        "every credit answered before the kills is still there");
            }
            ProcessHandle postmaster = postmaster().orElseThrow();
            // Credits in a row: a lone write after a quiet spell wakes PostgreSQL's WAL writer at
            // once, writes in a row wait for its next round, which is what a store that answers
            // before its commit is durable (synchronous_commit=off) loses when it is killed.
            for (int i = 0; i < CREDITS_PER_KILL; i++) {
                credited = credited.add(AMOUNT);
                service.post("/credit", admin, credit("survives-" + kill + "-" + i)).then().statusCode(200)
                        .body("balance", equalTo(credited.toString()));
            }
            // Right after the last answer, as a power cut would: the store first, then the JVM.
            killWithChildren(postmaster);
            service.kill();
        }

        ServiceProcess service = start("killed-together-after");
        service.awaitReady(START);
        assertEquals(credited.toString(), freeBalance(service, adminToken()));
        LedgerCheck.assertInvariant(jdbcUrl(service));
        service.close();
        assertTrue(postmaster().isEmpty(), "a normal stop of the JVM stops its PostgreSQL");
    }

    @Test
    void aRestartAfterKillingTheServiceAloneStopsItsOrphanedStoreAndIsReadyTheFirstTime() {
        ServiceProcess first = start("orphan-first");
        first.awaitReady(START);
        first.post("/credit", adminToken(), credit("before-the-kill")).then().statusCode(200);
        ProcessHandle orphan = postmaster().orElseThrow();
        first.kill();
        ServiceProcess.sleep(Duration.ofSeconds(1));
        assertTrue(orphan.isAlive(), "the PostgreSQL of a JVM killed with SIGKILL keeps running");

        ServiceProcess second = start("orphan-second");
        second.awaitReady(START);
        List<String> said = second.log().lines()
                .filter(line -> line.contains("stopped the embedded PostgreSQL left running by an earlier run"))
                .toList();
        assertEquals(1, said.size(), "one line says what was found and done: " + said);
        assertTrue(said.get(0).contains("pid " + orphan.pid()), said.get(0));
        assertFalse(orphan.isAlive(), "the orphaned PostgreSQL is gone");
        assertEquals(AMOUNT.toString(), freeBalance(second, adminToken()));
        LedgerCheck.assertInvariant(jdbcUrl(second));
        second.close();
        assertTrue(postmaster().isEmpty(), "a normal stop of the JVM stops its PostgreSQL");
    }

    private ServiceProcess start(String name) {
        ServiceProcess service = ServiceProcess.start(Path.of("target", "embedded-it", name + ".log"), Map.of(
                "clusterfn.embedded.data-dir", dataDir.toString(),
                "clusterfn.embedded.port", String.valueOf(ServiceProcess.freePort())));
        services.add(service);
        return service;
    }

    private static String credit(String transferId) {
        return "{\"account\":\"alice\",\"amount\":\"" + AMOUNT + "\",\"transferId\":\"" + transferId + "\"}";
    }

    private static String freeBalance(ServiceProcess service, String token) {
        return service.get("/balance?account=alice", token).then().statusCode(200).extract().path("free");
    }

    /** A token signed with the local key the service keeps in its data directory (see README). */
    private String adminToken() {
        try {
            String pem = Files.readString(dataDir.resolve("jwt").resolve("private.pem"), StandardCharsets.US_ASCII);
            return Jwt.upn("root").groups(Set.of("admin")).issuer("https://clusterfn.local").expiresIn(3600)
                    .sign(KeyUtils.decodePrivateKey(pem));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jdbcUrl(ServiceProcess service) {
        String port = service.log().lines().filter(line -> line.startsWith("clusterfn: embedded PostgreSQL on port "))
                .reduce((first, last) -> last).orElseThrow().replaceAll("^clusterfn: embedded PostgreSQL on port (\\d+),.*$", "$1");
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** The running postmaster of the data directory: its pid file names it, its command line names the directory. */
    private Optional<ProcessHandle> postmaster() {
        Path pidFile = dataDir.resolve("pgdata").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            String directory = dataDir.resolve("pgdata").toString();
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(process -> process.info().arguments()
                    .map(arguments -> Arrays.asList(arguments).contains(directory)).orElse(false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL to the postmaster and every process it started (its backends, WAL writer, checkpointer). */
    private static void killWithChildren(ProcessHandle postmaster) {
        List<ProcessHandle> all = Stream.concat(postmaster.descendants(), Stream.of(postmaster)).toList();
        all.forEach(ProcessHandle::destroyForcibly);
        all.forEach(process -> assertTrue(ServiceProcess.awaitExit(process, Duration.ofSeconds(30)),
                "process " + process.pid() + " ended"));
    }
}
