import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The data of bench/load.sh and bench/settle.sh, made through clusterfn's public functions only,
 * 16 calls at a time (JDK 17: a fixed pool of platform threads).
 *
 * <pre>
 * java bench/load/Bench.java load   BASE_URL KEY_PEM ISSUER OUT_DIR
 *     accounts credited, 64 public clusters of one worker each, 256 contracts with a stake, and,
 *     when the service has messages, two groups of clusters that accept each other's; writes the
 *     request lists (*.tsv) that bench/load/target.lua reads, and tokens.env.
 * java bench/load/Bench.java settle BASE_URL KEY_PEM ISSUER OUT_DIR CLUSTERS WORKERS_PER_CLUSTER
 *     CLUSTERS active public clusters of WORKERS_PER_CLUSTER workers (escrow for two epochs),
 *     then deploys by 16 callers into 16 of them while one epoch call settles them all: the
 *     settlement's duration and answer, and the deploys' latency before and during it (the shell
 *     command BEFORE_EPOCH, if set, runs right before the epoch call).
 * </pre>
 * Tokens are RS256 JWTs signed with KEY_PEM (PKCS#8), as bin/MintToken.java makes them.
 */
public class Bench {
    static final int PARALLEL = 16;
    static final String PHA = "1000000000000";
    static final SecureRandom RANDOM = new SecureRandom();
    static final Pattern ID = Pattern.compile("^\\{\"id\":\"(0x[0-9a-f]{64})\"");

    static HttpClient http;
    static String base;
    static PrivateKey key;
    static String issuer;
    static Path out;

    public static void main(String[] args) throws Exception {
        base = args[1].replaceAll("/$", "");
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(
                Files.readString(Path.of(args[2])).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""))));
        issuer = args[3];
        out = Path.of(args[4]);
        Files.createDirectories(out);
        ExecutorService executor = Executors.newFixedThreadPool(PARALLEL + 2);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try {
            switch (args[0]) {
                case "load" -> load();
                case "settle" -> settle(Integer.parseInt(args[5]), Integer.parseInt(args[6]));
                default -> throw new IllegalArgumentException("mode load or settle");
            }
        } finally {
            executor.shutdownNow();
        }
    }

    // --- bench/load.sh -------------------------------------------------------------------------

    static void load() throws Exception {
        String admin = token("bench-admin", "admin");
        String op = token("bench-op", "operator");
        String owner = token("bench-owner");
        // Sixteen of each caller, so that concurrent calls do not queue on one account's balance
        // row: only what the design shares (a cluster, the bridge, the stake pool) is shared.
        List<String> deployers = accounts("bench-deployer-", 16);
        List<String> stakers = accounts("bench-staker-", 16);
        List<String> funders = accounts("bench-funder-", 16);
        List<String> readers = new ArrayList<>(List.of("bench-owner", deployers.get(0), stakers.get(0), funders.get(0)));
        for (int i = 1; i <= 12; i++) {
            readers.add("bench-reader-" + i);
        }
        List<String> credited = new ArrayList<>(readers);
        for (List<String> group : List.of(deployers, stakers, funders)) {
            group.stream().filter(a -> !credited.contains(a)).forEach(credited::add);
        }
        Map<String, String> tokens = new TreeMap<>();
        for (String account : credited) {
            tokens.put(account, token(account));
        }
        long t0 = System.nanoTime();
        parallel("credit", credited.size(), i -> post("credit", admin,
                "{\"account\":\"" + credited.get(i) + "\",\"amount\":\"" + "1" + "0".repeat(27)
                        + "\",\"transferId\":\"seed-" + credited.get(i) + "\"}"));

        // 64 public clusters, one worker each: generous quotas (none), small prices, a long runway,
        // a treasury of their own (deploy fees go there).
        int clusterCount = 64;
        List<String> workers = registerWorkers(op, clusterCount, "1000");
        List<String> clusters = parallel("formCluster", clusterCount, i -> id(post("formCluster", owner,
                formBody("load-" + i, List.of(workers.get(i)), 1000, ",\"treasury\":\"bench-treasury-" + i + "\""))));

        // 256 contracts, four per cluster, each with a stake: what contract and stake work on.
        List<String> contracts = parallel("deploy", 256, i -> id(post("deploy", tokens.get(deployers.get(i % 16)),
                "{\"clusterId\":\"" + clusters.get(i % clusterCount) + "\",\"codeHash\":\"" + hex() + "\",\"codeSize\":100,\"salt\":\"seed-" + i + "\"}")));
        parallel("stake", contracts.size(), i -> post("stake", tokens.get(stakers.get(i % 16)),
                "{\"contractId\":\"" + contracts.get(i) + "\",\"amount\":\"" + PHA + "\"}"));

        int deployClusters = Integer.parseInt(System.getenv().getOrDefault("DEPLOY_CLUSTERS", "16"));
        List<Integer> index = new ArrayList<>();
        for (int i = 0; i < Math.max(deployClusters, 16); i++) {
            index.add(i);
        }
        write("clusters.tsv", clusters, c -> c);
        write("deploy.tsv", index, i -> clusters.get(i % deployClusters) + "\t" + tokens.get(deployers.get(i % 16)));
        write("access.tsv", index.subList(0, 16), i -> clusters.get(i) + "\t" + deployers.get(i));
        write("fund.tsv", index.subList(0, 16), i -> clusters.get(i) + "\t" + tokens.get(funders.get(i)));
        write("contract.tsv", contracts, c -> c);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < contracts.size(); i++) {
            all.add(i);
        }
        write("stake.tsv", all, i -> contracts.get(i) + "\t" + tokens.get(stakers.get(i % 16)));
        write("credit.tsv", readers, a -> a + "\t" + admin);
        write("balance.tsv", readers, a -> a + "\t" + tokens.get(a));
        write("deployers.tsv", deployers, a -> a + "\t" + tokens.get(a));
        Files.writeString(out.resolve("tokens.env"), "SCHEDULER_TOKEN=" + token("bench-cron", "scheduler") + "\n");

        boolean messaging = probeMessaging();
        Files.writeString(out.resolve("messaging"), messaging ? "present\n" : "absent\n");
        if (messaging) {
            seedMessaging(op, owner, tokens.get(deployers.get(0)));
        }
        System.out.printf("seeded in %.1f s: %d accounts, %d workers, %d clusters, %d contracts with stakes, messages %s%n",
                (System.nanoTime() - t0) / 1e9, credited.size(), workers.size(), clusters.size(), contracts.size(),
                messaging ? "seeded" : "not in this build");
    }

    static List<String> accounts(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    /** Present unless the service answers 404 NOT_FOUND, "no such function". */
    static boolean probeMessaging() throws Exception {
        for (String path : List.of("send", "inbox")) {
            Answer a = call("POST", path, null, "{}");
            if (a.status == 404 && a.body.contains("\"NOT_FOUND\"")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Messages between clusters: 16 sending clusters, each with a worker of bench-op and a contract, send to a
     * contract in one receiving cluster that accepts ANY (16 channels of large capacity); its own
     * worker (also bench-op's) reads the inbox, which holds a full page of messages from the start.
     */
    static void seedMessaging(String op, String owner, String deployer) throws Exception {
        String messaging = ",\"messaging\":{\"accept\":\"ANY\",\"fee\":\"0\",\"maxMessageSize\":4096,\"channelCapacity\":100000}";
        List<String> workers = registerWorkers(op, 17, "1000");
        List<String> clusters = parallel("formCluster", 17, i -> id(post("formCluster", owner,
                formBody("msg-" + i, List.of(workers.get(i)), 1000, messaging))));
        List<String> contracts = parallel("deploy", 17, i -> id(post("deploy", deployer,
                "{\"clusterId\":\"" + clusters.get(i) + "\",\"codeHash\":\"" + hex() + "\",\"codeSize\":100,\"salt\":\"msg\"}")));
        String to = contracts.get(16);
        List<String> send = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            send.add(workers.get(i) + "\t" + contracts.get(i) + "\t" + to + "\t" + op);
        }
        write("send.tsv", send, s -> s);
        write("inbox.tsv", List.of(workers.get(16) + "\t" + op), s -> s);
        parallel("send", 128, i -> post("send", op, "{\"workerId\":\"" + workers.get(i % 16) + "\",\"from\":\""
                + contracts.get(i % 16) + "\",\"to\":\"" + to + "\",\"nonce\":\"seed-" + i + "\",\"payload\":\"aGVsbG8=\"}"));
    }

    // --- bench/settle.sh -----------------------------------------------------------------------

    static void settle(int clusterCount, int perCluster) throws Exception {
        String admin = token("bench-admin", "admin");
        String op = token("bench-op", "operator");
        String scheduler = token("bench-cron", "scheduler");
        // Sixteen owners and deployers: no call queues on one account's balance row.
        List<String> owners = accounts("bench-owner-", 16);
        List<String> deployers = accounts("bench-deployer-", 16);
        List<String> credited = new ArrayList<>(owners);
        credited.addAll(deployers);
        Map<String, String> tokens = new TreeMap<>();
        for (String account : credited) {
            tokens.put(account, token(account));
        }
        String huge = "1" + "0".repeat(27);
        parallel("credit", credited.size(), i -> post("credit", admin, "{\"account\":\"" + credited.get(i)
                + "\",\"amount\":\"" + huge + "\",\"transferId\":\"seed-" + i + "\"}"));
        long t0 = System.nanoTime();
        List<String> workers = registerWorkers(op, clusterCount * perCluster, "1000");
        System.out.printf("  %d workers registered in %.0f s%n", workers.size(), (System.nanoTime() - t0) / 1e9);
        long t1 = System.nanoTime();
        // Escrow for two epochs: the epoch settled is paid whatever clock hour the seeding ends in.
        List<String> clusters = parallel("formCluster", clusterCount, i -> id(post("formCluster",
                tokens.get(owners.get(i % 16)), formBody("settle-" + i, workers.subList(i * perCluster, (i + 1) * perCluster), 2,
                        ",\"treasury\":\"bench-treasury-" + (i % 16) + "\""))));
        System.out.printf("  %d clusters of %d workers formed in %.0f s%n", clusters.size(), perCluster,
                (System.nanoTime() - t1) / 1e9);

        List<String> targets = clusters.subList(0, Math.min(16, clusters.size()));
        Deploys deploys = new Deploys(targets, deployers.stream().map(tokens::get).toList());
        int warmup = Integer.parseInt(System.getenv().getOrDefault("WARMUP_S", "10"));
        int baseline = Integer.parseInt(System.getenv().getOrDefault("BASELINE_S", "10"));
        int timeout = Integer.parseInt(System.getenv().getOrDefault("SETTLE_TIMEOUT_S", "900"));
        deploys.start();
        Thread.sleep(warmup * 1000L);
        long b0 = System.nanoTime();
        Thread.sleep(baseline * 1000L);
        String hook = System.getenv("BEFORE_EPOCH");
        if (hook != null && !hook.isBlank()) {
            new ProcessBuilder("bash", "-c", hook).inheritIO().start().waitFor();
        }
        long s0 = System.nanoTime();
        Answer epoch = call("POST", "epoch", scheduler, "{}", Duration.ofSeconds(timeout));
        long s1 = System.nanoTime();
        deploys.stop();

        StringBuilder report = new StringBuilder();
        report.append(String.format("settlement: %d active clusters of %d workers (%d workers), one epoch call%n",
                clusterCount, perCluster, workers.size()));
        report.append(String.format("  epoch call: HTTP %d in %.2f s%n", epoch.status, (s1 - s0) / 1e9));
        report.append("  answer: ").append(epoch.body.length() > 400 ? epoch.body.substring(0, 400) + "..." : epoch.body)
                .append('\n');
        report.append(String.format("deploys by 16 callers into %d of those clusters (round robin, 16 deployers), requests started in each window:%n",
                targets.size()));
        report.append(deploys.window("  before settlement (" + baseline + " s)", b0, s0));
        report.append(deploys.window(String.format("  during settlement (%.1f s)", (s1 - s0) / 1e9), s0, s1));
        report.append(deploys.statuses());
        Files.writeString(out.resolve("settle.txt"), report);
        Files.writeString(out.resolve("epoch.json"), epoch.body);
        System.out.print(report);
    }

    /** 16 callers deploying in a closed loop until stopped; each request's start, latency and status. */
    static final class Deploys {
        final List<String> clusters;
        final List<String> tokens;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sequence = new AtomicLong();
        final ConcurrentLinkedQueue<long[]> done = new ConcurrentLinkedQueue<>();
        final Map<Integer, AtomicInteger> byStatus = new TreeMap<>();
        final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();

        Deploys(List<String> clusters, List<String> tokens) {
            this.clusters = clusters;
            this.tokens = tokens;
        }

        void start() {
            for (int t = 0; t < PARALLEL; t++) {
                Thread thread = new Thread(() -> {
                    while (running.get()) {
                        long n = sequence.getAndIncrement();
                        String body = "{\"clusterId\":\"" + clusters.get((int) (n % clusters.size())) + "\",\"codeHash\":\""
                                + hex() + "\",\"codeSize\":100,\"salt\":\"d-" + n + "\"}";
                        long start = System.nanoTime();
                        int status;
                        try {
                            Answer a = call("POST", "deploy", tokens.get((int) (n % tokens.size())), body,
                                    Duration.ofSeconds(900));
                            status = a.status;
                            if (status / 100 != 2 && samples.size() < 3) {
                                samples.add(status + " " + a.body);
                            }
                        } catch (Exception e) {
                            status = 0;
                            if (samples.size() < 3) {
                                samples.add(e.toString());
                            }
                        }
                        done.add(new long[] {start, System.nanoTime() - start, status});
                    }
                });
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        String window(String label, long from, long to) {
            long[] latencies = done.stream().filter(r -> r[0] >= from && r[0] < to).mapToLong(r -> r[1]).sorted().toArray();
            long failed = done.stream().filter(r -> r[0] >= from && r[0] < to && r[2] / 100 != 2).count();
            if (latencies.length == 0) {
                return label + ": no request started\n";
            }
            return String.format("%s: %d requests, %.0f per s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, non-2xx %d%n", label,
                    latencies.length, latencies.length / ((to - from) / 1e9), pct(latencies, 50), pct(latencies, 99),
                    latencies[latencies.length - 1] / 1e6, failed);
        }

        String statuses() {
            Map<Long, Integer> counts = new TreeMap<>();
            done.forEach(r -> counts.merge(r[2], 1, Integer::sum));
            StringBuilder s = new StringBuilder("  all deploys by status: " + counts + "\n");
            samples.forEach(x -> s.append("  e.g. ").append(x.length() > 300 ? x.substring(0, 300) : x).append('\n'));
            return s.toString();
        }
    }

    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    // --- shared --------------------------------------------------------------------------------

    static List<String> registerWorkers(String op, int count, String rent) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(hex());
        }
        parallel("registerWorker", count, i -> post("registerWorker", op, "{\"workerId\":\"" + ids.get(i)
                + "\",\"endpoint\":\"https://w" + i + ".bench.invalid\",\"capacity\":8,\"rentPerEpoch\":\"" + rent
                + "\",\"attributes\":{\"tee\":\"sgx\"}}"));
        return ids;
    }

    static String formBody(String name, List<String> workers, int prepaidEpochs, String extra) {
        return "{\"name\":\"" + name + "\",\"workers\":[\"" + String.join("\",\"", workers) + "\"],\"prepaidEpochs\":"
                + prepaidEpochs + ",\"permission\":{\"rule\":\"PUBLIC\"},\"quota\":{},"
                + "\"pricing\":{\"deployFee\":\"10\",\"depositPerByte\":\"1\"}" + extra + "}";
    }

    interface Step {
        String run(int i) throws Exception;
    }

    /** Runs count calls, PARALLEL at a time; the results in order. Stops at the first refusal. */
    static List<String> parallel(String what, int count, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<String>> futures = new ArrayList<>();
            AtomicInteger finished = new AtomicInteger();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    String result = step.run(n);
                    int f = finished.incrementAndGet();
                    if (count >= 5000 && f % 5000 == 0) {
                        System.out.printf("    %s: %d of %d, %.0f per s%n", what, f, count, f / ((System.nanoTime() - t0) / 1e9));
                    }
                    return result;
                }));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    record Answer(int status, String body) {
    }

    static String post(String path, String token, String body) throws Exception {
        Answer a = call("POST", path, token, body);
        if (a.status / 100 != 2) {
            throw new IllegalStateException(path + " answered " + a.status + ": " + a.body + " (to " + body + ")");
        }
        return a.body;
    }

    static Answer call(String method, String path, String token, String body) throws IOException, InterruptedException {
        return call(method, path, token, body, Duration.ofSeconds(60));
    }

    static Answer call(String method, String path, String token, String body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/" + path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    static String id(String answer) {
        Matcher m = ID.matcher(answer);
        if (!m.find()) {
            throw new IllegalStateException("no id in " + answer);
        }
        return m.group(1);
    }

    static String hex() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "0x" + HexFormat.of().formatHex(b);
    }

    interface Line<T> {
        String of(T item);
    }

    static <T> void write(String file, List<T> items, Line<T> line) throws IOException {
        StringBuilder s = new StringBuilder();
        items.forEach(i -> s.append(line.of(i)).append('\n'));
        Files.writeString(out.resolve(file), s);
    }

    static String token(String account, String... roles) throws Exception {
        long now = Instant.now().getEpochSecond();
        String groups = String.join(",", Arrays.stream(roles).map(r -> "\"" + r + "\"").toList());
        String claims = "{\"iss\":\"" + issuer + "\",\"sub\":\"" + account + "\",\"upn\":\"" + account
                + "\",\"groups\":[" + groups + "],\"iat\":" + now + ",\"exp\":" + (now + 6 * 3600) + "}";
        String unsigned = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claims);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update(unsigned.getBytes(StandardCharsets.US_ASCII));
        return unsigned + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
