package io.clusterfn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.clusterfn.support.Api;
import io.clusterfn.support.ApiDocument;
import io.clusterfn.support.FunctionTest;
import io.quarkus.funqy.runtime.FunctionInvoker;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.quarkus.test.junit.DisabledOnIntegrationTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The API reference is served as written, with Swagger UI, and describes exactly the functions
 * the service has. (Every other test checks its own requests and answers against it.)
 */
@QuarkusTest
class OpenApiDocumentTest extends FunctionTest {
    @Test
    void theReferenceIsServedAsWrittenInYamlAndJson() throws IOException {
        JsonNode written = ApiDocument.read();
        assertEquals("3.1.0", written.path("openapi").asText());

        Response yaml = given().get("/q/openapi");
        assertEquals(200, yaml.statusCode());
        assertThat(yaml.contentType(), startsWith("application/yaml"));
        assertEquals(List.of(), differences("", written, new YAMLMapper().readTree(yaml.asString())),
                "where /q/openapi differs from " + ApiDocument.RESOURCE);

        Response json = given().queryParam("format", "json").get("/q/openapi");
        assertEquals(200, json.statusCode());
        assertThat(json.contentType(), startsWith("application/json"));
        assertEquals(List.of(), differences("", written, ApiDocument.parseJson(json.asString())),
                "where /q/openapi?format=json differs from " + ApiDocument.RESOURCE);
    }

    /** The JSON pointers where two documents differ, and how. */
    private static List<String> differences(String pointer, JsonNode written, JsonNode served) {
        List<String> found = new ArrayList<>();
        if (written.isObject() && served.isObject()) {
            Set<String> names = new TreeSet<>();
            written.fieldNames().forEachRemaining(names::add);
            served.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String child = pointer + "/" + name;
                if (!written.has(name)) {
                    found.add(child + " added: " + abbreviate(served.get(name)));
                } else if (!served.has(name)) {
                    found.add(child + " missing");
                } else {
                    found.addAll(differences(child, written.get(name), served.get(name)));
                }
            }
        } else if (written.isArray() && served.isArray() && written.size() == served.size()) {
            for (int i = 0; i < written.size(); i++) {
                found.addAll(differences(pointer + "/" + i, written.get(i), served.get(i)));
            }
        } else if (!written.equals(served)) {
            found.add(pointer + ": " + abbreviate(written) + " served as " + abbreviate(served));
        }
        return found;
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    @Test
    void swaggerUiShowsTheReference() {
        String page = given().get("/q/swagger-ui/").then().statusCode(200).extract().asString();
        assertThat(page, containsString("SwaggerUIBundle"));
        assertThat(page, containsString("/q/openapi"));
    }

    @Test
    void swaggerUiRendersEveryDocumentedPathInABrowser() throws Exception {
        // The same browser and the same switches as the dashboard's browser tests.
        Optional<Path> chromium = Optional.ofNullable(System.getenv("CLUSTERFN_CHROMIUM")).map(Path::of)
                .or(() -> Stream.of("chromium", "chromium-browser", "google-chrome")
                        .flatMap(name -> Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(dir -> Path.of(dir, name)))
                        .filter(Files::isExecutable).findFirst());
        if (chromium.isEmpty()) {
            String missing = "no chromium (CLUSTERFN_CHROMIUM or PATH) to render Swagger UI";
            if ("required".equalsIgnoreCase(System.getenv("CLUSTERFN_BROWSER_TESTS"))) {
                fail(missing + " (CLUSTERFN_BROWSER_TESTS=required)");
            }
            Assumptions.abort(missing);
        }
        Path dom = Files.createTempFile("swagger-ui", ".html");
        try {
            Process browser = new ProcessBuilder(chromium.get().toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--user-data-dir=" + Files.createTempDirectory("chromium"), "--virtual-time-budget=20000",
                    "--dump-dom", "http://localhost:" + RestAssured.port + "/q/swagger-ui/")
                    .redirectOutput(dom.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(browser.waitFor(120, TimeUnit.SECONDS), "the browser did not finish");
            String page = Files.readString(dom);
            assertThat(page, containsString("OAS 3.1"));
            for (String path : ApiDocument.get().paths()) {
                assertThat(page, containsString("data-path=\"" + path + "\""));
            }
        } finally {
            Files.deleteIfExists(dom);
        }
    }

    @Test
    @DisabledOnIntegrationTest("reads the function registry of the application under test, in this JVM")
    void everyFunctionIsDocumentedAndEveryDocumentedPathIsAFunction() {
        Set<String> functions = FunctionRecorder.registry.invokers().stream().map(FunctionInvoker::getName)
                .map(name -> "/" + name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = new TreeSet<>(ApiDocument.get().paths());

        Set<String> undocumented = new TreeSet<>(functions);
        undocumented.removeAll(documented);
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(functions);
        assertTrue(undocumented.isEmpty(), "functions the API reference lacks: " + undocumented);
        assertTrue(missing.isEmpty(), "paths of the API reference that no function serves: " + missing);
    }

    @Test
    void theDocumentsSchemasAndReferencesAllResolve() {
        assertEquals(List.of(), ApiDocument.get().compileAll());
    }

    @Test
    void methodsTheDocumentDoesNotListAreRefusedWith405() {
        // The filter holds each answer to the document's MethodNotAllowed response; every path is
        // tried before the test fails, so that it names them all.
        List<String> refusedOtherwise = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = ApiDocument.get().root().path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : new String[] {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
                if (!path.getValue().has(method.toLowerCase(Locale.ROOT))) {
                    try {
                        Api.anonymous().request().body("{}").request(method, path.getKey()).then().statusCode(405);
                    } catch (AssertionError e) {
                        refusedOtherwise.add(e.getMessage().lines().skip(1).findFirst().orElse(e.getMessage()).trim());
                    }
                }
            }
        }
        assertEquals(List.of(), refusedOtherwise);
    }

    @Test
    void aPathTheDocumentDoesNotListIsNotAFunction() {
        Api.anonymous().post("noSuchFunction", Map.of()).statusCode(404);
        Api.anonymous().get("noSuchFunction", Map.of()).statusCode(404);
    }
}
