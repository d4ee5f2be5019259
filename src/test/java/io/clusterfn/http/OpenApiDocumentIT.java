package io.clusterfn.http;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The packaged application serves the API reference and Swagger UI too. */
@QuarkusIntegrationTest
class OpenApiDocumentIT extends OpenApiDocumentTest {
}
