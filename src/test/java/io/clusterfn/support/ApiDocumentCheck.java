package io.clusterfn.support;

import io.quarkus.test.junit.callback.QuarkusTestAfterAllCallback;
import io.quarkus.test.junit.callback.QuarkusTestAfterEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestBeforeClassCallback;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestContext;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

import java.util.List;

/**
 * Puts every {@code @QuarkusTest} and {@code @QuarkusIntegrationTest} under the API reference:
 * installs {@link ApiDocumentFilter} before a test class runs, and fails a test (or the class, for
 * its {@code @AfterAll} work) in which a request or an answer disagreed with the document, also
 * when the request ran on another thread or its failure was caught. Registered as Quarkus test
 * callbacks in {@code META-INF/services} (for integration tests, the failsafe configuration
 * enables them).
 */
public class ApiDocumentCheck implements QuarkusTestBeforeClassCallback, QuarkusTestBeforeEachCallback,
        QuarkusTestAfterEachCallback, QuarkusTestAfterAllCallback {
    @Override
    public void beforeClass(Class<?> testClass) {
        ApiDocumentFilter.install();
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        ApiDocumentFilter.install();
        // Whatever is left failed its own request already: integration tests skip the after-each
        // callbacks of a failed test.
        ApiDocumentFilter.takeFailures();
    }

    @Override
    public void afterEach(QuarkusTestMethodContext context) {
        fail(context.getTestMethod().getName(), ApiDocumentFilter.takeFailures());
    }

    @Override
    public void afterAll(QuarkusTestContext context) {
        fail("after the last test of the class", ApiDocumentFilter.takeFailures());
    }

    private static void fail(String when, List<String> failures) {
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " exchange(s) disagree with the API reference (" + when + "):\n"
                    + String.join("\n", failures));
        }
    }
}
