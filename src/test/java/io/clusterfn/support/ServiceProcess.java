package io.clusterfn.support;

import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}) run as a child process,
 * as a user runs it, for tests that kill it, restart it, or start it before its store: its own
 * HTTP port, the given configuration as system properties, its output in a log file.
 */
public final class ServiceProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final RestAssuredConfig HTTP = RestAssuredConfig.config().httpClient(HttpClientConfig
            .httpClientConfig().setParam("http.connection.timeout", 5_000).setParam("http.socket.timeout", 60_000));

    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the application; the environment carries no configuration of the caller's. */
    public static ServiceProcess start(Path log, Map<String, String> config) {
        assertTrue(Files.isRegularFile(JAR), JAR + " exists: package the application first (mvn verify does)");
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dquarkus.http.port=" + port);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(JAR.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("MP_JWT_")
                || name.startsWith("CLUSTERFN_"));
        try {
            Files.createDirectories(log.getParent());
            return new ServiceProcess(builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Another instance on the tests' own store, as a second serverless instance beside the one under test; ready. */
    public static ServiceProcess onTestStore() {
        try {
            ServiceProcess instance = start(Files.createTempFile("clusterfn-instance", ".log"), TestStore.config("postgres"));
            instance.awaitReady(Duration.ofSeconds(120));
            return instance;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public int port() {
        return port;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RequestSpecification request(String token) {
        RequestSpecification spec = given().config(HTTP).port(port).contentType(ContentType.JSON);
        return token == null ? spec : spec.auth().oauth2(token);
    }

    /** The status of GET path, or -1 while nothing answers on the port. */
    public int status(String path) {
        try {
            return request(null).get(path).statusCode();
        } catch (Exception e) { // the HTTP client throws its IOExceptions unchecked
            if (rootCause(e) instanceof IOException) {
                return -1;
            }
            throw e;
        }
    }

    /** Waits until GET path answers the status; fails at once if the process exits meanwhile. */
    public void awaitStatus(String path, int status, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("the application exited (" + process.exitValue() + ") before " + path
                        + " answered " + status + "; log " + log + ":\n" + tail());
            }
            last = status(path);
            if (last == status) {
                return;
            }
            sleep(Duration.ofMillis(250));
        }
        throw new AssertionError(path + " answered " + last + ", not " + status + ", within " + limit + "; log " + log
                + ":\n" + tail());
    }

    public void awaitReady(Duration limit) {
        awaitStatus("/q/health/ready", 200, limit);
    }

    public Response get(String path, String token) {
        return request(token).get(path);
    }

    public Response post(String path, String token, String body) {
        return request(token).body(body).post(path);
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(process.toHandle(), Duration.ofSeconds(30));
    }

    /** A normal stop (SIGTERM), SIGKILL if it does not end in time. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(process.toHandle(), Duration.ofSeconds(60))) {
            kill();
        }
    }

    private String tail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    public static boolean awaitExit(ProcessHandle process, Duration limit) {
        try {
            process.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !process.isAlive();
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
