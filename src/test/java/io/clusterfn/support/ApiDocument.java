package io.clusterfn.support;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.regex.JoniRegularExpressionFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API reference, {@code META-INF/openapi.yaml}, as a judge of HTTP exchanges: is the request
 * one the document describes, and is the answer one it promises for that request? Schemas are
 * checked by a JSON Schema 2020-12 validator (OpenAPI 3.1 dialect, ECMA-262 patterns, formats
 * asserted), so the document is held to exactly what it says.
 */
public final class ApiDocument {
    public static final String RESOURCE = "META-INF/openapi.yaml";
    /** The name schemas are resolved under; it is only a key, nothing is fetched. */
    private static final String IRI = "classpath:" + RESOURCE;
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static volatile ApiDocument instance;

    private final JsonNode root;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private ApiDocument(JsonNode root) {
        this.root = root;
        String json = root.toString();
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .formatAssertionsEnabled(true)
                .regularExpressionFactory(JoniRegularExpressionFactory.getInstance())
                .build();
        // The document's root is read as a schema resource so that schemas resolve their $refs in
        // it; its own fields are no schema keywords.
        Dialect.Builder dialect = Dialect.builder(Dialects.getOpenApi31());
        root.fieldNames().forEachRemaining(name -> dialect.keyword(new NonValidationKeyword(name)));
        this.registry = SchemaRegistry.withDefaultDialect(dialect.build(),
                builder -> builder.schemaRegistryConfig(config).schemas(Map.of(IRI, json)));
    }

    /** The document on the classpath, read once. */
    public static ApiDocument get() {
        ApiDocument loaded = instance;
        if (loaded == null) {
            synchronized (ApiDocument.class) {
                if (instance == null) {
                    instance = new ApiDocument(read());
                }
                loaded = instance;
            }
        }
        return loaded;
    }

    /** The document's tree, as parsed from the YAML file. */
    public static JsonNode read() {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode root() {
        return root;
    }

    /** The documented paths, e.g. {@code /credit}. */
    public Set<String> paths() {
        Set<String> paths = new LinkedHashSet<>();
        root.path("paths").fieldNames().forEachRemaining(paths::add);
        return paths;
    }

    /** One request and its answer; header names lower-case. */
    public record Exchange(String method, String path, Map<String, List<String>> query,
            Map<String, String> requestHeaders, byte[] requestBody, int status, Map<String, String> responseHeaders,
            byte[] responseBody) {
        String label() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    /** An exchange made with {@code java.net.http} (for tests that do not use rest-assured). */
    public static Exchange exchange(String method, URI uri, Map<String, String> requestHeaders, String body,
            HttpResponse<String> answer) {
        Map<String, String> sent = new LinkedHashMap<>();
        requestHeaders.forEach((name, value) -> sent.put(name.toLowerCase(Locale.ROOT), value));
        Map<String, String> received = new LinkedHashMap<>();
        answer.headers().map().forEach((name, values) -> received.put(name.toLowerCase(Locale.ROOT), values.get(0)));
        return new Exchange(method, uri.getRawPath() == null ? "" : decode(uri.getRawPath()), query(uri.getRawQuery()),
                sent, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), answer.statusCode(), received,
                answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8));
    }

    /** A raw query string as names and their values, decoded. */
    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A malformed escape is sent as it is; the document judges the text.
            return raw;
        }
    }

    /**
     * What is wrong with an exchange, by the document; empty if nothing. The platform's own
     * endpoints under {@code /q/} and the dashboard's static files are not the API and are not judged.
     */
    public List<String> check(Exchange e) {
        List<String> problems = new ArrayList<>();
        if (e.path().startsWith("/q/") || isStaticFile(e.path())) {
            return problems;
        }
        JsonNode pathItem = root.path("paths").get(e.path());
        if (pathItem == null) {
            // Not a function: the only documented answer is 404 NOT_FOUND.
            checkUndocumented(e, "/components/responses/UnknownFunction", 404, "is not a path of the document", problems);
            return problems;
        }
        String method = e.method().toLowerCase(Locale.ROOT);
        JsonNode operation = pathItem.get(method);
        if (operation == null) {
            checkUndocumented(e, "/components/responses/MethodNotAllowed", 405,
                    "is not a method the document lists for " + e.path(), problems);
            return problems;
        }
        String pointer = "/paths/" + escape(e.path()) + "/" + method;
        List<String> refusedRequest = checkRequest(e, pointer, pathItem, operation);
        checkAnswer(e, pointer, operation, problems);
        if (!refusedRequest.isEmpty() && (e.status() < 400 || e.status() > 499)) {
            problems.add(e.label() + " sent a request the document does not accept, yet was answered " + e.status()
                    + " (a request outside the document must be refused with a 4xx):\n    "
                    + String.join("\n    ", refusedRequest));
        }
        return problems;
    }

    /** A file the service serves from {@code META-INF/resources} ({@code /} is its {@code index.html}). */
    private static boolean isStaticFile(String path) {
        String file = path.equals("/") ? "/index.html" : path;
        return !file.contains("..") && Thread.currentThread().getContextClassLoader()
                .getResource("META-INF/resources" + file) != null;
    }

    private void checkUndocumented(Exchange e, String responsePointer, int expected, String what, List<String> problems) {
        if (e.status() != expected) {
            problems.add(e.label() + " " + what + ", yet was answered " + e.status() + " instead of " + expected
                    + body(e.responseBody()));
            return;
        }
        checkResponseObject(e, responsePointer, root.at(responsePointer), problems);
    }

    // --- Requests ----------------------------------------------------------------------------

    /** Why the document does not accept this request; empty if it does. */
    private List<String> checkRequest(Exchange e, String pointer, JsonNode pathItem, JsonNode operation) {
        List<String> refused = new ArrayList<>();
        if (needsToken(operation) && !e.requestHeaders().containsKey("authorization")) {
            refused.add("the operation needs a bearer token and none was sent");
        }
        checkParameters(e, pointer, pathItem, operation, refused);
        if ("get".equals(e.method().toLowerCase(Locale.ROOT))) {
            return refused;
        }
        JsonNode requestBody = operation.get("requestBody");
        byte[] body = e.requestBody() == null ? new byte[0] : e.requestBody();
        String mediaType = mediaType(e.requestHeaders().get("content-type"));
        if (requestBody == null) {
            if (body.length > 0) {
                refused.add("the operation takes no body");
            }
            return refused;
        }
        Resolved resolved = resolve(pointer + "/requestBody");
        JsonNode content = resolved.node().path("content");
        if (body.length == 0 && mediaType == null) {
            // An empty body is read as {}.
            mediaType = "application/json";
        }
        if (mediaType == null || !content.has(mediaType)) {
            refused.add("content type " + mediaType + " is not one the operation takes " + names(content));
            return refused;
        }
        JsonNode value;
        try {
            value = body.length == 0 ? JsonNodeFactory.instance.objectNode() : STRICT_JSON.readTree(body);
        } catch (IOException ex) {
            refused.add("the body is not exactly one JSON value: " + (ex instanceof JacksonException j ? j.getOriginalMessage() : ex.getMessage()));
            return refused;
        }
        validate(resolved.pointer() + "/content/" + escape(mediaType) + "/schema", value, "body", refused);
        return refused;
    }

    private void checkParameters(Exchange e, String pointer, JsonNode pathItem, JsonNode operation, List<String> refused) {
        Set<String> documentedQuery = new LinkedHashSet<>();
        List<String> parameterPointers = new ArrayList<>();
        addParameters(pointer.substring(0, pointer.lastIndexOf('/')), pathItem, parameterPointers);
        addParameters(pointer, operation, parameterPointers);
        for (String parameterPointer : parameterPointers) {
            Resolved parameter = resolve(parameterPointer);
            String name = parameter.node().path("name").asText();
            String in = parameter.node().path("in").asText();
            String schemaPointer = parameter.pointer() + "/schema";
            if ("query".equals(in)) {
                documentedQuery.add(name);
                List<String> values = e.query().get(name);
                if (values == null || values.isEmpty()) {
                    if (parameter.node().path("required").asBoolean(false)) {
                        refused.add("query parameter " + name + " is required");
                    }
                } else if (values.size() > 1) {
                    refused.add("query parameter " + name + " is given " + values.size() + " times");
                } else {
                    validate(schemaPointer, typed(schemaPointer, values.get(0)), "query parameter " + name, refused);
                }
            } else if ("header".equals(in)) {
                String value = e.requestHeaders().get(name.toLowerCase(Locale.ROOT));
                if (value != null) {
                    validate(schemaPointer, TextNode.valueOf(value), "header " + name, refused);
                } else if (parameter.node().path("required").asBoolean(false)) {
                    refused.add("header " + name + " is required");
                }
            }
        }
        for (String name : e.query().keySet()) {
            if (!documentedQuery.contains(name)) {
                refused.add("query parameter " + name + " is not one the operation takes " + documentedQuery);
            }
        }
    }

    private static void addParameters(String pointer, JsonNode node, List<String> into) {
        JsonNode parameters = node.path("parameters");
        for (int i = 0; i < parameters.size(); i++) {
            into.add(pointer + "/parameters/" + i);
        }
    }

    /** A query string as the JSON value its schema's type calls for, so the schema judges it. */
    private JsonNode typed(String schemaPointer, String raw) {
        JsonNode schema = resolve(schemaPointer).node();
        String type = schema.path("type").asText("");
        if ("integer".equals(type) && raw.matches("-?[0-9]{1,40}")) {
            return JsonNodeFactory.instance.numberNode(new BigInteger(raw));
        }
        if ("boolean".equals(type) && (raw.equals("true") || raw.equals("false"))) {
            return BooleanNode.valueOf(Boolean.parseBoolean(raw));
        }
        return TextNode.valueOf(raw);
    }

    private static boolean needsToken(JsonNode operation) {
        JsonNode security = operation.has("security") ? operation.get("security") : null;
        if (security == null || security.isEmpty()) {
            return false;
        }
        for (JsonNode requirement : security) {
            if (requirement.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    // --- Answers -----------------------------------------------------------------------------

    private void checkAnswer(Exchange e, String pointer, JsonNode operation, List<String> problems) {
        String status = Integer.toString(e.status());
        JsonNode responses = operation.path("responses");
        if (!responses.has(status)) {
            problems.add(e.label() + " was answered " + status + ", a status the document does not list for it "
                    + names(responses) + body(e.responseBody()));
            return;
        }
        Resolved response = resolve(pointer + "/responses/" + status);
        checkResponseObject(e, response.pointer(), response.node(), problems);
    }

    private void checkResponseObject(Exchange e, String pointer, JsonNode response, List<String> problems) {
        List<String> wrong = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> headers = response.path("headers").fields();
        while (headers.hasNext()) {
            Map.Entry<String, JsonNode> header = headers.next();
            Resolved resolved = resolve(pointer + "/headers/" + escape(header.getKey()));
            String value = e.responseHeaders().get(header.getKey().toLowerCase(Locale.ROOT));
            if (value == null) {
                if (resolved.node().path("required").asBoolean(false)) {
                    wrong.add("header " + header.getKey() + " is missing");
                }
            } else {
                validate(resolved.pointer() + "/schema", TextNode.valueOf(value), "header " + header.getKey(), wrong);
            }
        }
        JsonNode content = response.path("content");
        byte[] body = e.responseBody() == null ? new byte[0] : e.responseBody();
        if (content.isEmpty()) {
            if (body.length > 0) {
                wrong.add("the document promises no body");
            }
        } else {
            String mediaType = mediaType(e.responseHeaders().get("content-type"));
            if (mediaType == null || !content.has(mediaType)) {
                wrong.add("content type " + mediaType + " is not one the document promises " + names(content));
            } else {
                try {
                    JsonNode value = STRICT_JSON.readTree(body);
                    validate(pointer + "/content/" + escape(mediaType) + "/schema", value, "body", wrong);
                } catch (IOException ex) {
                    wrong.add("the body is not one JSON value: " + ex.getMessage());
                }
            }
        }
        if (!wrong.isEmpty()) {
            problems.add(e.label() + " was answered " + e.status() + " in a way the document (#" + pointer
                    + ") does not allow:\n    " + String.join("\n    ", wrong) + body(e.responseBody()));
        }
    }

    // --- Schemas and references --------------------------------------------------------------

    /** Validates a value against the schema at a JSON pointer of the document. */
    private void validate(String schemaPointer, JsonNode value, String what, List<String> into) {
        Schema schema = schemas.computeIfAbsent(schemaPointer,
                p -> documentSchema().getSubSchema(SchemaLocation.of(IRI + "#" + p).getFragment()));
        for (Error error : schema.validate(value)) {
            into.add(what + " " + error.getInstanceLocation() + ": " + error.getMessage() + " (schema "
                    + error.getSchemaLocation().getFragment() + ")");
        }
    }

    private Schema documentSchema() {
        return schemas.computeIfAbsent("", p -> registry.getSchema(SchemaLocation.of(IRI)));
    }

    /** Loads every schema the document's operations use, so a broken reference fails at once. */
    public List<String> compileAll() {
        List<String> problems = new ArrayList<>();
        collectSchemas("", root, problems);
        root.path("components").path("schemas").fieldNames().forEachRemaining(name -> {
            try {
                validate("/components/schemas/" + escape(name), JsonNodeFactory.instance.nullNode(), "", new ArrayList<>());
            } catch (RuntimeException ex) {
                problems.add("/components/schemas/" + name + ": " + ex.getMessage());
            }
        });
        return problems;
    }

    private void collectSchemas(String pointer, JsonNode node, List<String> problems) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String child = pointer + "/" + escape(field.getKey());
                if ("$ref".equals(field.getKey())) {
                    String ref = field.getValue().asText();
                    if (!ref.startsWith("#/") || root.at(ref.substring(1)).isMissingNode()) {
                        problems.add(pointer + ": $ref " + ref + " names nothing in the document");
                    }
                } else if ("schema".equals(field.getKey()) && !pointer.startsWith("/components/schemas")) {
                    try {
                        validate(child, JsonNodeFactory.instance.nullNode(), "", new ArrayList<>());
                    } catch (RuntimeException ex) {
                        problems.add(child + ": " + ex.getMessage());
                    }
                }
                collectSchemas(child, field.getValue(), problems);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectSchemas(pointer + "/" + i, node.get(i), problems);
            }
        }
    }

    private record Resolved(String pointer, JsonNode node) {
    }

    /** Follows {@code $ref}s of parameters, request bodies, responses, headers and schemas. */
    private Resolved resolve(String pointer) {
        JsonNode node = root.at(pointer);
        for (int hops = 0; node.has("$ref") && hops < 10; hops++) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalStateException(pointer + ": only local references are expected, not " + ref);
            }
            pointer = ref.substring(1);
            node = root.at(pointer);
        }
        if (node.isMissingNode()) {
            throw new IllegalStateException("the document has nothing at #" + pointer);
        }
        return new Resolved(pointer, node);
    }

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static String names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names.toString();
    }

    private static String body(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return "\n    answer: " + (text.length() > 600 ? text.substring(0, 600) + "…" : text);
    }

    /** Parses JSON as strictly as the API does; for tests that compare documents. */
    public static JsonNode parseJson(String json) {
        try {
            return STRICT_JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
