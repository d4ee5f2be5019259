package io.clusterfn.http;

import java.math.BigInteger;
import java.util.Map;

/**
 * A refusal the client is told about: its code, a message and details. Thrown anywhere in the
 * domain; {@link ErrorHandler} turns it into the error envelope.
 */
public class ApiException extends RuntimeException {
    public final ErrorCode code;
    public final Map<String, Object> details;

    public ApiException(ErrorCode code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.code = code;
        this.details = details == null ? Map.of() : details;
    }

    public ApiException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public static ApiException invalidInput(String field, String message) {
        return new ApiException(ErrorCode.INVALID_INPUT, field + ": " + message, Map.of("field", field));
    }

    public static ApiException insufficientBalance(BigInteger needed, BigInteger available) {
        return new ApiException(ErrorCode.INSUFFICIENT_BALANCE, "balance " + available + " does not cover " + needed,
                Map.of("needed", Amounts.format(needed), "available", Amounts.format(available)));
    }

    public static ApiException roleRequired(String role) {
        return new ApiException(ErrorCode.ROLE_REQUIRED, "this function needs the role " + role, Map.of("role", role));
    }

    public static ApiException notOwner(String what) {
        return new ApiException(ErrorCode.NOT_OWNER, "only the " + what + " may do this");
    }

    public static ApiException conflict(String message) {
        return new ApiException(ErrorCode.CONFLICT, message);
    }

    public static ApiException storeUnavailable() {
        return new ApiException(ErrorCode.STORE_UNAVAILABLE, "the store is unavailable, try again shortly");
    }

    public static ApiException clusterNotFound(String id) {
        return new ApiException(ErrorCode.CLUSTER_NOT_FOUND, "no cluster " + id, Map.of("clusterId", id));
    }

    public static ApiException workerNotFound(String id) {
        return new ApiException(ErrorCode.WORKER_NOT_FOUND, "no worker " + id, Map.of("workerId", id));
    }

    public static ApiException contractNotFound(String id) {
        return new ApiException(ErrorCode.CONTRACT_NOT_FOUND, "no contract " + id, Map.of("contractId", id));
    }
}
