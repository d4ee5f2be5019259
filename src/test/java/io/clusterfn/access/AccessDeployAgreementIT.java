package io.clusterfn.access;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class AccessDeployAgreementIT extends AccessDeployAgreementTest {
}
