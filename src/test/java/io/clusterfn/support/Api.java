package io.clusterfn.support;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** Calls functions over real HTTP, as a given account with given roles, or anonymously. */
public final class Api {
    private final String token;

    private Api(String token) {
        this.token = token;
    }

    public static Api as(String account, String... roles) {
        return new Api(Tokens.of(account, roles));
    }

    public static Api withToken(String token) {
        return new Api(token);
    }

    public static Api anonymous() {
        return new Api(null);
    }

    public RequestSpecification request() {
        RequestSpecification spec = given().contentType(ContentType.JSON);
        return token == null ? spec : spec.auth().oauth2(token);
    }

    public ValidatableResponse post(String function, Object body) {
        return request().body(body).post("/" + function).then();
    }

    public ValidatableResponse get(String function, Map<String, ?> query) {
        return request().queryParams(query).get("/" + function).then();
    }
}
