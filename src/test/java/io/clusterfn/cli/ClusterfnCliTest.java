package io.clusterfn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * bin/clusterfn run as a person or a script runs it: a separate process with the JDK's source
 * launcher, talking HTTP to the running service, its output and exit code checked against what
 * the API answers.
 */
@QuarkusTest
class ClusterfnCliTest extends FunctionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CLI = Path.of("bin", "clusterfn").toAbsolutePath();
    private static final String DEPLOY_FEE = "1500000000000"; // 1.5 PHA
    private static final Map<String, Object> PUBLIC_PRICED = Map.of("permission", Map.of("rule", "PUBLIC"),
            "pricing", Map.of("deployFee", DEPLOY_FEE, "depositPerByte", "1000"));

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    // --- running the client ---------------------------------------------------------

    private static String url() {
        return RestAssured.baseURI + ":" + RestAssured.port;
    }

    /**
     * bin/clusterfn compiled once for this test class: the source launcher compiles the file at every
     * run, seconds each; {@link #asUsersRunIt} checks that the file itself runs.
     */
    private static Path compiled;

    private static synchronized Path compiled() throws IOException {
        if (compiled == null) {
            Path dir = Files.createTempDirectory("clusterfn-cli");
            // The source launcher skips the first line when it is a shebang; javac needs it gone.
            List<String> lines = new ArrayList<>(Files.readAllLines(CLI));
            lines.set(0, "");
            Path source = dir.resolve("Clusterfn.java");
            Files.write(source, lines);
            int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(),
                    source.toString());
            assertEquals(0, status, "bin/clusterfn compiles");
            compiled = dir;
        }
        return compiled;
    }

    /** Runs bin/clusterfn against the test service, with the given environment on top of a clean one. */
    private static Run cli(Map<String, String> env, Path workDir, String... args) {
        try {
            return run(List.of("-cp", compiled().toString(), "Clusterfn"), env, workDir, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the file as a person does, through the JDK's source launcher. */
    private static Run asUsersRunIt(String... args) {
        return run(List.of("--source", "17", CLI.toString()), Map.of(), null, args);
    }

    private static Run run(List<String> launch, Map<String, String> env, Path workDir, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(launch);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        Map<String, String> environment = builder.environment();
        List.of("CLUSTERFN_URL", "CLUSTERFN_TOKEN", "CLUSTERFN_DATA_DIR", "CLUSTERFN_EMBEDDED_DATA_DIR",
                "MP_JWT_VERIFY_ISSUER").forEach(environment::remove);
        environment.put("CLUSTERFN_URL", url());
        environment.putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("bin/clusterfn " + String.join(" ", args) + " did not finish");
            }
            return new Run(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<String> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Run as(String token, String... args) {
        return cli(token == null ? Map.of() : Map.of("CLUSTERFN_TOKEN", token), null, args);
    }

    private static Run ok(Run run) {
        assertEquals(0, run.exit(), run::toString);
        return run;
    }

    /** A line "key  value" of a key-value block. */
    private static void shows(Run run, String key, String value) {
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(key) + " +" + Pattern.quote(value) + "$")
                .matcher(run.out()).find(), () -> "expected \"" + key + "  " + value + "\" in\n" + run);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static Map<String, Object> api(String function, Map<String, ?> query) {
        return parse(Api.anonymous().get(function, query).statusCode(200).extract().asString());
    }

    private static String funded(String prefix, String amount) {
        String account = Fixtures.account(prefix);
        Fixtures.fund(account, amount);
        return account;
    }

    private static Path codeFile(int size) throws IOException {
        byte[] code = new byte[size];
        new SecureRandom().nextBytes(code);
        Path file = Files.createTempFile("contract", ".wasm");
        Files.write(file, code);
        return file;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    // --- reading --------------------------------------------------------------------

    @Test
    void clusterAndClustersShowWhatAPersonLooksFor() {
        String owner = Fixtures.account("cli-owner");
        String clusterId = Fixtures.clusterWith(owner, PUBLIC_PRICED); // 1 worker at 1 PHA, 10 epochs prepaid

        Run cluster = ok(as(null, "cluster", clusterId));
        shows(cluster, "id", clusterId);
        shows(cluster, "name", "c-" + owner);
        shows(cluster, "status", "ACTIVE");
        shows(cluster, "rule", "PUBLIC");
        shows(cluster, "pricing", "deploy fee 1.5 PHA, deposit 0.000000001 PHA per byte");
        shows(cluster, "escrow", "10 PHA");
        shows(cluster, "rent", "1 PHA per epoch");
        shows(cluster, "runway", "10 epochs");
        shows(cluster, "workers", "1/1 online");

        Run clusters = ok(as(null, "clusters", "--owner", owner));
        String[] lines = clusters.out().split("\n");
        assertTrue(lines[0].matches("ID +NAME +OWNER +STATUS +WORKERS +RUNWAY +CONTRACTS +STAKE"), clusters::toString);
        assertEquals(2, lines.length, clusters::toString);
        assertTrue(lines[1].matches(Pattern.quote(clusterId) + " +c-" + owner + " +" + owner
                + " +ACTIVE +1/1 +10 +0 +0 PHA"), clusters::toString);
        assertEquals(lines[0].indexOf("NAME"), lines[1].indexOf("c-" + owner), "columns are aligned");

        // --json is the service's answer itself.
        assertEquals(api("cluster", Map.of("id", clusterId)), parse(ok(as(null, "--json", "cluster", clusterId)).out()));
        assertEquals(api("clusters", Map.of("owner", owner)),
                parse(ok(as(null, "clusters", "--owner", owner, "--json")).out()));
    }

    @Test
    void accessShowsEveryCheckAndThePriceAndItsExitCodeSaysTheAnswer() throws Exception {
        String owner = Fixtures.account("cli-owner");
        String clusterId = Fixtures.clusterWith(owner, Map.of("pricing", Map.of("deployFee", DEPLOY_FEE,
                "depositPerByte", "1000"))); // ONLY_OWNER
        Path code = codeFile(2048);

        Run allowed = ok(as(Tokens.of(owner), "access", "--cluster", clusterId, "--code", code.toString()));
        assertTrue(allowed.out().startsWith("allowed: yes\n"), allowed::toString);
        assertTrue(allowed.out().contains("price: fee 1.5 PHA + deposit 0.000002048 PHA = 1.500002048 PHA"),
                allowed::toString);

        Run refused = as(null, "access", "--cluster", clusterId, "--account", "someone-else", "--size", "100");
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.out().startsWith("allowed: no\n"), refused::toString);
        assertTrue(Pattern.compile("(?m)^rule +FAIL +\\S").matcher(refused.out()).find(), refused::toString);
        assertTrue(Pattern.compile("(?m)^cluster +pass").matcher(refused.out()).find(), refused::toString);
    }

    // --- changing -------------------------------------------------------------------

    @Test
    void deployComputesHashAndSizeOfTheFileAndTheContractLivesOn() throws Exception {
        String owner = Fixtures.account("cli-owner");
        String clusterId = Fixtures.clusterWith(owner, PUBLIC_PRICED);
        String dev = funded("cli-dev", "10" + Fixtures.PHA);
        String token = Tokens.of(dev);
        Path code = codeFile(1234);
        String codeHash = sha256(Files.readAllBytes(code));
        String contractId = sha256((clusterId + "|" + dev + "|" + codeHash + "|v1").getBytes(StandardCharsets.UTF_8));

        Run deploy = ok(as(token, "deploy", "--cluster", clusterId, "--code", code.toString(), "--salt", "v1"));
        shows(deploy, "id", contractId);
        shows(deploy, "code hash", codeHash);
        shows(deploy, "code size", "1234 bytes");
        shows(deploy, "fee paid", "1.5 PHA");
        shows(deploy, "deposit", "0.000001234 PHA");
        Map<String, Object> contract = api("contract", Map.of("id", contractId));
        assertEquals(codeHash, contract.get("codeHash"));
        assertEquals(1234, contract.get("codeSize"));
        assertEquals(dev, contract.get("deployer"));
        assertEquals(contract, parse(ok(as(null, "contract", contractId, "--json")).out()));

        Run stake = ok(as(token, "stake", contractId, "2PHA"));
        shows(stake, "your stake", "2 PHA");
        shows(stake, "share", "100%");
        assertEquals("2000000000000", api("contract", Map.of("id", contractId)).get("stake"));
        // Units are taken as they are; an exact decimal of PHA too.
        ok(as(token, "stake", contractId, "1250000000000"));
        assertEquals("1250000000000", api("contract", Map.of("id", contractId)).get("stake"));

        Run balance = ok(as(token, "balance"));
        shows(balance, "account", dev);
        shows(balance, "free", "7.249998766 PHA"); // 10 - 1.5 fee - 0.000001234 deposit - 1.25 staked
        shows(balance, "staked", "1.25 PHA");
        shows(balance, "deposits", "0.000001234 PHA");

        Run undeploy = ok(as(token, "-q", "undeploy", contractId));
        assertEquals(contractId + "\n", undeploy.out());
        assertEquals("UNDEPLOYED", api("contract", Map.of("id", contractId)).get("status"));
    }

    @Test
    void fundTopsUpTheEscrowInPha() {
        String owner = Fixtures.account("cli-owner");
        String clusterId = Fixtures.clusterWith(owner, PUBLIC_PRICED);

        Run fund = ok(as(Tokens.of(owner), "fund", clusterId, "2.5PHA"));
        shows(fund, "escrow", "12.5 PHA");
        assertEquals("12500000000000", api("cluster", Map.of("id", clusterId)).get("escrow"));
    }

    // --- exit codes -----------------------------------------------------------------

    @Test
    void aRefusalExitsOneWithItsCodeOnStderr() {
        String missing = "0x" + "0".repeat(64);
        Run notFound = as(null, "cluster", missing);
        assertEquals(1, notFound.exit(), notFound::toString);
        assertTrue(notFound.err().startsWith("error CLUSTER_NOT_FOUND: "), notFound::toString);
        assertEquals("", notFound.out());

        Run noToken = as(null, "undeploy", missing);
        assertEquals(1, noToken.exit(), noToken::toString);
        assertTrue(noToken.err().startsWith("error UNAUTHENTICATED: "), noToken::toString);
        assertTrue(noToken.err().contains("clusterfn token ACCOUNT"), noToken::toString);

        String poor = Fixtures.account("cli-poor");
        String clusterId = Fixtures.clusterWith(Fixtures.account("cli-owner"), PUBLIC_PRICED);
        Fixtures.fund(poor, "1" + Fixtures.PHA);
        Run tooPoor = as(Tokens.of(poor), "fund", clusterId, "2PHA", "--json");
        assertEquals(1, tooPoor.exit(), tooPoor::toString);
        Map<String, Object> envelope = parse(tooPoor.err());
        assertEquals("INSUFFICIENT_BALANCE", envelope.get("error"));
        assertEquals("", tooPoor.out());
    }

    @Test
    void aUsageErrorExitsTwoWithTheUsage() {
        Run unknown = asUsersRunIt("frobnicate");
        assertEquals(2, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("unknown command: frobnicate"), unknown::toString);
        assertTrue(unknown.err().contains("Exit codes:"), unknown::toString);

        Run badAmount = as(null, "stake", Fixtures.hex64(), "1.5");
        assertEquals(2, badAmount.exit(), badAmount::toString);
        assertTrue(badAmount.err().contains("not an amount: 1.5"), badAmount::toString);
        assertTrue(badAmount.err().contains("usage: clusterfn [options] stake CONTRACT AMOUNT"), badAmount::toString);

        Run missingCode = as(null, "deploy", "--cluster", Fixtures.hex64());
        assertEquals(2, missingCode.exit(), missingCode::toString);
        assertTrue(missingCode.err().contains("--code is required"), missingCode::toString);

        Run help = ok(as(null, "--help"));
        assertTrue(help.out().contains("The token is valid for 24 hours"), help::toString);
        assertTrue(help.out().contains("3  failure"), help::toString);
    }

    @Test
    void anUnreachableServiceExitsThree() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run run = cli(Map.of("CLUSTERFN_URL", "http://127.0.0.1:" + port), null, "clusters");
        assertEquals(3, run.exit(), run::toString);
        assertTrue(run.err().contains("cannot reach http://127.0.0.1:" + port), run::toString);
    }

    // --- listings the service may not have yet --------------------------------------

    private static void assumeFunction(String function) {
        ExtractableResponse<Response> probe = Api.anonymous().request().get("/" + function).then().extract();
        assumeTrue(!(probe.statusCode() == 404 && "NOT_FOUND".equals(probe.path("error"))),
                "this service has no " + function + " function yet");
    }

    @Test
    void workersListsAClustersWorkers() {
        assumeFunction("workers");
        String clusterId = Fixtures.clusterWith(Fixtures.account("cli-owner"), PUBLIC_PRICED);
        Map<String, Object> cluster = api("cluster", Map.of("id", clusterId));
        @SuppressWarnings("unchecked")
        String workerId = (String) ((List<Map<String, Object>>) cluster.get("workers")).get(0).get("id");

        Run workers = ok(as(null, "workers", "--cluster", clusterId));
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(workerId) + " +\\S+ +ASSIGNED +" + Pattern.quote(clusterId)
                + " +1 PHA ").matcher(workers.out()).find(), workers::toString);
        assertEquals(api("workers", Map.of("cluster", clusterId)),
                parse(ok(as(null, "workers", "--cluster", clusterId, "--json")).out()));
    }

    @Test
    void contractsListsAClustersContracts() throws Exception {
        assumeFunction("contracts");
        String owner = Fixtures.account("cli-owner");
        String clusterId = Fixtures.clusterWith(owner, PUBLIC_PRICED);
        String contractId = Api.as(owner).post("deploy", Map.of("clusterId", clusterId, "codeHash", Fixtures.hex64(),
                "codeSize", 10)).statusCode(200).extract().path("id");

        Run contracts = ok(as(null, "contracts", "--cluster", clusterId));
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(contractId) + " +" + Pattern.quote(clusterId) + " +"
                + Pattern.quote(owner) + " +DEPLOYED +10 ").matcher(contracts.out()).find(), contracts::toString);
        assertEquals(contractId + "\n", ok(as(null, "contracts", "--cluster", clusterId, "-q")).out());
    }

    // --- tokens ---------------------------------------------------------------------

    private static Map<String, Object> claims(String token) {
        return parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    @Test
    void aTokenSignedWithTheLocalKeyIsAcceptedByTheService() throws Exception {
        Path dataDir = Files.createTempDirectory("clusterfn-data");
        Files.createDirectories(dataDir.resolve("jwt"));
        // Only the private half: the public half is derived, else the service would replace both.
        copyResource("/test-privateKey.pem", dataDir.resolve("jwt/private.pem"));
        String admin = Fixtures.account("cli-admin");
        String account = funded("cli-minted", "3" + Fixtures.PHA);

        Run adminToken = ok(cli(Map.of("CLUSTERFN_DATA_DIR", dataDir.toString()), null,
                "token", admin, "admin", "--issuer", Tokens.ISSUER));
        String token = adminToken.out().strip();
        Map<String, Object> claims = claims(token);
        assertEquals(Tokens.ISSUER, claims.get("iss"));
        assertEquals(admin, claims.get("upn"));
        assertEquals(List.of("admin"), claims.get("groups"));
        assertEquals(24 * 3600, ((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue());
        assertTrue(adminToken.err().contains("wrote " + dataDir.resolve("jwt/public.pem").toAbsolutePath()),
                adminToken::toString);
        try (InputStream testPublicKey = ClusterfnCliTest.class.getResourceAsStream("/test-publicKey.pem")) {
            assertEquals(publicKey(testPublicKey.readAllBytes()),
                    publicKey(Files.readAllBytes(dataDir.resolve("jwt/public.pem"))));
        }
        // The service accepts it, and its groups: an admin reads another account's balance.
        Api.withToken(token).get("balance", Map.of("account", account)).statusCode(200);

        Run own = ok(cli(Map.of(), null, "token", account, "--data-dir", dataDir.toString(), "--issuer", Tokens.ISSUER,
                "--lifetime", "30m"));
        assertEquals("", own.err(), "the key pair exists now: nothing to say");
        Map<String, Object> ownClaims = claims(own.out().strip());
        assertEquals(1800, ((Number) ownClaims.get("exp")).longValue() - ((Number) ownClaims.get("iat")).longValue());
        Run balance = ok(as(own.out().strip(), "balance"));
        shows(balance, "account", account);
        shows(balance, "free", "3 PHA");
    }

    @Test
    void aTokenMintedBeforeTheFirstStartCreatesTheKeyPairTheServiceWillUse() throws Exception {
        Path workDir = Files.createTempDirectory("clusterfn-fresh").toRealPath();
        Path jwt = workDir.resolve(".clusterfn/jwt");

        // The default data dir: .clusterfn in the current directory, as the service's.
        Run first = ok(cli(Map.of(), workDir, "token", "alice", "admin"));
        assertTrue(first.err().contains("created a key pair in " + jwt), first::toString);
        byte[] privatePem = Files.readAllBytes(jwt.resolve("private.pem"));
        byte[] publicPem = Files.readAllBytes(jwt.resolve("public.pem"));
        String pem = new String(publicPem, StandardCharsets.US_ASCII);
        assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n") && pem.endsWith("-----END PUBLIC KEY-----\n"), pem);
        assertTrue(new String(privatePem, StandardCharsets.US_ASCII).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertVerifies(first.out().strip(), publicPem);
        assertEquals("https://clusterfn.local", claims(first.out().strip()).get("iss"));

        // The next token reuses the pair, and so does the service when it starts there.
        Run second = ok(cli(Map.of(), workDir, "token", "bob"));
        assertFalse(second.err().contains("created"), second::toString);
        assertVerifies(second.out().strip(), publicPem);
        serviceKeyPair(jwt);
        assertArrayEquals(privatePem, Files.readAllBytes(jwt.resolve("private.pem")));
        assertArrayEquals(publicPem, Files.readAllBytes(jwt.resolve("public.pem")));
    }

    /** The embedded default's own key-pair step (JVM builds only), run on the directory as the service would. */
    private static void serviceKeyPair(Path jwt) throws Exception {
        Class<?> store;
        try {
            store = Class.forName("io.clusterfn.embedded.EmbeddedPostgresStore");
        } catch (ClassNotFoundException e) {
            return; // a build without the embedded default has no local key pair
        }
        Method ensure = store.getDeclaredMethod("ensureKeyPair", Path.class);
        ensure.setAccessible(true);
        assertEquals(jwt.resolve("public.pem"), ensure.invoke(null, jwt));
    }

    private static PublicKey publicKey(byte[] pem) throws Exception {
        String base64 = new String(pem, StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static void assertVerifies(String token, byte[] publicPem) throws Exception {
        PublicKey key = publicKey(publicPem);
        String[] parts = token.split("\\.");
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(key);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(verifier.verify(Base64.getUrlDecoder().decode(parts[2])), "signed with the pair's private key");
        assertEquals(Map.of("alg", "RS256", "typ", "JWT"),
                parse(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)));
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = ClusterfnCliTest.class.getResourceAsStream(name)) {
            Files.write(target, in.readAllBytes());
        }
    }
}
