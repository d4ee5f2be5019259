package io.clusterfn.http;

/** The error codes of the API, each with the HTTP status it answers with. */
public enum ErrorCode {
    INVALID_INPUT(400),
    INVALID_RULE(400),
    UNAUTHENTICATED(401),
    INSUFFICIENT_BALANCE(402),
    ACCESS_DENIED(403),
    NOT_OWNER(403),
    ROLE_REQUIRED(403),
    NOT_FOUND(404),
    CLUSTER_NOT_FOUND(404),
    WORKER_NOT_FOUND(404),
    CONTRACT_NOT_FOUND(404),
    ACCOUNT_NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    DUPLICATE_CONTRACT(409),
    QUOTA_EXCEEDED(409),
    WORKER_BUSY(409),
    CLUSTER_SUSPENDED(409),
    CONFLICT(409),
    INTERNAL_ERROR(500),
    STORE_UNAVAILABLE(503);

    public final int status;

    ErrorCode(int status) {
        this.status = status;
    }
}
