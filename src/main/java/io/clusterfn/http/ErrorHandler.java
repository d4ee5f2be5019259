package io.clusterfn.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.UUID;

/**
 * Gives every failed request the error envelope and the status of the spec's error table,
 * whatever failed: our own refusals, a bad token, an unknown path, a wrong method, a body too
 * large, or the store. A client's mistake is logged below ERROR; only a bug (500, with an error
 * id the client can quote) is an ERROR.
 */
@ApplicationScoped
public class ErrorHandler {
    private static final Logger LOG = Logger.getLogger(ErrorHandler.class);

    private final ObjectMapper json;
    private final Metrics metrics;

    public ErrorHandler(ObjectMapper json, Metrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
    }

    void onFailure(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().close();
            return;
        }
        ApiException error = classify(ctx.failure(), ctx.statusCode());
        if (error.code == ErrorCode.INTERNAL_ERROR) {
            String errorId = UUID.randomUUID().toString();
            LOG.errorf(ctx.failure(), "error %s on %s %s", errorId, ctx.request().method(), ctx.request().path());
            error = new ApiException(ErrorCode.INTERNAL_ERROR, "internal error " + errorId, Map.of("errorId", errorId));
        } else if (LOG.isDebugEnabled()) {
            LOG.debugf("%s %s refused: %s %s", ctx.request().method(), ctx.request().path(), error.code, error.getMessage());
        }
        metrics.refused(functionOf(ctx), error.code);
        send(ctx, error);
    }

    /** The function a request was for, or "none": metric tags stay few whatever paths clients try. */
    private static String functionOf(RoutingContext ctx) {
        String path = ctx.request().path();
        String name = path == null || path.length() < 2 ? "" : path.substring(1);
        return FunctionRecorder.registry != null && FunctionRecorder.registry.matchInvoker(name) != null ? name : "none";
    }

    void send(RoutingContext ctx, ApiException error) {
        var response = ctx.response().setStatusCode(error.code.status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (error.code == ErrorCode.UNAUTHENTICATED) {
            response.putHeader("WWW-Authenticate", "Bearer");
        } else if (error.code == ErrorCode.STORE_UNAVAILABLE) {
            response.putHeader("Retry-After", "5");
        } else if (error.code == ErrorCode.METHOD_NOT_ALLOWED && error.details.get("allowed") instanceof String allowed) {
            response.putHeader("Allow", allowed);
        }
        try {
            response.end(json.writeValueAsString(new ErrorEnvelope(error.code.name(), error.getMessage(), error.details)));
        } catch (JacksonException e) {
            response.end("{\"error\":\"" + error.code.name() + "\"}");
        }
    }

    static ApiException classify(Throwable failure, int status) {
        if (failure != null) {
            ApiException refusal = StoreFailures.apiException(failure);
            if (refusal != null) {
                return refusal;
            }
            if (StoreFailures.any(failure, t -> t instanceof AuthenticationException || t instanceof UnauthorizedException)) {
                return new ApiException(ErrorCode.UNAUTHENTICATED, "the bearer token is missing, malformed, expired or not trusted");
            }
            if (StoreFailures.any(failure, ForbiddenException.class::isInstance)) {
                return new ApiException(ErrorCode.ACCESS_DENIED, "access denied");
            }
            if (StoreFailures.isUnavailable(failure)) {
                return ApiException.storeUnavailable();
            }
        }
        return switch (status) {
            case 400 -> ApiException.invalidInput("body", "the request is malformed");
            case 401 -> new ApiException(ErrorCode.UNAUTHENTICATED, "a valid bearer token is required");
            case 403 -> new ApiException(ErrorCode.ACCESS_DENIED, "access denied");
            case 404 -> new ApiException(ErrorCode.NOT_FOUND, "no such function");
            case 405 -> new ApiException(ErrorCode.METHOD_NOT_ALLOWED, "use GET or POST");
            case 413 -> ApiException.invalidInput("body", "the body is larger than 256 KiB");
            default -> new ApiException(ErrorCode.INTERNAL_ERROR, "internal error");
        };
    }
}
