package io.clusterfn.dashboard;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class DashboardIT extends DashboardTest {
}
