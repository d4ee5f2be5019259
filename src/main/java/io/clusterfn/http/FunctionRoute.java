package io.clusterfn.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.funqy.runtime.FunctionInvoker;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.quarkus.funqy.runtime.FunqyServerRequest;
import io.quarkus.funqy.runtime.FunqyServerResponse;
import io.quarkus.funqy.runtime.RequestContext;
import io.quarkus.funqy.runtime.RequestContextImpl;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP side of every function: one path per function, the method, media type and a token's
 * subject checked, the input read once and strictly ({@link Inputs}), the function invoked on the
 * request's event loop, and its answer ({@code Uni}) written when it arrives. No worker thread waits for
 * the store. Funqy still finds and instantiates the functions; its own HTTP binding, which would
 * read the body a second time and answer a bare 400 for a bad one, never sees a function call.
 */
@ApplicationScoped
public class FunctionRoute {
    private final ObjectMapper json;
    /** The same mapper with the Text rule, for what callers send (the store's JSON was checked when written). */
    private final ObjectMapper inputJson;
    private final CurrentIdentityAssociation identities;
    private final CurrentVertxRequest currentRequest;
    private final Map<String, Function> functions = new ConcurrentHashMap<>();

    public FunctionRoute(ObjectMapper json, CurrentIdentityAssociation identities, CurrentVertxRequest currentRequest) {
        this.json = json;
        this.inputJson = json.copy().registerModule(Text.module());
        this.identities = identities;
        this.currentRequest = currentRequest;
    }

    void register(@Observes Router router) {
        // After the body handler and authentication, before Funqy's own route.
        router.route().order(-1).handler(this::handle);
        // Nothing else answered (no function, no static file, no /q endpoint): 404 in the error envelope.
        router.route().order(RouteConstants.ROUTE_ORDER_AFTER_DEFAULT + 1000).handler(ctx -> ctx.fail(404));
    }

    /** A function and what is needed to call it over HTTP, prepared on first use. */
    private record Function(FunctionInvoker invoker, boolean read, Inputs inputs, ObjectWriter writer) {
    }

    private Function function(String path) {
        if (path.length() < 2 || FunctionRecorder.registry == null) {
            return null;
        }
        String name = path.substring(1);
        Function known = functions.get(name);
        if (known != null) {
            return known;
        }
        FunctionInvoker invoker = FunctionRecorder.registry.matchInvoker(name);
        if (invoker == null) {
            return null;
        }
        Function function = new Function(invoker, invoker.getMethod().isAnnotationPresent(Read.class),
                invoker.hasInput() ? new Inputs(invoker.getName(), invoker.getInputType(), inputJson) : null,
                json.writerFor(json.constructType(invoker.getOutputType())));
        functions.put(name, function);
        return function;
    }

    void handle(RoutingContext ctx) {
        Function function = function(ctx.request().path());
        if (function == null) {
            ctx.next();
            return;
        }
        Object input;
        try {
            requireValidSubject(ctx);
            input = read(ctx, function);
        } catch (ApiException refusal) {
            ctx.fail(refusal);
            return;
        }
        invoke(ctx, function, input);
    }

    /** A token that is sent must be valid on every path, open reads included: its subject too. */
    private static void requireValidSubject(RoutingContext ctx) {
        QuarkusHttpUser user = (QuarkusHttpUser) ctx.user();
        if (user != null && !user.getSecurityIdentity().isAnonymous()
                && !Fields.isAccount(user.getSecurityIdentity().getPrincipal().getName())) {
            throw new ApiException(ErrorCode.UNAUTHENTICATED, "the token's subject is not a valid account");
        }
    }

    private static Object read(RoutingContext ctx, Function function) {
        HttpMethod method = ctx.request().method();
        String name = function.invoker().getName();
        if (method == HttpMethod.GET) {
            if (!function.read()) {
                // Changes are POST only: a GET must never change anything.
                throw new ApiException(ErrorCode.METHOD_NOT_ALLOWED, name + " changes state: use POST",
                        Map.of("allowed", "POST"));
            }
            return function.inputs() == null ? null : function.inputs().fromQuery(ctx.request().params());
        }
        if (method != HttpMethod.POST) {
            throw new ApiException(ErrorCode.METHOD_NOT_ALLOWED, name + " answers " + (function.read() ? "GET and POST" : "POST"),
                    Map.of("allowed", function.read() ? "GET, POST" : "POST"));
        }
        Buffer body = ctx.body().buffer();
        boolean empty = body == null || body.length() == 0;
        if (!empty && !declaredJson(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
            throw ApiException.invalidInput("body", "the body must be JSON, declared as Content-Type: application/json");
        }
        return function.inputs() == null ? null : function.inputs().fromBody(body);
    }

    /** application/json, or a JSON-based type such as application/cloudevents+json, with any parameters. */
    private static boolean declaredJson(String contentType) {
        String type = mediaType(contentType);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    /** A Content-Type header's media type, lower-cased and without parameters; empty without a header. */
    public static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int end = contentType.indexOf(';');
        return (end < 0 ? contentType : contentType.substring(0, end)).trim().toLowerCase(Locale.ROOT);
    }

    private void invoke(RoutingContext ctx, Function function, Object input) {
        QuarkusHttpUser user = (QuarkusHttpUser) ctx.user();
        ManagedContext requestContext = Arc.container().requestContext();
        requestContext.activate();
        Uni<?> answer;
        try {
            // What Funqy's binding does before a call: the caller's identity and the current request.
            if (user != null) {
                identities.setIdentity(user.getSecurityIdentity());
            } else {
                identities.setIdentity(QuarkusHttpUser.getSecurityIdentity(ctx, null));
            }
            currentRequest.setCurrent(ctx);
            Response response = new Response();
            function.invoker().invoke(new Request(input), response);
            answer = response.getOutput();
        } finally {
            // Functions read who calls before they return; what runs later needs no request scope.
            requestContext.terminate();
        }
        answer.subscribe().with(item -> write(ctx, function, item), ctx::fail);
    }

    private static void write(RoutingContext ctx, Function function, Object item) {
        if (ctx.response().ended()) {
            return;
        }
        try {
            ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(Buffer.buffer(function.writer().writeValueAsBytes(item)));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    private record Request(Object input) implements FunqyServerRequest {
        @Override
        public RequestContext context() {
            return new RequestContextImpl();
        }

        @Override
        public Object extractInput(Class inputClass) {
            return input;
        }
    }

    private static final class Response implements FunqyServerResponse {
        private Uni<?> output;

        @Override
        public Uni<?> getOutput() {
            return output;
        }

        @Override
        public void setOutput(Uni<?> output) {
            this.output = output;
        }
    }
}
