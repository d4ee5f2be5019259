package io.clusterfn.epoch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.clusterfn.http.ApiException;
import io.clusterfn.http.Caller;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Metrics;
import io.clusterfn.http.Store;
import io.quarkus.funqy.Funq;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code epoch}: settles epochs when a scheduler calls. The same trigger arrives three ways: plain
 * JSON {@code {epoch?}}, a CloudEvent in binary mode ({@code ce-*} headers, data as the body), or
 * in structured mode (the whole event as the body). Without an explicit epoch the target is the
 * epoch of the event's {@code time}, else of the clock, so a PingSource that sends the same data
 * every time still moves settlement forward.
 */
public class EpochFunction {
    private final EpochService service;
    private final EpochClock clock;
    private final Identity identity;
    private final Store store;
    private final CurrentVertxRequest request;
    private final Metrics metrics;

    public EpochFunction(EpochService service, EpochClock clock, Identity identity, Store store,
            CurrentVertxRequest request, Metrics metrics) {
        this.metrics = metrics;
        this.service = service;
        this.clock = clock;
        this.identity = identity;
        this.store = store;
        this.request = request;
    }

    /** The data {@code {epoch?}}, or a structured CloudEvent carrying it. Other attributes are ignored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EpochTrigger(Long epoch, String specversion, String time, EpochData data) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EpochData(Long epoch) {
    }

    @Funq
    public EpochService.Settlement epoch(EpochTrigger trigger) {
        identity.withRole(Caller.SCHEDULER);
        long target = target(trigger);
        EpochService.Settlement settlement = store.call(() -> service.settle(target));
        metrics.epochsSettled(settlement.settledEpochs().size());
        return settlement;
    }

    private long target(EpochTrigger trigger) {
        Long explicit = null;
        String time = request.getCurrent() == null ? null : request.getCurrent().request().getHeader("ce-time");
        if (trigger != null) {
            explicit = trigger.specversion() != null && trigger.data() != null ? trigger.data().epoch() : trigger.epoch();
            if (trigger.specversion() != null) {
                time = trigger.time();
            }
        }
        if (explicit != null) {
            if (explicit < 0) {
                throw ApiException.invalidInput("epoch", "must be 0 or more");
            }
            return explicit;
        }
        if (time != null) {
            try {
                return clock.epochOf(Instant.parse(time));
            } catch (DateTimeParseException e) {
                throw ApiException.invalidInput("time", "must be an RFC 3339 timestamp");
            }
        }
        return clock.current();
    }
}
