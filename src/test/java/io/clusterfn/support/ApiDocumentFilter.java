package io.clusterfn.support;

import io.restassured.RestAssured;
import io.restassured.authentication.ExplicitNoAuthScheme;
import io.restassured.authentication.NoAuthScheme;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A rest-assured filter that judges every request a test sends, and its answer, by the API
 * reference ({@link ApiDocument}). A mismatch fails the request at once and is also kept, so that
 * {@link ApiDocumentCheck} fails the test even when the request ran on another thread.
 */
public final class ApiDocumentFilter implements OrderedFilter {
    private static final List<String> FAILURES = new ArrayList<>();

    /** Adds the filter to rest-assured's global filters, once per class loader. */
    public static void install() {
        if (RestAssured.filters().stream().noneMatch(ApiDocumentFilter.class::isInstance)) {
            RestAssured.filters(new ApiDocumentFilter());
        }
    }

    /** The mismatches found since the last call. */
    public static List<String> takeFailures() {
        synchronized (FAILURES) {
            List<String> taken = List.copyOf(FAILURES);
            FAILURES.clear();
            return taken;
        }
    }

    @Override
    public int getOrder() {
        // Closest to the wire: sees the request as sent and the answer as received.
        return HIGHEST_PRECEDENCE;
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
            FilterContext ctx) {
        Response response = ctx.next(request, responseSpec);
        List<String> problems = ApiDocument.get().check(exchange(request, response));
        if (!problems.isEmpty()) {
            String message = "The API reference (" + ApiDocument.RESOURCE + ") disagrees:\n  "
                    + String.join("\n  ", problems);
            synchronized (FAILURES) {
                FAILURES.add(message);
            }
            throw new AssertionError(message);
        }
        return response;
    }

    static ApiDocument.Exchange exchange(FilterableRequestSpecification request, Response response) {
        URI uri = URI.create(request.getURI());
        Map<String, String> requestHeaders = new LinkedHashMap<>();
        for (Header h : request.getHeaders()) {
            requestHeaders.put(h.getName().toLowerCase(Locale.ROOT), h.getValue());
        }
        // rest-assured adds the Authorization header of auth().oauth2(...) after the filters run.
        if (!(request.getAuthenticationScheme() instanceof NoAuthScheme)
                && !(request.getAuthenticationScheme() instanceof ExplicitNoAuthScheme)) {
            requestHeaders.putIfAbsent("authorization", "Bearer");
        }
        if (request.getContentType() != null) {
            requestHeaders.put("content-type", request.getContentType());
        }
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        for (Header h : response.getHeaders()) {
            responseHeaders.put(h.getName().toLowerCase(Locale.ROOT), h.getValue());
        }
        return new ApiDocument.Exchange(request.getMethod(), uri.getPath(), ApiDocument.query(uri.getRawQuery()), requestHeaders,
                bytes(request.getBody()), response.getStatusCode(), responseHeaders, response.asByteArray());
    }

    private static byte[] bytes(Object body) {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] b) {
            return b;
        }
        if (body instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof InputStream in) {
            try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
                in.transferTo(out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("a request body of type " + body.getClass() + " cannot be judged");
    }
}
