package io.clusterfn.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterfn.support.ApiDocument;
import io.clusterfn.support.FunctionTest;
import io.clusterfn.support.TestStore;
import io.clusterfn.support.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.bigIntegers;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * Generated inputs for every function, on a real store: valid bodies with generated values, the
 * same bodies mutated (a field of the wrong type, control characters and lone surrogates, huge
 * strings, trailing content, duplicate and unknown keys, a field missing), arbitrary JSON and
 * arbitrary text, and generated query strings for the reads. Whatever comes, the answer is never
 * a 5xx, every refusal is the error envelope, a 400 names its field, and a refused request changes
 * nothing in the store. Failures shrink to a small input and print the seed that reproduces them.
 *
 * <p>Each property runs {@code clusterfn.input.examples} examples (default 500 here, 150 against
 * the packaged application); {@code ./mvnw verify -Dclusterfn.input.examples=5000} is a deep run.
 */
@QuarkusTest
class InputPropertiesTest extends FunctionTest {
    private static final String EXAMPLES = "clusterfn.input.examples";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** HTTP/1.1, as the functions' callers speak it (no cleartext HTTP/2 upgrade). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String OWNER = "input-owner";
    private static final String TOKEN = Tokens.of(OWNER, "admin", "operator", "scheduler");
    private static final List<String> CHANGES = List.of("credit", "registerWorker", "heartbeat", "formCluster",
            "fundCluster", "configureCluster", "deploy", "undeploy", "stake", "epoch", "send", "ack");
    private static final List<String> READS = List.of("balance", "cluster", "clusters", "access", "contract",
            "contracts", "workers", "inbox", "messages");
    private static final List<String> FUNCTIONS = concat(CHANGES, READS);

    /** Ids of things the valid bodies refer to, made once through the functions. */
    private static World world;
    /** The store, read directly for the snapshots. */
    private static Connection store;

    record World(String cluster, String otherCluster, String worker, String otherWorker, String contract,
            String otherContract) {
    }

    @BeforeEach
    void aWorldToReferTo() throws Exception {
        if (world == null) {
            call("credit", Map.of("account", OWNER, "amount", "1000000000000000000", "transferId", UUID.randomUUID().toString()));
            String worker = registered();
            String otherWorker = registered();
            String cluster = formed(worker);
            String otherCluster = formed(otherWorker);
            world = new World(cluster, otherCluster, worker, otherWorker, deployed(cluster), deployed(otherCluster));
        }
    }

    // --- properties --------------------------------------------------------------------------------

    @Test
    void validBodiesWithGeneratedValuesAreAnsweredWithoutFault() {
        qt().withExamples(examples()).forAll(Generate.pick(FUNCTIONS), generatedValues())
                .checkAssert((function, values) -> {
                    Map<String, Object> body = valid(function);
                    values.forEach((field, value) -> body.computeIfPresent(field, (f, old) -> value));
                    checked("POST", function, serialize(body));
                });
    }

    @Test
    void mutatedBodiesAreRefusedWithoutFault() {
        qt().withExamples(examples()).forAll(Generate.pick(FUNCTIONS), mutations())
                .checkAssert((function, mutation) -> checked("POST", function, mutation.apply(valid(function))));
    }

    @Test
    void arbitraryBodiesAreRefusedWithoutFault() {
        qt().withExamples(examples()).forAll(Generate.pick(FUNCTIONS), Generate.oneOf(anyJson(3), strings().allPossible()
                .ofLengthBetween(0, 100))).checkAssert((function, body) -> checked("POST", function, body));
    }

    @Test
    void generatedQueriesOfTheReadsAreAnsweredWithoutFault() {
        // At most three parameters of at most 20,000 characters: within the HTTP server's 64 KiB request line.
        qt().withExamples(examples()).forAll(Generate.pick(READS), lists().of(queryParameter()).ofSizeBetween(0, 3)
                        .describedAs(params -> params.stream().map(p -> p[0] + "=" + abbreviate(p[1])).toList().toString()))
                .checkAssert((function, params) -> {
                    List<String> pairs = new ArrayList<>();
                    valid(function).forEach((name, value) -> {
                        if (!(value instanceof Map) && !(value instanceof List)) {
                            pairs.add(encode(name) + "=" + encode(String.valueOf(value)));
                        }
                    });
                    params.forEach(p -> pairs.add(encode(p[0]) + "=" + encode(p[1])));
                    checked("GET", function + "?" + String.join("&", pairs), null);
                });
    }

    /** Examples per property. */
    int examples() {
        return Integer.getInteger(EXAMPLES, 500);
    }

    // --- what must hold ------------------------------------------------------------------------------

    /** Sends one request and checks every rule of an answer; a refusal must leave the store as it was. */
    private static void checked(String method, String path, String body) {
        try {
            String before = snapshot();
            HttpResponse<String> answer = send(method, path, body);
            int status = answer.statusCode();
            String what = method + " /" + abbreviate(path) + " " + abbreviate(body) + " -> " + status + " "
                    + abbreviate(answer.body());
            // The request and its answer as the API reference describes them.
            assertEquals(List.of(), ApiDocument.get().check(ApiDocument.exchange(method, answer.request().uri(),
                    answer.request().headers().map().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().get(0))), body, answer)), what);
            assertTrue(status < 500, "never a 5xx: " + what);
            if (status == 414 || status == 431) {
                // Over the HTTP server's limits for the request line or headers: refused before any function reads it.
                assertEquals(before, snapshot(), "a refused request changes nothing: " + what);
            } else if (status >= 400) {
                Map<?, ?> envelope = JSON.readValue(answer.body(), Map.class);
                assertInstanceOf(String.class, envelope.get("error"), "the envelope's error: " + what);
                assertInstanceOf(String.class, envelope.get("message"), "the envelope's message: " + what);
                assertInstanceOf(Map.class, envelope.get("details"), "the envelope's details: " + what);
                if (status == 400) {
                    Object field = ((Map<?, ?>) envelope.get("details")).get("field");
                    assertTrue(field instanceof String name && !name.isEmpty(), "a 400 names its field: " + what);
                }
                assertEquals(before, snapshot(), "a refused request changes nothing: " + what);
            }
        } catch (IOException | SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the store holds that a function could change, boiled down to one text. */
    private static String snapshot() throws SQLException {
        if (store == null || store.isClosed()) {
            store = DriverManager.getConnection(TestStore.jdbcUrl(), "postgres", "postgres");
        }
        try (Statement s = store.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT (SELECT md5(coalesce(string_agg(id || '=' || balance, ',' ORDER BY id), '')) FROM ledger_account),
                               (SELECT count(*) FROM ledger_transfer), (SELECT count(*) FROM credit),
                               (SELECT md5(coalesce(string_agg(id || status || permission::text || quota::text || pricing::text
                                    || messaging::text || treasury || contracts_deployed, ',' ORDER BY id), '')) FROM cluster),
                               (SELECT md5(coalesce(string_agg(id || status || coalesce(cluster_id, '-')
                                    || coalesce(last_heartbeat_epoch, -1), ',' ORDER BY id), '')) FROM worker),
                               (SELECT md5(coalesce(string_agg(id || status, ',' ORDER BY id), '')) FROM contract),
                               (SELECT md5(coalesce(string_agg(contract_id || account || amount, ',' ORDER BY contract_id, account),
                                    '')) FROM stake),
                               (SELECT count(*) FROM message), (SELECT coalesce(sum(last_seq + delivered_seq), 0) FROM channel),
                               (SELECT coalesce(last_settled, -1) FROM epoch_state)
                        """)) {
            rs.next();
            List<String> parts = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                parts.add(rs.getString(i));
            }
            return String.join("|", parts);
        }
    }

    // --- inputs ----------------------------------------------------------------------------------------

    /** A valid body of each function, with fresh ids where a repeat would be refused. */
    private static Map<String, Object> valid(String function) {
        World w = world;
        Map<String, Object> body = new LinkedHashMap<>();
        switch (function) {
            case "credit" -> body.putAll(Map.of("account", OWNER, "amount", "1", "transferId", UUID.randomUUID().toString()));
            case "balance" -> body.put("account", OWNER);
            case "registerWorker" -> body.putAll(Map.of("workerId", hex64(), "endpoint", "https://w.example/x", "capacity", 2,
                    "rentPerEpoch", "1", "attributes", Map.of("tee", "sgx")));
            case "heartbeat" -> body.put("workerId", w.worker());
            case "formCluster" -> body.putAll(Map.of("name", "generated", "workers", List.of(hex64()), "prepaidEpochs", 1,
                    "permission", Map.of("rule", "ALLOW_LIST", "accounts", List.of(OWNER)),
                    "quota", Map.of("maxContracts", 5), "pricing", Map.of("deployFee", "1", "depositPerByte", "0")));
            case "fundCluster" -> body.putAll(Map.of("clusterId", w.cluster(), "amount", "1"));
            case "configureCluster" -> body.putAll(Map.of("clusterId", w.cluster(), "pricing", Map.of("deployFee", "0"),
                    "messaging", Map.of("accept", "ANY")));
            case "cluster" -> body.put("id", w.cluster());
            case "clusters" -> body.putAll(Map.of("owner", OWNER, "limit", 2));
            case "access" -> body.putAll(Map.of("clusterId", w.cluster(), "codeSize", 100, "codeHash", hex64()));
            case "deploy" -> body.putAll(Map.of("clusterId", w.cluster(), "codeHash", hex64(), "codeSize", 100, "salt", "s"));
            case "undeploy" -> body.put("contractId", hex64());
            case "contract" -> body.put("id", w.contract());
            case "contracts" -> body.putAll(Map.of("cluster", w.cluster(), "limit", 3));
            case "stake" -> body.putAll(Map.of("contractId", w.contract(), "amount", "0"));
            case "epoch" -> body.put("epoch", 0);
            case "workers" -> body.putAll(Map.of("operator", OWNER, "limit", 3));
            case "send" -> body.putAll(Map.of("workerId", w.worker(), "from", w.contract(), "to", w.otherContract(),
                    "nonce", "n-" + UUID.randomUUID(), "payload", "aGk="));
            case "inbox" -> body.putAll(Map.of("workerId", w.otherWorker(), "limit", 2));
            case "ack" -> body.putAll(Map.of("workerId", w.otherWorker(), "fromCluster", w.cluster(), "upTo", 0));
            case "messages" -> body.putAll(Map.of("contractId", w.contract(), "direction", "out"));
            default -> fail("no valid body for " + function);
        }
        return body;
    }

    /** Values a body may carry: amounts up to the cap, counts, printable names of many scripts. */
    private static Gen<Map<String, Object>> generatedValues() {
        Gen<String> amount = bigIntegers().ofBytes(13).map((BigInteger b) -> b.abs().toString());
        Gen<Long> count = longs().between(0, 2_000_000);
        Gen<String> text = strings().betweenCodePoints(0x20, 0x2FF).ofLengthBetween(1, 40);
        return amount.zip(amount, count, text, (a, b, c, t) -> {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("amount", a);
            values.put("rentPerEpoch", b);
            values.put("codeSize", c);
            values.put("capacity", c);
            values.put("limit", c);
            values.put("upTo", c);
            values.put("name", t);
            values.put("endpoint", t);
            return values;
        });
    }

    /** A change to a valid body, giving the text to send. */
    interface Mutation {
        String apply(Map<String, Object> body);
    }

    private static Gen<Mutation> mutations() {
        Gen<Integer> index = integers().between(0, 50);
        Gen<Object> wrongValue = Generate.pick(List.of(1, -7, 2.5, true, false, List.of(1, "x"), Map.of("k", "v"), Map.of(),
                "text", "", "0x1", Long.MAX_VALUE));
        Gen<String> unprintable = Generate.oneOf(integers().between(0, 0x1F).map(c -> String.valueOf((char) c.intValue())),
                Generate.constant("\u007f"), integers().between(0xD800, 0xDFFF).map(c -> String.valueOf((char) c.intValue())));
        Gen<Integer> hugeLength = integers().between(1_000, 300_000);
        Gen<String> trailing = Generate.pick(List.of("}", "{}", "x", "[]", " 1", ",", "\"a\"", "{\"a\":1}"));
        Gen<String> unknownKey = strings().basicLatinAlphabet().ofLengthBetween(1, 12);
        return Generate.oneOf(
                index.zip(wrongValue, (i, v) -> named("wrong type", body -> {
                    body.put(nth(body, i), v);
                    return serialize(body);
                })),
                index.zip(unprintable, index, (i, c, at) -> named("escaped unprintable", body -> {
                    String field = nthText(body, i);
                    if (field != null) {
                        String value = (String) body.get(field);
                        int p = Math.min(at, value.length());
                        body.put(field, value.substring(0, p) + c + value.substring(p));
                    }
                    return serialize(body);
                })),
                index.zip(unprintable, (i, c) -> named("raw unprintable", body -> {
                    String field = nthText(body, i);
                    return field == null ? serialize(body)
                            : serialize(body).replace("\"" + body.get(field) + "\"", "\"" + c + body.get(field) + "\"");
                })),
                index.zip(hugeLength, (i, n) -> named("huge", body -> {
                    body.put(nth(body, i), "x".repeat(n));
                    return serialize(body);
                })),
                index.map(i -> named("missing", body -> {
                    body.remove(nth(body, i));
                    return serialize(body);
                })),
                unknownKey.map(k -> named("unknown key", body -> {
                    body.put(k + "_", "v");
                    return serialize(body);
                })),
                trailing.map(t -> named("trailing", body -> serialize(body) + t)),
                index.map(i -> named("duplicate key", body -> {
                    String field = nth(body, i);
                    String text = serialize(body);
                    return text.substring(0, text.length() - 1) + ",\"" + field + "\":" + serialize(body.get(field)) + "}";
                })));
    }

    /** Any JSON document, up to the given depth, with keys the functions know among others. */
    private static Gen<String> anyJson(int depth) {
        Gen<String> scalar = Generate.oneOf(integers().all().map((Integer i) -> String.valueOf(i)), Generate.constant("null"),
                Generate.constant("true"), Generate.constant("1.5e3"), strings().allPossible().ofLengthBetween(0, 10)
                        .map(InputPropertiesTest::quote));
        if (depth == 0) {
            return scalar;
        }
        Gen<String> element = anyJson(depth - 1);
        Gen<String> key = Generate.pick(List.of("epoch", "amount", "id", "clusterId", "workers", "data", "specversion", "x"));
        Gen<String> array = lists().of(element).ofSizeBetween(0, 3).map(l -> "[" + String.join(",", l) + "]");
        Gen<String> object = lists().of(key.zip(element, (k, v) -> quote(k) + ":" + v)).ofSizeBetween(0, 3)
                .map(l -> "{" + String.join(",", l) + "}");
        return Generate.oneOf(scalar, array, object);
    }

    private static Gen<String[]> queryParameter() {
        Gen<String> name = Generate.oneOf(Generate.pick(List.of("id", "account", "limit", "cursor", "owner", "status",
                "publicGood", "cluster", "deployer", "operator", "workerId", "contractId", "direction", "codeSize")),
                strings().allPossible().ofLengthBetween(1, 10));
        Gen<String> value = Generate.oneOf(strings().allPossible().ofLengthBetween(0, 30), integers().all().map((Integer i) -> String.valueOf(i)),
                Generate.pick(List.of("true", "false", "-1", "0", "501", "ACTIVE", "", "out", "in")),
                integers().between(1_000, 20_000).map("y"::repeat));
        return name.zip(value, (n, v) -> new String[] {n, v});
    }

    private static Mutation named(String kind, Mutation mutation) {
        return new Mutation() {
            @Override
            public String apply(Map<String, Object> body) {
                return mutation.apply(body);
            }

            @Override
            public String toString() {
                return kind;
            }
        };
    }

    // --- plumbing -------------------------------------------------------------------------------------

    private static String registered() throws Exception {
        String id = hex64();
        call("registerWorker", Map.of("workerId", id, "endpoint", "https://w.example", "capacity", 4, "rentPerEpoch", "1",
                "attributes", Map.of()));
        return id;
    }

    private static String formed(String worker) throws Exception {
        return (String) call("formCluster", Map.of("name", "inputs", "workers", List.of(worker), "prepaidEpochs", 100,
                "permission", Map.of("rule", "PUBLIC"), "messaging", Map.of("accept", "ANY"))).get("id");
    }

    private static String deployed(String cluster) throws Exception {
        return (String) call("deploy", Map.of("clusterId", cluster, "codeHash", hex64(), "codeSize", 10)).get("id");
    }

    private static Map<?, ?> call(String function, Map<String, Object> body) throws Exception {
        HttpResponse<String> answer = send("POST", function, serialize(body));
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readValue(answer.body(), Map.class);
    }

    private static HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/" + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String nth(Map<String, Object> body, int i) {
        List<String> keys = List.copyOf(body.keySet());
        return keys.isEmpty() ? "x" : keys.get(i % keys.size());
    }

    private static String nthText(Map<String, Object> body, int i) {
        List<String> texts = body.entrySet().stream().filter(e -> e.getValue() instanceof String).map(Map.Entry::getKey).toList();
        return texts.isEmpty() ? null : texts.get(i % texts.size());
    }

    private static String serialize(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        return serialize(s);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static String hex64() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
