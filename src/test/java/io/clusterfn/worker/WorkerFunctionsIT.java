package io.clusterfn.worker;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class WorkerFunctionsIT extends WorkerFunctionsTest {
}
