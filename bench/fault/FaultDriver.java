import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The load of bench/fault.sh: CLIENTS client threads, for DURATION seconds, against two clusterfn
 * instances that share one store, while the script kills an instance and restarts, stops and
 * freezes the store. Each client alternates between the instances and loops over a mix of deploy,
 * undeploy, stake, fundCluster, credit (fresh, exact retries of earlier ones, and the same new
 * credit sent to both instances at the same moment) and balance. Every request is logged with its
 * times, instance, status and the ids it wrote (requests.tsv); /q/health/ready of both instances
 * is polled every 250 ms (health.tsv). bench/fault/FaultCheck.java judges the run from these
 * files and the store. Uses only the JDK.
 *
 * Usage: java bench/fault/FaultDriver.java --a URL --b URL --key PRIVATE_PEM --issuer ISS --out DIR
 *        [--clients 64] [--duration 75] [--timeout 10]
 * Prints "load-start MS" once the world is seeded and the load begins, "load-end MS" when it ends.
 */
public class FaultDriver {
    static final BigInteger PHA = BigInteger.TEN.pow(12);
    static final int CLUSTERS = 4;
    static final int MAX_CONTRACTS = 16;
    static final int MAX_PER_DEPLOYER = 2;
    static final int CODE_SIZE = 1000;
    static final String[] NAMES = {"A", "B"};
    static final Duration SEED_TIMEOUT = Duration.ofSeconds(60);
    static final int WARMUP_ROUNDS = 3;
    /** Longer than the 5 s in which readiness must turn DOWN: a slow DOWN is still seen as one. */
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(6);

    final URI[] base;
    final HttpClient http;
    final Duration timeout;
    final PrivateKey key;
    final String issuer;
    final Path out;
    final int clients;
    final long durationMs;
    final String run = Long.toString(System.currentTimeMillis(), 36);
    final Queue<String> requests = new ConcurrentLinkedQueue<>();
    final Queue<String> health = new ConcurrentLinkedQueue<>();
    /** Contracts whose deploy was acknowledged: what the clients stake on. */
    final List<String> contracts = new CopyOnWriteArrayList<>();
    final List<String> clusterIds = new ArrayList<>();
    String adminToken;
    volatile long endMs;

    FaultDriver(Map<String, String> opt) throws Exception {
        base = new URI[] {URI.create(opt.get("a")), URI.create(opt.get("b"))};
        timeout = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("timeout", "10")));
        issuer = opt.get("issuer");
        out = Path.of(opt.get("out"));
        clients = Integer.parseInt(opt.getOrDefault("clients", "64"));
        durationMs = Long.parseLong(opt.getOrDefault("duration", "75")) * 1000;
        String pem = Files.readString(Path.of(opt.get("key"))).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newFixedThreadPool(8)).build();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        for (String required : List.of("a", "b", "key", "issuer", "out")) {
            if (!opt.containsKey(required)) {
                System.err.println("usage: java FaultDriver.java --a URL --b URL --key PEM --issuer ISS --out DIR"
                        + " [--clients 64] [--duration 75] [--timeout 10]");
                System.exit(2);
            }
        }
        new FaultDriver(opt).go();
    }

    void go() throws Exception {
        Files.createDirectories(out);
        List<Client> all = seed();
        long start = System.currentTimeMillis();
        endMs = start + durationMs;
        System.out.println("load-start " + start);
        System.out.flush();
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
        poller.scheduleAtFixedRate(this::pollHealth, 0, 250, TimeUnit.MILLISECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (Client c : all) {
            pool.submit(() -> {
                try {
                    c.loop();
                } catch (Throwable t) {
                    t.printStackTrace();
                }
            });
        }
        pool.shutdown();
        // Each client stops at endMs; its last request may take up to the request timeout.
        if (!pool.awaitTermination(durationMs + timeout.toMillis() * 3 + 30_000, TimeUnit.MILLISECONDS)) {
            System.err.println("clients did not stop in time");
            pool.shutdownNow();
        }
        poller.shutdown();
        poller.awaitTermination(5, TimeUnit.SECONDS);
        System.out.println("load-end " + System.currentTimeMillis());
        write("requests.tsv", "start\tend\tclient\tinst\top\tstatus\toutcome\tretryAfter\tenvelope\tcode\terrorId\tfailure\tk1\tk2\tk3\tk4", requests);
        write("health.tsv", "start\tend\tinst\tstatus\tstate", health);
        System.out.println("requests " + requests.size() + ", health polls " + health.size());
        System.exit(0);
    }

    void write(String name, String header, Queue<String> lines) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve(name)))) {
            w.println(header);
            lines.forEach(w::println);
        }
    }

    // --- the world: accounts, workers, clusters with quotas the load will hit ------------------------

    List<Client> seed() {
        adminToken = token("fault-admin", "admin");
        String owner = "fault-owner";
        String ownerToken = token(owner);
        String operatorToken = token("fault-op", "operator");
        seedCall("seed-credit", "/credit", adminToken, creditBody("seed-" + run + "-" + owner, owner, PHA.multiply(BigInteger.valueOf(100_000))),
                "seed-" + run + "-" + owner, owner, PHA.multiply(BigInteger.valueOf(100_000)).toString());
        Random rnd = new Random(1);
        for (int k = 0; k < CLUSTERS; k++) {
            String worker = hex32(rnd);
            seedCall("seed-worker", "/registerWorker", operatorToken, "{\"workerId\":\"" + worker
                    + "\",\"endpoint\":\"https://w" + k + ".fault.example\",\"capacity\":8,\"rentPerEpoch\":\"1000000000000\",\"attributes\":{}}",
                    worker, "-", "-");
            Map<String, Object> cluster = seedCall("seed-cluster", "/formCluster", ownerToken, "{\"name\":\"fault-" + k
                    + "\",\"workers\":[\"" + worker + "\"],\"prepaidEpochs\":10,\"permission\":{\"rule\":\"PUBLIC\"},"
                    + "\"quota\":{\"maxContracts\":" + MAX_CONTRACTS + ",\"maxContractsPerDeployer\":" + MAX_PER_DEPLOYER + "},"
                    + "\"pricing\":{\"deployFee\":\"1000000000\",\"depositPerByte\":\"1000\"}}", null, null, null);
            clusterIds.add((String) cluster.get("id"));
        }
        List<Client> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            all.add(new Client(c));
        }
        ExecutorService seeders = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Void>> credits = new ArrayList<>();
        for (Client client : all) {
            credits.add(CompletableFuture.runAsync(() -> {
                String transferId = "seed-" + run + "-" + client.account;
                String amount = PHA.multiply(BigInteger.valueOf(100_000)).toString();
                seedCall("seed-credit", "/credit", adminToken, creditBody(transferId, client.account, new BigInteger(amount)),
                        transferId, client.account, amount);
            }, seeders));
        }
        CompletableFuture.allOf(credits.toArray(CompletableFuture[]::new)).join();
        seeders.shutdown();
        warmUp();
        System.out.println("seeded: " + CLUSTERS + " clusters (maxContracts " + MAX_CONTRACTS + ", maxContractsPerDeployer "
                + MAX_PER_DEPLOYER + "), " + clients + " accounts");
        return all;
    }

    /**
     * Every operation of the load a few times on each instance before the load starts, so that the
     * load measures the instances warm (queries prepared and compiled, code paths loaded), not
     * their first requests. Logged as seed-*: they count in the store checks, not in the figures.
     */
    void warmUp() {
        String account = "fault-warm";
        String token = token(account);
        String amount = PHA.multiply(BigInteger.valueOf(1000)).toString();
        seedCall("seed-credit", "/credit", adminToken, creditBody("seed-" + run + "-" + account, account, new BigInteger(amount)),
                "seed-" + run + "-" + account, account, amount);
        Random rnd = new Random(2);
        for (int round = 0; round < WARMUP_ROUNDS; round++) {
            for (int inst = 0; inst < 2; inst++) {
                String cluster = clusterIds.get(round % clusterIds.size());
                String codeHash = hex32(rnd);
                String salt = "warm-" + round + "-" + inst;
                String id = contractId(cluster, account, codeHash, salt);
                seedCall(inst, "seed-deploy", "/deploy", token, "{\"clusterId\":\"" + cluster + "\",\"codeHash\":\"" + codeHash
                        + "\",\"codeSize\":" + CODE_SIZE + ",\"salt\":\"" + salt + "\"}", id, cluster, account);
                for (String stake : List.of(PHA.toString(), "0")) {
                    seedCall(inst, "seed-stake", "/stake", token, "{\"contractId\":\"" + id + "\",\"amount\":\"" + stake + "\"}",
                            id, account, stake);
                }
                seedCall(inst, "seed-fund", "/fundCluster", token, "{\"clusterId\":\"" + cluster + "\",\"amount\":\"1000000000\"}",
                        cluster, account, "1000000000");
                seedCall(inst, "seed-balance", "/balance?account=" + account, token, null, account, null, null);
                String transferId = "seed-" + run + "-warm-" + round + "-" + inst;
                for (int copy = 0; copy < 2; copy++) {
                    seedCall(inst, "seed-credit", "/credit", adminToken, creditBody(transferId, account, PHA), transferId,
                            account, PHA.toString());
                }
                seedCall(inst, "seed-undeploy", "/undeploy", token, "{\"contractId\":\"" + id + "\"}", id, null, null);
            }
        }
    }

    Map<String, Object> seedCall(String op, String path, String token, String body, String k1, String k2, String k3) {
        return seedCall(0, op, path, token, body, k1, k2, k3);
    }

    /**
     * A seeding call (through instance A unless told): it must succeed. No fault is injected yet, but a busy
     * machine can be slow: a long timeout, and a retry only when nothing reached the instance
     * (the calls are not all idempotent).
     */
    Map<String, Object> seedCall(int inst, String op, String path, String token, String body, String k1, String k2,
            String k3) {
        for (int attempt = 1; ; attempt++) {
            Answer a = call(-1, inst, op, path, token, body, k1, k2, k3, SEED_TIMEOUT);
            if (a.status / 100 == 2) {
                return a.json;
            }
            if (attempt == 5 || !a.outcome.equals("NOT_SENT")) {
                throw new IllegalStateException(op + " failed: " + a.status + " " + a.failure + " " + a.body);
            }
            sleep(1000);
        }
    }

    static String creditBody(String transferId, String account, BigInteger amount) {
        return "{\"account\":\"" + account + "\",\"amount\":\"" + amount + "\",\"transferId\":\"" + transferId + "\"}";
    }

    // --- one client ------------------------------------------------------------------------------

    record PendingDeploy(String cluster, String codeHash, String salt, String id) {
    }

    record CreditSent(String transferId, String account, String amount) {
    }

    final class Client {
        final int id;
        final String account;
        final String token;
        final Random rnd;
        final long[] avoidUntil = new long[2];
        int turn;
        int n;
        /** Its contracts it knows to be deployed (acknowledged), and those whose undeploy had no clear answer. */
        final List<String> deployed = new ArrayList<>();
        final List<String> undeployUnclear = new ArrayList<>();
        final Deque<PendingDeploy> deployUnclear = new ArrayDeque<>();
        final List<CreditSent> creditsAcked = new ArrayList<>();
        final Deque<CreditSent> creditsUnclear = new ArrayDeque<>();

        Client(int id) {
            this.id = id;
            this.account = String.format("fault-u%02d", id);
            this.token = token(account);
            this.rnd = new Random(1000 + id);
        }

        /** The next instance: alternating, but not one that just refused a connection. */
        int instance() {
            long now = System.currentTimeMillis();
            int inst = (id + turn++) % 2;
            if (avoidUntil[inst] > now && avoidUntil[1 - inst] <= now) {
                inst = 1 - inst;
            }
            return inst;
        }

        void note(Answer a) {
            if (a.failure != null && !a.failure.equals("TIMEOUT")) {
                avoidUntil[a.inst] = System.currentTimeMillis() + 1000;
            }
        }

        void loop() {
            while (System.currentTimeMillis() < endMs) {
                int r = rnd.nextInt(100);
                if (r < 18) {
                    deploy();
                } else if (r < 30) {
                    undeploy();
                } else if (r < 50) {
                    stake();
                } else if (r < 58) {
                    fund();
                } else if (r < 70) {
                    credit();
                } else if (r < 78) {
                    creditRetry();
                } else if (r < 85) {
                    creditBoth();
                } else {
                    balance();
                }
            }
        }

        void deploy() {
            PendingDeploy p = deployUnclear.pollFirst();
            String op = "deploy-retry";
            if (p == null) {
                op = "deploy";
                String cluster = clusterIds.get(rnd.nextInt(clusterIds.size()));
                String codeHash = hex32(rnd);
                String salt = "s" + id + "-" + (n++);
                p = new PendingDeploy(cluster, codeHash, salt, contractId(cluster, account, codeHash, salt));
            }
            Answer a = call(id, instance(), op, "/deploy", token, "{\"clusterId\":\"" + p.cluster + "\",\"codeHash\":\""
                    + p.codeHash + "\",\"codeSize\":" + CODE_SIZE + ",\"salt\":\"" + p.salt + "\"}", p.id, p.cluster, account);
            note(a);
            if (a.ok() || "DUPLICATE_CONTRACT".equals(a.code) && op.equals("deploy-retry")) {
                // A duplicate on a retry: the first try was applied.
                deployed.add(p.id);
                contracts.add(p.id);
            } else if (a.unclear()) {
                deployUnclear.addLast(p);
            }
        }

        void undeploy() {
            String id;
            if (!undeployUnclear.isEmpty() && rnd.nextBoolean()) {
                id = undeployUnclear.remove(rnd.nextInt(undeployUnclear.size()));
            } else if (!deployed.isEmpty()) {
                id = deployed.remove(rnd.nextInt(deployed.size()));
            } else {
                deploy();
                return;
            }
            Answer a = call(this.id, instance(), "undeploy", "/undeploy", token, "{\"contractId\":\"" + id + "\"}", id, null,
                    null);
            note(a);
            if (a.unclear()) {
                undeployUnclear.add(id);
            } else if (!a.ok() && !"CONFLICT".equals(a.code)) {
                deployed.add(id); // refused for another reason: still deployed as far as we know
            }
        }

        void stake() {
            if (contracts.isEmpty()) {
                deploy();
                return;
            }
            String contract = contracts.get(rnd.nextInt(contracts.size()));
            String amount = PHA.multiply(BigInteger.valueOf(new int[] {0, 1, 2, 5}[rnd.nextInt(4)])).toString();
            Answer a = call(id, instance(), "stake", "/stake", token, "{\"contractId\":\"" + contract + "\",\"amount\":\""
                    + amount + "\"}", contract, account, amount);
            note(a);
        }

        void fund() {
            String cluster = clusterIds.get(rnd.nextInt(clusterIds.size()));
            Answer a = call(id, instance(), "fund", "/fundCluster", token, "{\"clusterId\":\"" + cluster
                    + "\",\"amount\":\"1000000000\"}", cluster, account, "1000000000");
            note(a);
        }

        CreditSent newCredit() {
            return new CreditSent("t-" + run + "-" + id + "-" + (n++), account,
                    Long.toString(1_000_000L + rnd.nextInt(1_000_000)));
        }

        void credit() {
            CreditSent c = newCredit();
            settle(c, sendCredit("credit", instance(), c));
        }

        /** The exact same credit again: one whose first try had no clear answer, or one acknowledged before. */
        void creditRetry() {
            CreditSent c = creditsUnclear.pollFirst();
            if (c == null) {
                if (creditsAcked.isEmpty()) {
                    credit();
                    return;
                }
                c = creditsAcked.get(rnd.nextInt(creditsAcked.size()));
                sendCredit("credit-retry", instance(), c);
                return;
            }
            settle(c, sendCredit("credit-retry", instance(), c));
        }

        /** A new credit sent to both instances at the same moment. */
        void creditBoth() {
            CreditSent c = newCredit();
            String body = creditBody(c.transferId, c.account, new BigInteger(c.amount));
            CompletableFuture<Answer> a = callAsync(id, 0, "credit-both", "/credit", adminToken, body, c.transferId,
                    c.account, c.amount);
            CompletableFuture<Answer> b = callAsync(id, 1, "credit-both", "/credit", adminToken, body, c.transferId,
                    c.account, c.amount);
            Answer x = a.join();
            Answer y = b.join();
            note(x);
            note(y);
            if (x.ok() || y.ok()) {
                creditsAcked.add(c);
            } else if (x.unclear() || y.unclear()) {
                creditsUnclear.addLast(c);
            }
        }

        Answer sendCredit(String op, int inst, CreditSent c) {
            Answer a = call(id, inst, op, "/credit", adminToken, creditBody(c.transferId, c.account, new BigInteger(c.amount)),
                    c.transferId, c.account, c.amount);
            note(a);
            return a;
        }

        void settle(CreditSent c, Answer a) {
            if (a.ok()) {
                creditsAcked.add(c);
            } else if (a.unclear()) {
                creditsUnclear.addLast(c);
            }
        }

        void balance() {
            Answer a = call(id, instance(), "balance", "/balance?account=" + account, token, null, account, null, null);
            note(a);
        }
    }

    // --- requests ------------------------------------------------------------------------------------

    /**
     * One answer. outcome: ACK (2xx), REFUSED (4xx: changed nothing), UNCLEAR (5xx, a broken
     * connection or no answer in time: may or may not have been applied), NOT_SENT (the connection
     * was refused: nothing reached the instance).
     */
    record Answer(int inst, int status, String outcome, String code, String failure, String body, Map<String, Object> json) {
        boolean ok() {
            return status / 100 == 2;
        }

        boolean unclear() {
            return outcome.equals("UNCLEAR");
        }
    }

    HttpRequest request(int inst, String path, String token, String body, Duration limit) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base[inst].resolve(path)).timeout(limit)
                .header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.GET();
        }
        return b.build();
    }

    /**
     * k1..k3: what the request writes (credit: transferId, account, amount; deploy: contract id,
     * cluster, deployer; undeploy: contract id; stake: contract id, account, amount; fund: cluster,
     * account, amount); k4 is filled from the answer (credit: balance; deploy: the contract id).
     */
    Answer call(int client, int inst, String op, String path, String token, String body, String k1, String k2, String k3) {
        return call(client, inst, op, path, token, body, k1, k2, k3, timeout);
    }

    Answer call(int client, int inst, String op, String path, String token, String body, String k1, String k2, String k3,
            Duration limit) {
        long start = System.currentTimeMillis();
        try {
            HttpResponse<String> r = http.send(request(inst, path, token, body, limit), HttpResponse.BodyHandlers.ofString());
            return logAnswer(client, inst, op, start, r, null, k1, k2, k3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return logAnswer(client, inst, op, start, null, e, k1, k2, k3);
        } catch (IOException e) {
            return logAnswer(client, inst, op, start, null, e, k1, k2, k3);
        }
    }

    CompletableFuture<Answer> callAsync(int client, int inst, String op, String path, String token, String body, String k1,
            String k2, String k3) {
        long start = System.currentTimeMillis();
        return http.sendAsync(request(inst, path, token, body, timeout), HttpResponse.BodyHandlers.ofString())
                .handle((r, e) -> logAnswer(client, inst, op, start, r, e, k1, k2, k3));
    }

    Answer logAnswer(int client, int inst, String op, long start, HttpResponse<String> r, Throwable e, String k1, String k2,
            String k3) {
        long end = System.currentTimeMillis();
        int status = 0;
        String outcome;
        String failure = null;
        String code = "-";
        String errorId = "-";
        String envelope = "-";
        boolean retryAfter = false;
        String body = null;
        Map<String, Object> json = null;
        String k4 = "-";
        if (r != null) {
            status = r.statusCode();
            body = r.body();
            retryAfter = r.headers().firstValue("Retry-After").isPresent();
            json = object(body);
            outcome = status / 100 == 2 ? "ACK" : status / 100 == 4 ? "REFUSED" : "UNCLEAR";
            if (status / 100 != 2) {
                boolean isEnvelope = json != null && json.get("error") instanceof String && json.get("message") instanceof String
                        && json.get("details") instanceof Map;
                envelope = isEnvelope ? "1" : "0";
                if (json != null && json.get("error") instanceof String s) {
                    code = s;
                }
                if (json != null && json.get("details") instanceof Map<?, ?> d && d.get("errorId") instanceof String id) {
                    errorId = id;
                }
            } else if (json != null) {
                String kind = op.replaceFirst("^seed-", "");
                Object v = kind.startsWith("deploy") ? json.get("id") : null;
                k4 = v == null ? "-" : v.toString();
                if (kind.startsWith("credit")) {
                    // the whole answer must be the first result: keep its other fields too
                    k4 = json.get("transferId") + "/" + json.get("account") + "/" + json.get("amount") + "/" + json.get("balance");
                }
            }
        } else {
            Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (t instanceof HttpConnectTimeoutException || causedBy(t, ConnectException.class)) {
                outcome = "NOT_SENT";
                failure = "CONNECT";
            } else if (t instanceof HttpTimeoutException) {
                outcome = "UNCLEAR";
                failure = "TIMEOUT";
            } else {
                outcome = "UNCLEAR";
                failure = "IO:" + t.getClass().getSimpleName();
            }
        }
        requests.add(String.join("\t", Long.toString(start), Long.toString(end), Integer.toString(client), NAMES[inst], op,
                Integer.toString(status), outcome, retryAfter ? "1" : "0", envelope, code, errorId,
                failure == null ? "-" : failure, dash(k1), dash(k2), dash(k3), k4));
        return new Answer(inst, status, outcome, code.equals("-") ? null : code, failure, body, json);
    }

    void pollHealth() {
        for (int inst = 0; inst < 2; inst++) {
            int i = inst;
            long start = System.currentTimeMillis();
            HttpRequest req = HttpRequest.newBuilder(base[i].resolve("/q/health/ready")).timeout(HEALTH_TIMEOUT).GET().build();
            http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                long end = System.currentTimeMillis();
                String state;
                int status = 0;
                if (r != null) {
                    status = r.statusCode();
                    state = status == 200 ? "UP" : status == 503 ? "DOWN" : "HTTP" + status;
                } else {
                    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    state = t instanceof HttpConnectTimeoutException || causedBy(t, ConnectException.class) ? "CONNECT"
                            : t instanceof HttpTimeoutException ? "TIMEOUT" : "IO";
                }
                health.add(start + "\t" + end + "\t" + NAMES[i] + "\t" + status + "\t" + state);
                return null;
            });
        }
    }

    static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String dash(String s) {
        return s == null ? "-" : s;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- tokens and ids -------------------------------------------------------------------------------

    String token(String account, String... roles) {
        try {
            long now = System.currentTimeMillis() / 1000;
            StringBuilder groups = new StringBuilder();
            for (String role : roles) {
                groups.append(groups.length() == 0 ? "" : ",").append('"').append(role).append('"');
            }
            String claims = "{\"iss\":\"" + issuer + "\",\"sub\":\"" + account + "\",\"upn\":\"" + account + "\",\"groups\":["
                    + groups + "],\"iat\":" + now + ",\"exp\":" + (now + 7200) + "}";
            String unsigned = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claims);
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(unsigned.getBytes(StandardCharsets.US_ASCII));
            return unsigned + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String hex32(Random rnd) {
        byte[] bytes = new byte[32];
        rnd.nextBytes(bytes);
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    /** As the spec defines it: SHA-256 over clusterId|deployer|codeHash|salt. */
    static String contractId(String cluster, String deployer, String codeHash, String salt) {
        try {
            return "0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(String.join("|", cluster, deployer, codeHash, salt).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- a small JSON reader: enough to check the error envelope and read a few fields ---------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String text) {
        try {
            Object v = new Json(text).whole();
            return v instanceof Map ? (Map<String, Object>) v : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static final class Json {
        final String s;
        int i;

        Json(String s) {
            this.s = s == null ? "" : s;
        }

        Object whole() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw new IllegalArgumentException("trailing content");
            }
            return v;
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect('}');
                        return m;
                    }
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect(']');
                        return l;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int from = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (from == i) {
                throw new IllegalArgumentException("unexpected " + c);
            }
            return s.substring(from, i);
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
        }

        void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected " + c);
            }
            i++;
        }
    }
}
