package io.clusterfn.http;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same generated inputs against the packaged application. */
@QuarkusIntegrationTest
class InputPropertiesIT extends InputPropertiesTest {
}
