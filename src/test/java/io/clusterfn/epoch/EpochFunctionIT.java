package io.clusterfn.epoch;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class EpochFunctionIT extends EpochFunctionTest {
}
