package io.clusterfn.cli;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class ClusterfnCliIT extends ClusterfnCliTest {
}
