package io.clusterfn.http;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class StoreOutageIT extends StoreOutageTest {
}
