import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Judges a run of bench/fault.sh: reads the driver's request and readiness logs (requests.tsv,
 * health.tsv), the faults the script injected (faults.txt), the instances' logs, and the store
 * (JDBC), prints the figures and every failed check, and exits 1 when a check failed.
 *
 * Usage: java -cp POSTGRESQL_JDBC_JAR bench/fault/FaultCheck.java --dir RUN_DIR --faults FILE
 *        --jdbc URL [--logs "a.log b.log ..."] [--grace 5000] [--slack 500]
 */
public class FaultCheck {
    /** A request as the driver logged it; status 0 = no HTTP answer (see failure). */
    record Req(long start, long end, int client, String inst, String op, int status, String outcome, boolean retryAfter,
            String envelope, String code, String errorId, String failure, String k1, String k2, String k3, String k4) {
        boolean ok() {
            return status / 100 == 2;
        }

        boolean load() {
            return !op.startsWith("seed");
        }

        /** The operation, seeding and warm-up calls included ("seed-deploy" is a deploy). */
        String kind() {
            return op.replaceFirst("^seed-", "");
        }

        String label() {
            if (status == 0) {
                return failure.startsWith("IO") ? "IO" : failure;
            }
            return code.equals("-") ? Integer.toString(status) : status + " " + code;
        }
    }

    record Poll(long start, long end, String inst, int status, String state) {
    }

    /** A fault: [start, end] with end = the last instance's recovery + grace. */
    static final class Window {
        final String name;
        final long start;
        Long back;
        final Map<String, Long> recovered = new TreeMap<>();
        long end;

        Window(String name, long start) {
            this.name = name;
            this.start = start;
        }

        boolean contains(long t) {
            return t >= start && t <= end;
        }

        boolean overlaps(long s, long e) {
            return s <= end && e >= start;
        }
    }

    final Map<String, String> opt;
    final List<Req> reqs = new ArrayList<>();
    final List<Poll> polls = new ArrayList<>();
    final Map<String, Long> events = new LinkedHashMap<>();
    final List<Window> windows = new ArrayList<>();
    final List<String> failed = new ArrayList<>();
    final long grace;
    final long slack;
    long loadStart;
    long loadEnd;

    FaultCheck(Map<String, String> opt) {
        this.opt = opt;
        grace = Long.parseLong(opt.getOrDefault("grace", "5000"));
        slack = Long.parseLong(opt.getOrDefault("slack", "500"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        FaultCheck check = new FaultCheck(opt);
        check.read();
        check.run();
        System.exit(check.failed.isEmpty() ? 0 : 1);
    }

    void read() throws IOException {
        Path dir = Path.of(opt.get("dir"));
        List<String> requestLines = Files.readAllLines(dir.resolve("requests.tsv"));
        for (String line : requestLines.subList(1, requestLines.size())) {
            String[] f = line.split("\t", -1);
            reqs.add(new Req(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]), f[3], f[4],
                    Integer.parseInt(f[5]), f[6], f[7].equals("1"), f[8], f[9], f[10], f[11], f[12], f[13], f[14], f[15]));
        }
        reqs.sort(Comparator.comparingLong(Req::start));
        List<String> healthLines = Files.readAllLines(dir.resolve("health.tsv"));
        for (String line : healthLines.subList(1, healthLines.size())) {
            String[] f = line.split("\t", -1);
            polls.add(new Poll(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], Integer.parseInt(f[3]), f[4]));
        }
        polls.sort(Comparator.comparingLong(Poll::start));
        for (String line : Files.readAllLines(Path.of(opt.get("faults")))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2) {
                events.putIfAbsent(f[1], Long.parseLong(f[0]));
            }
        }
        loadStart = events.getOrDefault("load-start", reqs.stream().filter(Req::load).mapToLong(Req::start).min().orElse(0));
        loadEnd = Math.max(events.getOrDefault("load-end", 0L), reqs.stream().mapToLong(Req::end).max().orElse(0));
    }

    void fail(String what) {
        failed.add(what);
        System.out.println("  FAIL: " + what);
    }

    void pass(String what) {
        System.out.println("  ok:   " + what);
    }

    void expect(boolean ok, String what) {
        if (ok) {
            pass(what);
        } else {
            fail(what);
        }
    }

    String t(long ms) {
        return String.format("+%.1fs", (ms - loadStart) / 1000.0);
    }

    static String secs(long ms) {
        return String.format("%.2f s", ms / 1000.0);
    }

    void run() throws Exception {
        List<Req> load = reqs.stream().filter(Req::load).toList();
        System.out.printf("load: %d requests in %.0f s (%.0f per second), %d readiness polls%n", load.size(),
                (loadEnd - loadStart) / 1000.0, load.size() * 1000.0 / Math.max(1, loadEnd - loadStart), polls.size());
        windows();
        System.out.println();
        requestsByStatus(load);
        System.out.println();
        System.out.println("answers");
        answers(load);
        System.out.println();
        System.out.println("faults and recovery");
        recovery();
        System.out.println();
        System.out.println("readiness (/q/health/ready, polled every 250 ms)");
        readiness();
        System.out.println();
        latency(load);
        System.out.println();
        System.out.println("store");
        try (Connection db = DriverManager.getConnection(opt.get("jdbc"), "postgres", "postgres")) {
            ledger(db);
            credits(db);
            contracts(db);
            stakes(db);
            funds(db);
            quotas(db);
        }
        System.out.println();
        errorLogs(load);
        System.out.println();
        if (failed.isEmpty()) {
            System.out.println("RESULT: PASS (every check held)");
        } else {
            System.out.println("RESULT: FAIL, " + failed.size() + " check(s) failed:");
            failed.forEach(f -> System.out.println("  - " + f));
        }
    }

    // --- fault windows ---------------------------------------------------------------------------------

    void windows() {
        System.out.println("faults (times from the start of the load):");
        Long kill = events.get("kill-b");
        if (kill != null) {
            Window w = new Window("SIGKILL of instance B and its restart", kill);
            w.back = events.get("b-ready");
            if (w.back != null) {
                w.recovered.put("B", firstOk("B", events.getOrDefault("b-started", kill)));
            }
            windows.add(w);
        }
        Long stop = events.get("store-stop");
        if (stop != null) {
            Window w = new Window("store restart (fast shutdown, start)", stop);
            w.back = events.get("store-up");
            windows.add(w);
        }
        Long freeze = events.get("freeze");
        if (freeze != null) {
            Window w = new Window("store freeze (SIGSTOP of every server process, then SIGCONT)", freeze);
            w.back = events.get("thaw");
            windows.add(w);
        }
        for (Window w : windows) {
            if (w.back != null && !w.name.startsWith("SIGKILL")) {
                for (String inst : List.of("A", "B")) {
                    Long first = firstOk(inst, w.back);
                    if (first != null) {
                        w.recovered.put(inst, first);
                    }
                }
            }
            long last = w.back == null ? loadEnd : w.back;
            for (Long r : w.recovered.values()) {
                last = Math.max(last, r == null ? loadEnd : r);
            }
            boolean complete = w.back != null && w.recovered.size() == (w.name.startsWith("SIGKILL") ? 1 : 2)
                    && !w.recovered.containsValue(null);
            w.end = complete ? last + grace : loadEnd;
            System.out.printf("  %-62s %s .. %s%s%n", w.name, t(w.start), t(w.end),
                    complete ? "" : " (no recovery seen: open to the end of the run)");
        }
    }

    /** The end of the first 2xx answer of an instance at or after a moment. */
    Long firstOk(String inst, long from) {
        return reqs.stream().filter(r -> r.inst.equals(inst) && r.ok() && r.end >= from && r.load())
                .mapToLong(Req::end).min().stream().boxed().findFirst().orElse(null);
    }

    /** The fault window a moment lies in: of overlapping windows, the one that began last. */
    Window windowAt(long t) {
        return windows.stream().filter(w -> w.contains(t)).max(Comparator.comparingLong(w -> w.start)).orElse(null);
    }

    // --- requests by status -----------------------------------------------------------------------------

    void requestsByStatus(List<Req> load) {
        System.out.println("requests by operation and answer (IO = connection broken, CONNECT = refused, TIMEOUT = no answer in time):");
        Map<String, Map<String, Integer>> byOp = new TreeMap<>();
        Map<String, Integer> total = new TreeMap<>();
        for (Req r : load) {
            byOp.computeIfAbsent(r.op, k -> new TreeMap<>()).merge(r.label(), 1, Integer::sum);
            total.merge(r.label(), 1, Integer::sum);
        }
        byOp.forEach((op, m) -> System.out.printf("  %-13s %6d  %s%n", op, m.values().stream().mapToInt(i -> i).sum(), render(m)));
        System.out.printf("  %-13s %6d  %s%n", "all", load.size(), render(total));
        Map<String, Integer> byStatus = new TreeMap<>();
        for (Req r : load) {
            byStatus.merge(r.status == 0 ? "no answer" : Integer.toString(r.status), 1, Integer::sum);
        }
        System.out.println("  by status: " + render(byStatus));
    }

    static String render(Map<String, Integer> m) {
        return m.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }

    // --- every answer -----------------------------------------------------------------------------------

    void answers(List<Req> load) {
        List<Req> five = load.stream().filter(r -> r.status >= 500 && r.status != 503).toList();
        expect(five.isEmpty(), "answers 500 (or another 5xx but 503): " + five.size()
                + (five.isEmpty() ? "" : " (" + render(count(five, r -> r.op + " " + r.status)) + "; causes below)"));
        List<Req> s503 = load.stream().filter(r -> r.status == 503).toList();
        List<Req> outside = s503.stream().filter(r -> windowAt(r.end) == null).toList();
        expect(outside.isEmpty(), "answers 503 outside the fault windows: " + outside.size() + " of " + s503.size()
                + examples(outside));
        List<Req> noRetry = s503.stream().filter(r -> !r.retryAfter).toList();
        expect(noRetry.isEmpty(), "answers 503 without Retry-After: " + noRetry.size() + " of " + s503.size());
        List<Req> notEnvelope = reqs.stream().filter(r -> r.status > 0 && !r.ok() && !r.envelope.equals("1")).toList();
        expect(notEnvelope.isEmpty(), "non-2xx answers that are not the error envelope {error, message, details}: "
                + notEnvelope.size() + examples(notEnvelope));
        List<Req> timeouts = load.stream().filter(r -> "TIMEOUT".equals(r.failure)).toList();
        expect(timeouts.isEmpty(), "requests with no answer within the client's timeout: " + timeouts.size()
                + (timeouts.isEmpty() ? "" : " (" + render(count(timeouts, r -> where(r.start))) + ")"));
        Window kill = windows.stream().filter(w -> w.name.startsWith("SIGKILL")).findFirst().orElse(null);
        List<Req> broken = load.stream().filter(r -> r.status == 0 && !"TIMEOUT".equals(r.failure)).toList();
        List<Req> unexpectedBroken = broken.stream()
                .filter(r -> !(r.inst.equals("B") && kill != null && kill.overlaps(r.start, r.end))).toList();
        System.out.println("  connection errors (not HTTP answers): " + broken.size()
                + (broken.isEmpty() ? "" : " (" + render(count(broken, r -> r.inst + " " + r.label())) + ")"));
        expect(unexpectedBroken.isEmpty(), "connection errors other than to instance B while it was killed: "
                + unexpectedBroken.size() + examples(unexpectedBroken));
        refusals(load);
        idempotency();
        for (Window w : windows) {
            List<Req> in = load.stream().filter(r -> w.contains(r.end)).toList();
            System.out.printf("  in window %-40s %5d answers: %s%n", shortName(w) + ":", in.size(),
                    render(count(in.stream().filter(r -> !r.ok()).toList(), Req::label)));
        }
    }

    String shortName(Window w) {
        return w.name.replaceAll(" \\(.*", "");
    }

    String where(long t) {
        Window w = windowAt(t);
        return w == null ? "outside the fault windows" : "in " + shortName(w);
    }

    static <T> Map<String, Integer> count(List<T> items, java.util.function.Function<T, String> key) {
        Map<String, Integer> m = new TreeMap<>();
        items.forEach(i -> m.merge(key.apply(i), 1, Integer::sum));
        return m;
    }

    String examples(List<Req> rs) {
        if (rs.isEmpty()) {
            return "";
        }
        return rs.stream().limit(3).map(r -> r.op + "@" + r.inst + " " + t(r.end) + " " + r.label())
                .collect(Collectors.joining("; ", " (e.g. ", ")"));
    }

    /** Refusals the load should never meet; each would be a wrong answer or a lost write. */
    void refusals(List<Req> load) {
        Map<String, List<Req>> undeploysOf = new HashMap<>();
        for (Req r : load) {
            if (r.op.equals("undeploy")) {
                undeploysOf.computeIfAbsent(r.k1, k -> new ArrayList<>()).add(r);
            }
        }
        List<String> wrong = new ArrayList<>();
        for (Req r : load) {
            if (r.status / 100 != 4) {
                continue;
            }
            boolean expected = switch (r.op) {
                case "deploy" -> r.code.equals("QUOTA_EXCEEDED");
                case "deploy-retry" -> r.code.equals("QUOTA_EXCEEDED") || r.code.equals("DUPLICATE_CONTRACT");
                // undeploying twice is 409: fine when an earlier try of the same undeploy had no clear answer
                case "undeploy" -> r.code.equals("CONFLICT") && undeploysOf.get(r.k1).stream()
                        .anyMatch(u -> u.start < r.start && u.outcome.equals("UNCLEAR"));
                // raising a stake on an undeployed contract is 409
                case "stake" -> r.code.equals("CONFLICT") && undeploysOf.getOrDefault(r.k1, List.of()).stream()
                        .anyMatch(u -> u.start < r.end && !u.outcome.equals("REFUSED") && !u.outcome.equals("NOT_SENT"));
                default -> false;
            };
            if (!expected) {
                wrong.add(r.op + " " + r.label());
            }
        }
        Map<String, Integer> m = new TreeMap<>();
        wrong.forEach(w -> m.merge(w, 1, Integer::sum));
        expect(wrong.isEmpty(), "refusals the load should never meet (a wrong answer or a lost write): " + wrong.size()
                + (wrong.isEmpty() ? "" : " (" + render(m) + ")"));
    }

    /** Every 2xx answer to a transferId (first try, exact retries, both copies sent at once) is the first result. */
    void idempotency() {
        Map<String, Set<String>> answers = new HashMap<>();
        int both = 0;
        int bothOk = 0;
        Map<String, List<Req>> pairs = new HashMap<>();
        for (Req r : reqs) {
            if (r.kind().startsWith("credit") && r.ok()) {
                answers.computeIfAbsent(r.k1, k -> new HashSet<>()).add(r.k4);
            }
            if (r.op.equals("credit-both")) {
                pairs.computeIfAbsent(r.k1, k -> new ArrayList<>()).add(r);
            }
        }
        for (List<Req> p : pairs.values()) {
            both++;
            if (p.stream().allMatch(Req::ok)) {
                bothOk++;
            }
        }
        long retries = reqs.stream().filter(r -> r.op.equals("credit-retry") && r.ok()).count();
        List<String> differing = answers.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        expect(differing.isEmpty(), "credits answered differently to the same transferId: " + differing.size() + " of "
                + answers.size() + " (" + retries + " exact retries answered 2xx; " + both + " credits sent to both instances at once, "
                + bothOk + " with both copies 2xx)" + (differing.isEmpty() ? "" : ", e.g. " + differing.get(0) + ": "
                + answers.get(differing.get(0))));
    }

    // --- recovery ---------------------------------------------------------------------------------------

    void recovery() {
        long limit = 5000 + slack;
        for (Window w : windows) {
            System.out.println("  " + w.name + ": " + t(w.start) + (w.back == null ? ", never back" : ", back " + t(w.back)
                    + " (" + secs(w.back - w.start) + " after the fault)"));
            if (w.name.startsWith("SIGKILL")) {
                Long started = events.get("b-started");
                expect(w.back != null, "instance B restarted and ready again"
                        + (w.back == null ? "" : ": ready " + secs(w.back - (started == null ? w.start : started))
                        + " after its launch, " + secs(w.back - w.start) + " after the kill"));
                Long first = w.recovered.get("B");
                if (first != null) {
                    System.out.println("    first 2xx answer of the restarted B: " + t(first));
                }
                continue;
            }
            if (w.name.startsWith("store restart")) {
                Long down = events.get("store-down");
                if (down != null) {
                    System.out.println("    store down (the server exited) " + t(down) + ", " + secs(down - w.start) + " after the shutdown began");
                }
            }
            for (String inst : List.of("A", "B")) {
                Long r = w.recovered.get(inst);
                if (startingAt(inst, w.start)) {
                    System.out.println("    " + inst + " was still starting when the store went away: its start is judged by the SIGKILL window");
                    continue;
                }
                if (w.back == null) {
                    fail(inst + " recovered after " + shortName(w) + ": the store never came back");
                    continue;
                }
                expect(r != null && r - w.back <= limit, "instance " + inst + " answers 2xx again within 5 s of the store being back: "
                        + (r == null ? "never" : secs(r - w.back)));
            }
            List<Req> in = reqs.stream().filter(r -> r.load() && w.contains(r.end)).toList();
            System.out.println("    503 answers in this window: " + in.stream().filter(r -> r.status == 503).count()
                    + "; 500: " + in.stream().filter(r -> r.status == 500).count());
            if (w.name.startsWith("store freeze")) {
                freeze(w, limit);
            }
        }
    }

    /**
     * Whether the instance was still starting (launched again after its SIGKILL, not yet ready) at
     * that time: a store fault then hits its start, not a serving instance, and the 5 s limits for
     * a serving instance do not apply to it.
     */
    boolean startingAt(String inst, long at) {
        Long launched = events.get(inst.toLowerCase(java.util.Locale.ROOT) + "-started");
        Long ready = events.get(inst.toLowerCase(java.util.Locale.ROOT) + "-ready");
        return launched != null && launched <= at && (ready == null || ready > at);
    }

    /** A frozen store: the first 503 within 5 s, and no request left hanging longer than that. */
    void freeze(Window w, long limit) {
        for (String inst : List.of("A", "B")) {
            Long first503 = reqs.stream().filter(r -> r.inst.equals(inst) && r.status == 503 && r.end >= w.start)
                    .mapToLong(Req::end).min().stream().boxed().findFirst().orElse(null);
            expect(first503 != null && first503 - w.start <= limit, "instance " + inst + " answers 503 within 5 s of the freeze: "
                    + (first503 == null ? "no 503 at all" : "first after " + secs(first503 - w.start)));
        }
        long thaw = w.back == null ? loadEnd : w.back;
        long worst = 0;
        Req worstReq = null;
        for (Req r : reqs) {
            if (r.start > thaw || r.end < w.start) {
                continue;
            }
            long hung = Math.min(r.end, thaw) - Math.max(r.start, w.start);
            if (hung > worst) {
                worst = hung;
                worstReq = r;
            }
        }
        expect(worst <= limit, "while frozen, no request waits more than 5 s for its answer: longest "
                + secs(worst) + (worstReq == null ? "" : " (" + worstReq.op + "@" + worstReq.inst + ", " + worstReq.label() + ")"));
    }

    // --- readiness --------------------------------------------------------------------------------------

    void readiness() {
        long limit = 5000 + slack;
        for (String inst : List.of("A", "B")) {
            StringBuilder line = new StringBuilder("  " + inst + ": ");
            String state = null;
            long since = 0;
            List<String> parts = new ArrayList<>();
            for (Poll p : polls) {
                if (!p.inst.equals(inst)) {
                    continue;
                }
                if (!p.state.equals(state)) {
                    if (state != null) {
                        parts.add(state + " " + t(since) + ".." + t(p.start));
                    }
                    state = p.state;
                    since = p.start;
                }
            }
            if (state != null) {
                parts.add(state + " " + t(since) + "..end");
            }
            System.out.println(line + String.join(", ", parts));
        }
        for (Window w : windows) {
            if (w.name.startsWith("SIGKILL") || w.back == null) {
                continue;
            }
            boolean isFreeze = w.name.startsWith("store freeze");
            for (String inst : List.of("A", "B")) {
                if (startingAt(inst, w.start)) {
                    System.out.println("  " + inst + " in " + shortName(w) + ": still starting (judged by its start)");
                    continue;
                }
                Poll down = polls.stream().filter(p -> p.inst.equals(inst) && p.start >= w.start && p.state.equals("DOWN"))
                        .findFirst().orElse(null);
                Poll notUp = polls.stream().filter(p -> p.inst.equals(inst) && p.start >= w.start && !p.state.equals("UP"))
                        .findFirst().orElse(null);
                Poll up = polls.stream().filter(p -> p.inst.equals(inst) && p.start >= w.back && p.state.equals("UP"))
                        .findFirst().orElse(null);
                String downText = down == null || down.start > w.back + limit ? "never DOWN"
                        : "DOWN " + secs(down.end - w.start) + " after the fault";
                String notUpText = notUp == null ? "" : " (first not UP: " + notUp.state + ", answered " + secs(notUp.end - w.start) + " after the fault)";
                if (isFreeze) {
                    expect(down != null && down.end - w.start <= limit, inst + " readiness DOWN within 5 s of the freeze: " + downText + notUpText);
                } else {
                    System.out.println("  " + inst + " in " + shortName(w) + ": " + downText + notUpText);
                }
                expect(up != null && up.end - w.back <= limit, inst + " readiness UP within 5 s of the store being back ("
                        + shortName(w) + "): " + (up == null ? "never" : secs(up.end - w.back)));
            }
        }
    }

    // --- latency ----------------------------------------------------------------------------------------

    void latency(List<Req> load) {
        List<Req> calm = load.stream().filter(r -> r.status > 0 && windows.stream().noneMatch(w -> w.overlaps(r.start, r.end)))
                .toList();
        System.out.println("latency outside the fault windows (answered requests, ms): p50 / p90 / p99 / max");
        Map<String, List<Long>> byOp = new TreeMap<>();
        for (Req r : calm) {
            byOp.computeIfAbsent(r.op, k -> new ArrayList<>()).add(r.end - r.start);
        }
        byOp.forEach((op, l) -> System.out.printf("  %-13s %6d  %s%n", op, l.size(), percentiles(l)));
        System.out.printf("  %-13s %6d  %s%n", "all", calm.size(),
                percentiles(calm.stream().map(r -> r.end - r.start).collect(Collectors.toList())));
    }

    static String percentiles(List<Long> l) {
        List<Long> s = new ArrayList<>(l);
        s.sort(null);
        if (s.isEmpty()) {
            return "-";
        }
        return pct(s, 50) + " / " + pct(s, 90) + " / " + pct(s, 99) + " / " + s.get(s.size() - 1);
    }

    static long pct(List<Long> s, int p) {
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }

    // --- the store --------------------------------------------------------------------------------------

    static BigDecimal one(Connection db, String sql) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            BigDecimal v = rs.getBigDecimal(1);
            return v == null ? BigDecimal.ZERO : v;
        }
    }

    static List<String> rows(Connection db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> cols = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    cols.add(String.valueOf(rs.getObject(i)));
                }
                out.add(String.join(" ", cols));
            }
        }
        return out;
    }

    static String few(List<String> l) {
        return l.isEmpty() ? "" : l.stream().limit(3).collect(Collectors.joining("; ", " (e.g. ", ")"));
    }

    void ledger(Connection db) throws SQLException {
        BigDecimal sum = one(db, "SELECT sum(balance) FROM ledger_account");
        expect(sum.signum() == 0, "the sum of all balances is zero: " + sum.toPlainString());
        List<String> negative = rows(db, "SELECT id, balance FROM ledger_account WHERE kind <> 'BRIDGE' AND balance < 0");
        expect(negative.isEmpty(), "no balance but the bridge's is negative: " + negative.size() + " negative" + few(negative));
        List<String> drift = rows(db, """
                SELECT a.id, a.balance, coalesce(i.s, 0) - coalesce(o.s, 0)
                FROM ledger_account a
                LEFT JOIN (SELECT to_account id, sum(amount) s FROM ledger_transfer GROUP BY 1) i ON i.id = a.id
                LEFT JOIN (SELECT from_account id, sum(amount) s FROM ledger_transfer GROUP BY 1) o ON o.id = a.id
                WHERE a.balance <> coalesce(i.s, 0) - coalesce(o.s, 0)""");
        long accounts = one(db, "SELECT count(*) FROM ledger_account").longValue();
        long transfers = one(db, "SELECT count(*) FROM ledger_transfer").longValue();
        expect(drift.isEmpty(), "every balance equals the sum of its transfers (" + accounts + " accounts, " + transfers
                + " transfers): " + drift.size() + " differ" + few(drift));
        BigDecimal held = one(db, "SELECT sum(balance) FROM ledger_account WHERE kind <> 'BRIDGE'");
        BigDecimal bridge = one(db, "SELECT sum(balance) FROM ledger_account WHERE kind = 'BRIDGE'");
        BigDecimal credited = one(db, "SELECT sum(amount) FROM credit");
        expect(held.equals(bridge.negate()) && held.equals(credited), "holdings plus escrows, deposits and stakes = -bridge = credits: "
                + held.toPlainString() + " / " + bridge.negate().toPlainString() + " / " + credited.toPlainString());
        BigDecimal pool = one(db, "SELECT sum(balance) FROM ledger_account WHERE kind = 'STAKE_POOL'");
        BigDecimal staked = one(db, "SELECT sum(amount) FROM stake");
        expect(pool.equals(staked), "the stake pool holds the sum of the stakes: " + pool.toPlainString() + " / " + staked.toPlainString());
        List<String> deposits = rows(db, """
                SELECT c.id, c.status, c.deposit, coalesce(a.balance, 0) FROM contract c
                LEFT JOIN ledger_account a ON a.id = 'deposit/' || c.id
                WHERE coalesce(a.balance, 0) <> CASE WHEN c.status = 'DEPLOYED' THEN c.deposit ELSE 0 END""");
        expect(deposits.isEmpty(), "each deployed contract's deposit account holds its deposit, an undeployed one's nothing: "
                + deposits.size() + " differ" + few(deposits));
    }

    void credits(Connection db) throws SQLException {
        List<String> dup = rows(db, "SELECT reference, count(*) FROM ledger_transfer WHERE reason = 'credit' GROUP BY reference HAVING count(*) <> 1");
        List<String> orphans = rows(db, """
                SELECT c.transfer_id FROM credit c WHERE NOT EXISTS (SELECT 1 FROM ledger_transfer t
                  WHERE t.reason = 'credit' AND t.reference = c.transfer_id AND t.to_account = c.account AND t.amount = c.amount)
                UNION ALL
                SELECT t.reference FROM ledger_transfer t WHERE t.reason = 'credit'
                  AND NOT EXISTS (SELECT 1 FROM credit c WHERE c.transfer_id = t.reference)""");
        long n = one(db, "SELECT count(*) FROM credit").longValue();
        expect(dup.isEmpty() && orphans.isEmpty(), "each credit is applied once: " + n + " credits, " + dup.size()
                + " transferIds moved money more than once, " + orphans.size() + " without their one transfer" + few(dup) + few(orphans));

        Map<String, String[]> stored = new HashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT transfer_id, account, amount, balance_after FROM credit")) {
            while (rs.next()) {
                stored.put(rs.getString(1), new String[] {rs.getString(2), rs.getBigDecimal(3).toPlainString(),
                        rs.getBigDecimal(4).toPlainString()});
            }
        }
        Map<String, List<Req>> sent = new LinkedHashMap<>();
        for (Req r : reqs) {
            if (r.kind().startsWith("credit")) {
                sent.computeIfAbsent(r.k1, k -> new ArrayList<>()).add(r);
            }
        }
        int acked = 0;
        int unclearApplied = 0;
        int unclearNot = 0;
        List<String> missing = new ArrayList<>();
        for (var e : sent.entrySet()) {
            List<Req> tries = e.getValue();
            String[] s = stored.get(e.getKey());
            Req first = tries.get(0);
            if (tries.stream().anyMatch(Req::ok)) {
                acked++;
                Req ok = tries.stream().filter(Req::ok).findFirst().get();
                String answered = ok.k4.substring(ok.k4.lastIndexOf('/') + 1);
                if (s == null || !s[0].equals(first.k2) || !s[1].equals(first.k3) || !s[2].equals(answered)) {
                    missing.add(e.getKey() + (s == null ? " absent" : " stored " + String.join("/", s) + ", answered " + ok.k4));
                }
            } else if (s != null) {
                unclearApplied++;
            } else if (tries.stream().anyMatch(r -> r.outcome.equals("UNCLEAR"))) {
                unclearNot++;
            }
        }
        List<String> unknown = stored.keySet().stream().filter(id -> !sent.containsKey(id)).toList();
        expect(missing.isEmpty(), "every acknowledged credit is stored as answered (account, amount, balance after): "
                + (acked - missing.size()) + " of " + acked + few(missing));
        expect(unknown.isEmpty(), "no credit stored that the load never sent: " + unknown.size() + few(unknown));
        System.out.println("    credits never acknowledged (no clear answer, no successful retry): " + unclearApplied
                + " applied, " + unclearNot + " not applied");
    }

    void contracts(Connection db) throws SQLException {
        Map<String, String[]> stored = new HashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT id, cluster_id, deployer, status FROM contract")) {
            while (rs.next()) {
                stored.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
            }
        }
        Map<String, List<Req>> deploys = new LinkedHashMap<>();
        Map<String, List<Req>> undeploys = new HashMap<>();
        for (Req r : reqs) {
            if (r.kind().startsWith("deploy")) {
                deploys.computeIfAbsent(r.k1, k -> new ArrayList<>()).add(r);
            } else if (r.kind().equals("undeploy")) {
                undeploys.computeIfAbsent(r.k1, k -> new ArrayList<>()).add(r);
            }
        }
        int acked = 0;
        int unclearPresent = 0;
        int unclearAbsent = 0;
        int undeployedAcked = 0;
        List<String> wrong = new ArrayList<>();
        for (var e : deploys.entrySet()) {
            String id = e.getKey();
            List<Req> tries = e.getValue();
            String[] s = stored.get(id);
            boolean ack = tries.stream().anyMatch(r -> r.ok() || r.op.equals("deploy-retry") && r.code.equals("DUPLICATE_CONTRACT"));
            tries.stream().filter(r -> r.ok() && !r.k4.equals(r.k1)).findFirst()
                    .ifPresent(r -> wrong.add(id + " answered with id " + r.k4));
            if (!ack) {
                if (s != null) {
                    unclearPresent++;
                } else if (tries.stream().anyMatch(r -> r.outcome.equals("UNCLEAR"))) {
                    unclearAbsent++;
                }
                continue;
            }
            acked++;
            if (s == null) {
                wrong.add(id + " acknowledged but absent");
                continue;
            }
            if (!s[0].equals(tries.get(0).k2) || !s[1].equals(tries.get(0).k3)) {
                wrong.add(id + " stored in " + s[0] + " by " + s[1]);
            }
            List<Req> u = undeploys.getOrDefault(id, List.of());
            boolean undeployed = u.stream().anyMatch(r -> r.ok() || r.code.equals("CONFLICT"));
            boolean maybe = u.stream().anyMatch(r -> r.outcome.equals("UNCLEAR"));
            if (undeployed) {
                undeployedAcked++;
            }
            String expected = undeployed ? "UNDEPLOYED" : maybe ? null : "DEPLOYED";
            if (expected != null && !expected.equals(s[2])) {
                wrong.add(id + " is " + s[2] + ", expected " + expected);
            }
        }
        List<String> stray = stored.keySet().stream().filter(id -> !deploys.containsKey(id)).toList();
        expect(wrong.isEmpty(), "every acknowledged deploy is stored (" + acked + "), and undeployed exactly when an undeploy was acknowledged ("
                + undeployedAcked + "): " + wrong.size() + " wrong" + few(wrong));
        expect(stray.isEmpty(), "no contract stored that the load never deployed: " + stray.size() + few(stray));
        System.out.println("    deploys never acknowledged (no clear answer): " + unclearPresent + " applied, " + unclearAbsent + " not applied");
    }

    void stakes(Connection db) throws SQLException {
        Map<String, BigDecimal> stored = new HashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT account, contract_id, amount FROM stake")) {
            while (rs.next()) {
                stored.put(rs.getString(1) + " " + rs.getString(2), rs.getBigDecimal(3));
            }
        }
        Map<String, List<Req>> tries = new LinkedHashMap<>();
        for (Req r : reqs) {
            if (r.kind().equals("stake")) {
                tries.computeIfAbsent(r.k2 + " " + r.k1, k -> new ArrayList<>()).add(r);
            }
        }
        int exact = 0;
        int lenient = 0;
        List<String> wrong = new ArrayList<>();
        for (var e : tries.entrySet()) {
            List<Req> l = e.getValue();
            BigDecimal actual = stored.getOrDefault(e.getKey(), BigDecimal.ZERO);
            int last = -1;
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i).ok()) {
                    last = i;
                }
            }
            BigDecimal expected = last < 0 ? BigDecimal.ZERO : new BigDecimal(l.get(last).k3);
            Set<BigDecimal> allowed = new HashSet<>();
            allowed.add(expected);
            for (int i = 0; i < l.size(); i++) {
                Req r = l.get(i);
                // A try without a clear answer may have been applied; one before the last acknowledged try
                // can still land after it only if its transaction outlived its answer (no answer in time,
                // or an answer while the store was frozen or restarting).
                boolean late = "TIMEOUT".equals(r.failure) || windows.stream().anyMatch(w -> !w.name.startsWith("SIGKILL") && w.overlaps(r.start, r.end));
                if (r.outcome.equals("UNCLEAR") && (i > last || late)) {
                    allowed.add(new BigDecimal(r.k3));
                }
            }
            if (actual.compareTo(expected) == 0) {
                exact++;
            } else if (allowed.stream().anyMatch(a -> a.compareTo(actual) == 0)) {
                lenient++;
            } else {
                wrong.add(e.getKey() + " is " + actual.toPlainString() + ", last acknowledged " + expected.toPlainString());
            }
        }
        List<String> stray = stored.keySet().stream().filter(k -> !tries.containsKey(k)).toList();
        expect(wrong.isEmpty() && stray.isEmpty(), "each stake is the last acknowledged amount (or one without a clear answer sent after it): "
                + exact + " exact, " + lenient + " an unclear amount, " + wrong.size() + " wrong, " + stray.size() + " never sent"
                + few(wrong) + few(stray));
    }

    void funds(Connection db) throws SQLException {
        Map<String, Long> stored = new HashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT reference, count(*) FROM ledger_transfer WHERE reason = 'fund' GROUP BY reference")) {
            while (rs.next()) {
                stored.put(rs.getString(1), rs.getLong(2));
            }
        }
        Map<String, long[]> sent = new TreeMap<>();
        for (Req r : reqs) {
            if (r.kind().equals("fund")) {
                long[] c = sent.computeIfAbsent(r.k1, k -> new long[2]);
                if (r.ok()) {
                    c[0]++;
                } else if (r.outcome.equals("UNCLEAR")) {
                    c[1]++;
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        long acked = 0;
        for (var e : sent.entrySet()) {
            long n = stored.getOrDefault(e.getKey(), 0L);
            acked += e.getValue()[0];
            if (n < e.getValue()[0] || n > e.getValue()[0] + e.getValue()[1]) {
                wrong.add(e.getKey() + ": " + n + " stored, " + e.getValue()[0] + " acknowledged, " + e.getValue()[1] + " unclear");
            }
        }
        expect(wrong.isEmpty(), "every acknowledged fundCluster is stored, and no refused one (" + acked + " acknowledged): "
                + wrong.size() + " clusters differ" + few(wrong));
    }

    void quotas(Connection db) throws SQLException {
        boolean counter = one(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'cluster' AND column_name = 'contracts_deployed'")
                .signum() > 0;
        Map<String, long[]> limits = new HashMap<>();
        List<String> counterWrong = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT c.id, (c.quota->>'maxContracts')::bigint, (c.quota->>'maxContractsPerDeployer')::bigint,
                       (SELECT count(*) FROM contract k WHERE k.cluster_id = c.id AND k.status = 'DEPLOYED')
                """ + (counter ? ", c.contracts_deployed" : ", NULL") + " FROM cluster c")) {
            while (rs.next()) {
                long max = rs.getObject(2) == null ? Long.MAX_VALUE : rs.getLong(2);
                long per = rs.getObject(3) == null ? Long.MAX_VALUE : rs.getLong(3);
                limits.put(rs.getString(1), new long[] {max, per});
                if (counter && rs.getLong(4) != rs.getLong(5)) {
                    counterWrong.add(rs.getString(1) + " counts " + rs.getLong(5) + ", has " + rs.getLong(4));
                }
            }
        }
        // Over the whole run: deploys and undeploys take the cluster's row lock and stamp their time under
        // it, so replaying the stamps in order gives every count the cluster went through.
        record Event(long at, int delta, String cluster, String deployer) {
        }
        List<Event> ev = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT cluster_id, deployer, (extract(epoch FROM deployed_at) * 1000000)::bigint,
                       (extract(epoch FROM undeployed_at) * 1000000)::bigint FROM contract""")) {
            while (rs.next()) {
                ev.add(new Event(rs.getLong(3), 1, rs.getString(1), rs.getString(2)));
                long undeployed = rs.getLong(4);
                if (!rs.wasNull()) {
                    ev.add(new Event(undeployed, -1, rs.getString(1), rs.getString(2)));
                }
            }
        }
        ev.sort(Comparator.comparingLong(Event::at).thenComparingInt(Event::delta));
        Map<String, Long> now = new HashMap<>();
        Map<String, Long> peak = new TreeMap<>();
        Map<String, Long> nowPer = new HashMap<>();
        long peakPer = 0;
        List<String> over = new ArrayList<>();
        for (Event e : ev) {
            long n = now.merge(e.cluster, (long) e.delta, Long::sum);
            long p = nowPer.merge(e.cluster + " " + e.deployer, (long) e.delta, Long::sum);
            peak.merge(e.cluster, n, Math::max);
            peakPer = Math.max(peakPer, p);
            long[] lim = limits.get(e.cluster);
            if (lim != null && (n > lim[0] || p > lim[1]) && over.size() < 5) {
                over.add(e.cluster.substring(0, 10) + "... " + n + " contracts, " + p + " of " + e.deployer);
            }
        }
        long maxLimit = limits.values().stream().mapToLong(l -> l[0]).max().orElse(0);
        long perLimit = limits.values().stream().mapToLong(l -> l[1]).max().orElse(0);
        expect(over.isEmpty(), "quotas never exceeded (replaying every deploy and undeploy): peak per cluster "
                + peak.values() + " (maxContracts " + maxLimit + "), peak per deployer " + peakPer
                + " (maxContractsPerDeployer " + perLimit + ")" + few(over));
        if (counter) {
            expect(counterWrong.isEmpty(), "each cluster's contracts_deployed equals its deployed contracts: " + counterWrong.size()
                    + " differ" + few(counterWrong));
        }
    }

    // --- what the instances logged ------------------------------------------------------------------

    static final Pattern START = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");
    static final Pattern ERROR_ID = Pattern.compile("error ([0-9a-f-]{36}) on (\\S+) (\\S+)");
    static final Pattern SQLSTATE = Pattern.compile("\\b([0-9A-Z]{5})\\)|SQLSTATE[ =:]*([0-9A-Z]{5})|sqlState[ =:]*([0-9A-Z]{5})");

    void errorLogs(List<Req> load) throws IOException {
        String logs = opt.getOrDefault("logs", "");
        Map<String, String> causeOf = new HashMap<>();
        Map<String, String> traceOf = new HashMap<>();
        Map<String, Integer> unavailable = new TreeMap<>();
        int errors = 0;
        for (String file : logs.trim().isEmpty() ? new String[0] : logs.trim().split("\\s+")) {
            Path p = Path.of(file);
            if (!Files.exists(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (!START.matcher(line).find()) {
                    continue;
                }
                if (line.contains(" store unavailable: ")) {
                    String what = line.substring(line.indexOf(" store unavailable: ") + 20);
                    unavailable.merge(normalize(what.length() > 160 ? what.substring(0, 160) : what), 1, Integer::sum);
                }
                if (!line.contains(" ERROR ")) {
                    continue;
                }
                errors++;
                Matcher m = ERROR_ID.matcher(line);
                List<String> trace = new ArrayList<>();
                int j = i + 1;
                for (; j < lines.size() && !START.matcher(lines.get(j)).find(); j++) {
                    String l = lines.get(j).strip();
                    if (!l.startsWith("at ") && !l.startsWith("...") && !l.isEmpty()) {
                        trace.add(l.length() > 300 ? l.substring(0, 300) + "..." : l);
                    }
                }
                if (m.find()) {
                    String id = m.group(1);
                    String root = trace.isEmpty() ? line : trace.get(trace.size() - 1).replaceFirst("^Caused by: ", "");
                    String state = null;
                    for (String l : trace) {
                        Matcher s = SQLSTATE.matcher(l);
                        if (s.find()) {
                            state = s.group(1) != null ? s.group(1) : s.group(2) != null ? s.group(2) : s.group(3);
                        }
                    }
                    causeOf.put(id, normalize(root) + (state == null ? "" : " [SQLSTATE " + state + "]"));
                    traceOf.put(id, file.replaceAll(".*/", "") + ": " + line.substring(0, Math.min(line.length(), 160))
                            + "\n        " + String.join("\n        ", trace.subList(0, Math.min(trace.size(), 8))));
                }
            }
        }
        List<Req> five = load.stream().filter(r -> r.status >= 500 && r.status != 503).toList();
        System.out.println("the instances' logs: " + errors + " ERROR records");
        if (!five.isEmpty()) {
            System.out.println("  causes of the " + five.size() + " answers 5xx other than 503 (matched by details.errorId):");
            Map<String, List<Req>> byCause = new TreeMap<>();
            for (Req r : five) {
                byCause.computeIfAbsent(causeOf.getOrDefault(r.errorId, "(no log record for errorId " + r.errorId + ")"),
                        k -> new ArrayList<>()).add(r);
            }
            byCause.entrySet().stream().sorted((a, b) -> b.getValue().size() - a.getValue().size()).forEach(e -> {
                List<Req> rs = e.getValue();
                System.out.println("  x" + rs.size() + " " + e.getKey());
                System.out.println("     ops: " + render(count(rs, r -> r.op)) + "; when: " + render(count(rs, r -> where(r.end))));
                String example = traceOf.get(rs.get(0).errorId);
                if (example != null) {
                    System.out.println("     e.g. " + example);
                }
            });
        }
        Set<String> seen = load.stream().map(Req::errorId).collect(Collectors.toSet());
        List<String> unseen = causeOf.keySet().stream().filter(id -> !seen.contains(id)).toList();
        if (!unseen.isEmpty()) {
            // answered after the client had given up, or while the instance shut down at the end
            System.out.println("  500s in the logs that no client received (answered after the client's timeout, or during"
                    + " the instances' shutdown at the end): " + unseen.size());
            count(unseen, causeOf::get).entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(6)
                    .forEach(e -> System.out.println("    x" + e.getValue() + " " + e.getKey()));
        }
        if (!unavailable.isEmpty()) {
            System.out.println("  'store unavailable' (the 503s) by cause:");
            unavailable.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(8)
                    .forEach(e -> System.out.println("    x" + e.getValue() + " " + e.getKey()));
        }
    }

    /** Groups messages that differ only by ids, numbers and addresses. */
    static String normalize(String s) {
        return s.replaceAll("0x[0-9a-f]{8,}", "0x…").replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>")
                .replaceAll("@[0-9a-f]{6,}", "@…").replaceAll("\\b\\d{3,}\\b", "N").replaceAll("t-[0-9a-z]+-\\d+-\\d+", "t-…")
                .replaceAll("fault-u\\d\\d", "fault-uNN");
    }
}
