package io.clusterfn.http;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's connection pool as Quarkus configures it, with the bounds the datasource keys do
 * not offer: a connection attempt gives up after the store's time bound (not the client's 60 s
 * default), and TCP keep-alive finds connections a vanished store left half-open.
 */
@Singleton
public class StorePool implements PgPoolCreator {
    private final Duration timeout;

    public StorePool(@ConfigProperty(name = "clusterfn.store.timeout") Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Pool create(Input input) {
        List<SqlConnectOptions> servers = new ArrayList<>();
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            servers.add(options.setConnectTimeout((int) timeout.toMillis()).setTcpKeepAlive(true));
        }
        return PgBuilder.pool().with(input.poolOptions()).connectingTo(servers).using(input.vertx()).build();
    }
}
