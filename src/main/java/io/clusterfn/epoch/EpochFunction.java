package io.clusterfn.epoch;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Caller;
import io.clusterfn.http.FunctionRoute;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Metrics;
import io.clusterfn.http.Text;
import io.quarkus.funqy.Funq;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code epoch}: settles epochs when a scheduler calls. The same trigger arrives three ways: plain
 * JSON {@code {epoch?}}, a CloudEvent in binary mode ({@code ce-*} headers, data as the body), or
 * in structured mode (the whole event as the body, {@code application/cloudevents+json}). Without
 * an explicit epoch the target is the epoch of the event's {@code time}, else of the clock, so a
 * PingSource that sends the same data every time still moves settlement forward.
 */
public class EpochFunction {
    private static final String SPEC_VERSION = "1.0";
    /** CloudEvents extension attribute names. */
    private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,20}");

    private final EpochService service;
    private final EpochClock clock;
    private final Identity identity;
    private final CurrentVertxRequest request;
    private final Metrics metrics;

    public EpochFunction(EpochService service, EpochClock clock, Identity identity, CurrentVertxRequest request,
            Metrics metrics) {
        this.service = service;
        this.clock = clock;
        this.identity = identity;
        this.request = request;
        this.metrics = metrics;
    }

    /**
     * The body: {@code {epoch?}}, or a structured CloudEvent whose data is {@code {epoch?}}; any other
     * member of an event is an extension attribute.
     */
    public record EpochTrigger(Long epoch, String specversion, String id, String source, String type, String time,
            String datacontenttype, String dataschema, String subject, EpochData data,
            @JsonAnySetter Map<String, JsonNode> extensions) {
        public EpochTrigger {
            extensions = extensions == null ? new LinkedHashMap<>() : extensions;
        }
    }

    public record EpochData(Long epoch) {
    }

    @Funq
    public Uni<EpochService.Settlement> epoch(EpochTrigger trigger) {
        identity.withRole(Caller.SCHEDULER);
        long target = target(trigger, request.getCurrent().request());
        return service.settle(target).invoke(settlement -> metrics.epochsSettled(settlement.settledEpochs().size()));
    }

    private long target(EpochTrigger trigger, HttpServerRequest http) {
        Long epoch;
        String time;
        if (FunctionRoute.mediaType(http.getHeader("Content-Type")).equals("application/cloudevents+json")) {
            requireEvent(trigger.specversion(), trigger.id(), trigger.source(), trigger.type(), "");
            if (trigger.epoch() != null) {
                throw ApiException.invalidInput("epoch", "goes in the event's data");
            }
            trigger.extensions().forEach((name, value) -> {
                if (!EXTENSION.matcher(name).matches()) {
                    throw ApiException.invalidInput(name, "is not a CloudEvents attribute: extension names are 1..20 of [a-z0-9]");
                }
                if (!value.isValueNode() || value.isTextual() && !Text.isPrintable(value.textValue())) {
                    throw ApiException.invalidInput(name, "must be a printable string, a number or a boolean");
                }
            });
            epoch = trigger.data() == null ? null : trigger.data().epoch();
            time = trigger.time();
        } else {
            String onlyData = trigger.specversion() != null ? "specversion" : trigger.id() != null ? "id"
                    : trigger.source() != null ? "source" : trigger.type() != null ? "type" : trigger.time() != null ? "time"
                    : trigger.datacontenttype() != null ? "datacontenttype" : trigger.dataschema() != null ? "dataschema"
                    : trigger.subject() != null ? "subject" : trigger.data() != null ? "data"
                    : trigger.extensions().keySet().stream().findFirst().orElse(null);
            if (onlyData != null) {
                throw ApiException.invalidInput(onlyData, "is not a field of epoch (a structured CloudEvent is sent as "
                        + "application/cloudevents+json)");
            }
            epoch = trigger.epoch();
            time = null;
            if (http.headers().names().stream().anyMatch(h -> h.regionMatches(true, 0, "ce-", 0, 3))) {
                // A binary-mode CloudEvent: its attributes are headers, its data the body.
                requireEvent(http.getHeader("ce-specversion"), http.getHeader("ce-id"), http.getHeader("ce-source"),
                        http.getHeader("ce-type"), "ce-");
                time = http.getHeader("ce-time");
            }
        }
        if (epoch != null) {
            if (epoch < 0) {
                throw ApiException.invalidInput("epoch", "must be 0 or more");
            }
            return epoch;
        }
        if (time != null) {
            try {
                return clock.epochOf(Instant.parse(time));
            } catch (DateTimeParseException e) {
                throw ApiException.invalidInput(prefixOf(http) + "time", "must be an RFC 3339 timestamp");
            } catch (ArithmeticException e) {
                // further from genesis than a count of milliseconds can say
                throw ApiException.invalidInput(prefixOf(http) + "time", "is too far from the epochs' start");
            }
        }
        return clock.current();
    }

    private static String prefixOf(HttpServerRequest http) {
        return http.getHeader("ce-time") != null ? "ce-" : "";
    }

    /** The required attributes of a CloudEvent, named as the mode carries them (ce- headers in binary mode). */
    private static void requireEvent(String specversion, String id, String source, String type, String prefix) {
        if (specversion == null) {
            throw ApiException.invalidInput(prefix + "specversion", "is required");
        }
        if (!SPEC_VERSION.equals(specversion)) {
            throw ApiException.invalidInput(prefix + "specversion", "must be 1.0");
        }
        for (String[] attribute : new String[][] {{"id", id}, {"source", source}, {"type", type}}) {
            if (attribute[1] == null || attribute[1].isEmpty()) {
                throw ApiException.invalidInput(prefix + attribute[0], "is required");
            }
        }
    }
}
