package io.clusterfn.http;

import io.clusterfn.support.Api;
import io.clusterfn.support.Fixtures;
import io.clusterfn.support.FunctionTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

@QuarkusTest
class MetricsTest extends FunctionTest {
    @Test
    void metricsCountRequestsPerFunctionAndRefusalsByReason() {
        String alice = Fixtures.account("alice");
        Api.as("treasurer", "admin").post("credit", Map.of("account", alice, "amount", "5",
                "transferId", UUID.randomUUID().toString())).statusCode(200);
        Api.as(alice).post("credit", Map.of("account", alice, "amount", "5",
                "transferId", UUID.randomUUID().toString())).statusCode(403);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        org.hamcrest.MatcherAssert.assertThat(metrics, containsString("http_server_requests_seconds_bucket{"));
        org.hamcrest.MatcherAssert.assertThat(metrics, matchesPattern(
                "(?s).*http_server_requests_seconds_count\\{[^}]*uri=\"/credit\"[^}]*} [1-9].*"));
        org.hamcrest.MatcherAssert.assertThat(metrics, matchesPattern(
                "(?s).*clusterfn_refusals_total\\{function=\"credit\",reason=\"ROLE_REQUIRED\"} [1-9].*"));
    }

    @Test
    void healthIsUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
