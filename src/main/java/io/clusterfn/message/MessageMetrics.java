package io.clusterfn.message;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages sent and acknowledged (counted by the instance that served them), and the depth of
 * every queue together (read from the store every 15 seconds, so every instance shows the same).
 */
@ApplicationScoped
public class MessageMetrics {
    private static final long REFRESH_MILLIS = 15_000;

    private final Counter sent;
    private final Counter acknowledged;
    private final AtomicLong queued = new AtomicLong();
    private final Pool pool;
    private final Vertx vertx;

    public MessageMetrics(MeterRegistry registry, Pool pool, Vertx vertx) {
        this.pool = pool;
        this.vertx = vertx;
        this.sent = Counter.builder("clusterfn.messages.sent").description("Messages queued by send").register(registry);
        this.acknowledged = Counter.builder("clusterfn.messages.acknowledged")
                .description("Messages marked delivered by ack").register(registry);
        Gauge.builder("clusterfn.messages.queued", queued, AtomicLong::get)
                .description("Messages sent and not yet acknowledged, on every channel").register(registry);
    }

    void start(@Observes StartupEvent event) {
        vertx.setPeriodic(REFRESH_MILLIS, REFRESH_MILLIS, id -> refresh());
    }

    private void refresh() {
        pool.query("SELECT coalesce(sum(last_seq - delivered_seq), 0) FROM channel").execute()
                .onSuccess(rows -> queued.set(rows.iterator().next().getLong(0)));
        // A failure leaves the last value: the store's health is reported by the readiness check.
    }

    void sent(MessageView message) {
        sent.increment();
    }

    void acknowledged(MessageService.Acknowledged ack) {
        acknowledged.increment(ack.newlyDelivered());
    }
}
