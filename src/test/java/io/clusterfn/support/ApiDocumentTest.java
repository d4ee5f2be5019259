package io.clusterfn.support;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The judge of exchanges judges: what it lets pass, and what it catches. */
class ApiDocumentTest {
    private static final String ID = "0x" + "ab".repeat(32);
    private static final Map<String, String> JSON = Map.of("content-type", "application/json");
    private static final Map<String, String> WITH_TOKEN = Map.of("content-type", "application/json",
            "authorization", "Bearer t");
    private static final String CREDITED = "{\"transferId\":\"t-1\",\"account\":\"alice\",\"amount\":\"5\",\"balance\":\"5\"}";
    private final ApiDocument document = ApiDocument.get();

    private static ApiDocument.Exchange post(String path, Map<String, String> headers, String body, int status,
            Map<String, String> answerHeaders, String answer) {
        return new ApiDocument.Exchange("POST", path, Map.of(), headers, bytes(body), status, answerHeaders, bytes(answer));
    }

    private static ApiDocument.Exchange get(String path, Map<String, List<String>> query, int status, String answer) {
        return new ApiDocument.Exchange("GET", path, query, Map.of(), new byte[0], status, JSON, bytes(answer));
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }

    private static String error(String code, String details) {
        return "{\"error\":\"" + code + "\",\"message\":\"m\",\"details\":" + details + "}";
    }

    @Test
    void aDocumentedExchangePasses() {
        assertEquals(List.of(), document.check(post("/credit", WITH_TOKEN,
                "{\"account\":\"alice\",\"amount\":\"5\",\"transferId\":\"t-1\"}", 200, JSON, CREDITED)));
        assertEquals(List.of(), document.check(get("/clusters", Map.of("limit", List.of("10"), "publicGood",
                List.of("true")), 200, "{\"items\":[]}")));
    }

    @Test
    void anAnswerMissingAFieldOrWithAnExtraOneIsCaught() {
        String missing = "{\"transferId\":\"t-1\",\"account\":\"alice\",\"amount\":\"5\"}";
        assertProblem("balance", document.check(post("/credit", WITH_TOKEN,
                "{\"account\":\"alice\",\"amount\":\"5\",\"transferId\":\"t-1\"}", 200, JSON, missing)));
        String extra = CREDITED.replace("}", ",\"note\":\"x\"}");
        assertProblem("note", document.check(post("/credit", WITH_TOKEN,
                "{\"account\":\"alice\",\"amount\":\"5\",\"transferId\":\"t-1\"}", 200, JSON, extra)));
    }

    @Test
    void aRequestTheDocumentRefusesMustNotSucceed() {
        String numberAmount = "{\"account\":\"alice\",\"amount\":5,\"transferId\":\"t-1\"}";
        assertProblem("/amount", document.check(post("/credit", WITH_TOKEN, numberAmount, 200, JSON, CREDITED)));
        assertEquals(List.of(), document.check(post("/credit", WITH_TOKEN, numberAmount, 400, JSON,
                error("INVALID_INPUT", "{\"field\":\"amount\"}"))));

        assertProblem("limit", document.check(get("/clusters", Map.of("limit", List.of("x")), 200, "{\"items\":[]}")));
        assertProblem("unknown", document.check(get("/clusters", Map.of("unknown", List.of("1")), 200, "{\"items\":[]}")));
        String twoValues = "{\"account\":\"alice\",\"amount\":\"5\",\"transferId\":\"t-1\"} {}";
        assertProblem("one JSON value", document.check(post("/credit", WITH_TOKEN, twoValues, 200, JSON, CREDITED)));
        assertProblem("text/plain", document.check(post("/credit", Map.of("content-type", "text/plain",
                "authorization", "Bearer t"), "{\"account\":\"alice\",\"amount\":\"5\",\"transferId\":\"t-1\"}",
                200, JSON, CREDITED)));
        assertProblem("bearer token", document.check(post("/credit", JSON,
                "{\"account\":\"alice\",\"amount\":\"5\",\"transferId\":\"t-1\"}", 200, JSON, CREDITED)));
    }

    @Test
    void textWithAControlCharacterOrAnAmountAbove10To30IsOutsideTheDocument() {
        String control = "{\"account\":\"alice\",\"amount\":\"5\",\"transferId\":\"t\\n1\"}";
        assertProblem("transferId", document.check(post("/credit", WITH_TOKEN, control, 200, JSON, CREDITED)));
        String max = "{\"account\":\"alice\",\"amount\":\"1" + "0".repeat(30) + "\",\"transferId\":\"t-1\"}";
        assertEquals(List.of(), document.check(post("/credit", WITH_TOKEN, max, 400, JSON,
                error("INVALID_INPUT", "{\"field\":\"amount\"}"))));
        assertProblem("/amount", document.check(post("/credit", WITH_TOKEN, max.replace("\"1", "\"2"), 200, JSON, CREDITED)));
        assertProblem("transferId", document.check(post("/credit", WITH_TOKEN,
                "{\"account\":\"alice\",\"amount\":\"5\",\"transferId\":\"\u2028 \"}", 200, JSON, CREDITED)));
        assertProblem("account", document.check(post("/credit", WITH_TOKEN,
                "{\"account\":\"alice\\n\",\"amount\":\"5\",\"transferId\":\"t-1\"}", 200, JSON, CREDITED)));
    }

    @Test
    void aStatusOrCodeTheOperationDoesNotListIsCaught() {
        String body = "{\"account\":\"alice\",\"amount\":\"5\",\"transferId\":\"t-1\"}";
        assertProblem("does not list", document.check(post("/credit", WITH_TOKEN, body, 500, JSON,
                error("INTERNAL_ERROR", "{\"errorId\":\"e\"}"))));
        assertProblem("error", document.check(post("/credit", WITH_TOKEN, body, 403, JSON,
                error("NOT_OWNER", "{}"))));
        assertEquals(List.of(), document.check(post("/credit", WITH_TOKEN, body, 403, JSON,
                error("ROLE_REQUIRED", "{\"role\":\"admin\"}"))));
        assertProblem("role", document.check(post("/credit", WITH_TOKEN, body, 403, JSON,
                error("ROLE_REQUIRED", "{}"))));
    }

    @Test
    void documentedHeadersMustBeThere() {
        String body = "{\"account\":\"alice\",\"amount\":\"5\",\"transferId\":\"t-1\"}";
        String unavailable = error("STORE_UNAVAILABLE", "{}");
        assertProblem("Retry-After", document.check(post("/credit", WITH_TOKEN, body, 503, JSON, unavailable)));
        assertEquals(List.of(), document.check(post("/credit", WITH_TOKEN, body, 503,
                Map.of("content-type", "application/json", "retry-after", "5"), unavailable)));
        assertProblem("WWW-Authenticate", document.check(post("/credit", JSON, body, 401, JSON,
                error("UNAUTHENTICATED", "{}"))));
    }

    @Test
    void anUndocumentedFunctionOrMethodIsCaughtUnlessRefusedAsTheDocumentSays() {
        assertProblem("not a path", document.check(post("/mint", WITH_TOKEN, "{}", 200, JSON, "{}")));
        assertEquals(List.of(), document.check(post("/mint", WITH_TOKEN, "{}", 404, JSON, error("NOT_FOUND", "{}"))));
        assertProblem("not a method", document.check(get("/credit", Map.of(), 200, CREDITED)));
        String notAllowed = error("METHOD_NOT_ALLOWED", "{\"allowed\":\"POST\"}");
        assertEquals(List.of(), document.check(new ApiDocument.Exchange("GET", "/credit", Map.of(), Map.of(), new byte[0],
                405, Map.of("content-type", "application/json", "allow", "POST"), bytes(notAllowed))));
        assertProblem("Allow", document.check(get("/credit", Map.of(), 405, notAllowed)));
        assertProblem("NOT_FOUND", document.check(get("/credit", Map.of(), 404, error("NOT_FOUND", "{}"))));
    }

    @Test
    void theDocumentResolves() {
        assertEquals(List.of(), document.compileAll());
        assertTrue(document.paths().contains("/credit"));
    }

    @Test
    void answersOfListsAndNestedObjectsAreHeldToTheirSchemas() {
        String worker = "{\"id\":\"" + ID + "\",\"operator\":\"op\",\"endpoint\":\"e\",\"capacity\":1,\"rentPerEpoch\":\"1\","
                + "\"attributes\":{},\"status\":\"AVAILABLE\"}";
        assertEquals(List.of(), document.check(get("/workers", Map.of(), 200, "{\"items\":[" + worker + "]}")));
        assertProblem("status", document.check(get("/workers", Map.of(), 200,
                "{\"items\":[" + worker.replace("AVAILABLE", "BUSY") + "]}")));
        assertProblem("rentPerEpoch", document.check(get("/workers", Map.of(), 200,
                "{\"items\":[" + worker.replace("\"1\",", "1,") + "]}")));
    }

    private static void assertProblem(String mentioned, List<String> problems) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(mentioned)),
                "expected a problem mentioning '" + mentioned + "', got " + problems);
    }
}
