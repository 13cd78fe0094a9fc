package dev.heliograph.controlplane.storage.postgres;

import dev.heliograph.controlplane.config.HeliographConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Builds the reactive PostgreSQL pool of a configuration. */
public final class PgPools {
    private PgPools() {
    }

    /** A pool of at most {@code maxSize} connections to the database {@code pg} names. */
    public static Pool of(Vertx vertx, HeliographConfig.Postgres pg, int maxSize) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(maxSize))
                .connectingTo(new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
                        .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password()))
                .using(vertx)
                .build();
    }
}
