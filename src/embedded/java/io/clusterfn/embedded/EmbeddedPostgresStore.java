package io.clusterfn.embedded;

import io.clusterfn.LocalStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The embedded default: a real PostgreSQL server run from a Maven artifact, with its data in
 * {@code clusterfn.embedded.data-dir} (default {@code .clusterfn}) so it survives restarts. It also
 * keeps a local JWT key pair there, unless a verification key is configured, so that local
 * tokens can be minted (see README).
 */
public class EmbeddedPostgresStore implements LocalStore {
    @Override
    public void startIfUnconfigured() {
        if (configured("quarkus.datasource.reactive.url") || "false".equals(setting("clusterfn.embedded.enabled"))) {
            return;
        }
        Path home = Path.of(settingOr("clusterfn.embedded.data-dir", ".clusterfn")).toAbsolutePath();
        Path pgdata = home.resolve("pgdata");
        try {
            stopOrphan(pgdata);
            int port = Integer.parseInt(settingOr("clusterfn.embedded.port", String.valueOf(freePort())));
            // The launcher's own shutdown hook (on by default) stops the server when the JVM exits,
            // also when the start fails after the server was launched.
            EmbeddedPostgres.builder()
                    .setDataDirectory(pgdata)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // The launcher is made for throwaway test databases and turns durability off
                    // (postgres -F, synchronous_commit=off); an answered change must survive a crash.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    // Crash recovery after a kill can take longer than the launcher's default 10 s.
                    .setPGStartupWait(Duration.ofSeconds(120))
                    .start();
            System.setProperty("quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/postgres");
            System.setProperty("quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/postgres");
            System.setProperty("quarkus.datasource.username", "postgres");
            System.setProperty("quarkus.datasource.password", "postgres");
            System.out.println("clusterfn: embedded PostgreSQL on port " + port + ", data in " + pgdata);
            if (!configured("mp.jwt.verify.publickey.location")) {
                Path publicKey = ensureKeyPair(home.resolve("jwt"));
                System.setProperty("mp.jwt.verify.publickey.location", publicKey.toUri().toString());
                System.out.println("clusterfn: verifying tokens with the local key " + publicKey);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + home, e);
        }
    }

    /**
     * A PostgreSQL left running on this data directory by an earlier run whose JVM was killed
     * would make this start fail: it is stopped first, and said so in one line.
     */
    private static void stopOrphan(Path pgdata) throws IOException {
        Optional<OrphanPostmaster> orphan = OrphanPostmaster.find(pgdata);
        if (orphan.isPresent()) {
            long started = System.nanoTime();
            String how = orphan.get().stop();
            System.out.printf("clusterfn: stopped the embedded PostgreSQL left running by an earlier run (pid %d, data in %s): %s in %d ms%n",
                    orphan.get().pid(), pgdata, how, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Writes a fresh RSA key pair (PEM) on first start; later starts reuse it. */
    static Path ensureKeyPair(Path dir) throws IOException {
        Path publicKey = dir.resolve("public.pem");
        Path privateKey = dir.resolve("private.pem");
        if (Files.exists(publicKey) && Files.exists(privateKey)) {
            return publicKey;
        }
        Files.createDirectories(dir);
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pair = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        return publicKey;
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A setting as a system property or its environment variable (a.b-c -> A_B_C). */
    private static String setting(String key) {
        String value = System.getProperty(key);
        return value != null ? value : System.getenv(key.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
    }

    private static String settingOr(String key, String fallback) {
        String value = setting(key);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static boolean configured(String key) {
        String value = setting(key);
        return value != null && !value.isBlank();
    }
}
