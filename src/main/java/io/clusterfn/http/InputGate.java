package io.clusterfn.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.funqy.runtime.FunctionInvoker;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.quarkus.vertx.http.runtime.RouteConstants;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a function's input the way Funqy will, just before it does, so that a bad input is a 400
 * that names its field (Funqy itself answers a bare 400). An unknown path ends in 404 here.
 */
@ApplicationScoped
public class InputGate {
    /** The functions that only read; they also answer GET with query parameters. */
    static final Set<String> READS = Set.of("balance", "cluster", "clusters", "access", "contract");

    private final ObjectMapper json;

    public InputGate(ObjectMapper json) {
        this.json = json;
    }

    void register(@Observes Router router) {
        // After the body handler and authentication, before the function routes (ordered from 0).
        router.route().order(-1).handler(this::check);
        // Nothing else answered: not a function of ours.
        router.route().order(RouteConstants.ROUTE_ORDER_AFTER_DEFAULT + 1000).handler(ctx -> ctx.fail(404));
    }

    void check(RoutingContext ctx) {
        String path = ctx.request().path();
        FunctionInvoker invoker = path.length() > 1 ? FunctionRecorder.registry.matchInvoker(path.substring(1)) : null;
        if (invoker == null) {
            ctx.next();
            return;
        }
        if (ctx.request().method() == HttpMethod.GET && !READS.contains(invoker.getName())) {
            // Changes are POST only: a GET must never change anything.
            ctx.fail(new ApiException(ErrorCode.METHOD_NOT_ALLOWED, invoker.getName() + " changes state: use POST"));
            return;
        }
        if (!invoker.hasInput() || !(invoker.getInputType() instanceof Class<?> type)) {
            ctx.next();
            return;
        }
        try {
            if (ctx.request().method() == HttpMethod.POST) {
                Buffer body = ctx.body().buffer();
                if (body != null && body.length() > 0) {
                    json.readerFor(type).readValue(body.getBytes());
                }
            } else if (ctx.request().method() == HttpMethod.GET) {
                for (Map.Entry<String, String> param : ctx.request().params()) {
                    checkQueryParameter(type, param.getKey(), param.getValue());
                }
            }
        } catch (ApiException | JacksonException e) {
            ctx.fail(e);
            return;
        } catch (java.io.IOException e) {
            ctx.fail(ApiException.invalidInput("body", "could not be read"));
            return;
        }
        ctx.next();
    }

    /** A query parameter must name a property of the input and parse as its type. */
    static void checkQueryParameter(Class<?> type, String name, String value) {
        Method setter = setter(type, name);
        if (setter == null) {
            throw ApiException.invalidInput(name, "is not a parameter of this function");
        }
        Class<?> target = setter.getParameterTypes()[0];
        try {
            if (target == Long.class || target == long.class) {
                Long.parseLong(value);
            } else if (target == Integer.class || target == int.class) {
                Integer.parseInt(value);
            } else if (target == Boolean.class || target == boolean.class) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw ApiException.invalidInput(name, "must be " + (target.getSimpleName().toLowerCase(Locale.ROOT)
                    .startsWith("bool") ? "true or false" : "an integer"));
        }
    }

    private static Method setter(Class<?> type, String name) {
        if (name.isEmpty()) {
            return null;
        }
        String setterName = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (Method m : type.getMethods()) {
            if (m.getName().equals(setterName) && m.getParameterCount() == 1) {
                return m;
            }
        }
        return null;
    }
}
