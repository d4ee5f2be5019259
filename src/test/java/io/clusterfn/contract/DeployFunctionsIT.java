package io.clusterfn.contract;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class DeployFunctionsIT extends DeployFunctionsTest {
}
