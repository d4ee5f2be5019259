package io.clusterfn.cluster;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class FormClusterRaceIT extends FormClusterRaceTest {
}
