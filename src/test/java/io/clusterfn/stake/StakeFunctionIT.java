package io.clusterfn.stake;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class StakeFunctionIT extends StakeFunctionTest {
}
