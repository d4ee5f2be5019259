package io.clusterfn.http;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same generated inputs against the packaged application: fewer of them, the code was searched above. */
@QuarkusIntegrationTest
class InputPropertiesIT extends InputPropertiesTest {
    @Override
    int examples() {
        return Integer.getInteger("clusterfn.input.examples", 150);
    }
}
