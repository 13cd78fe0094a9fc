package dev.heliograph.controlplane.storage.postgres;

import dev.heliograph.controlplane.config.HeliographConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;

/**
 * Applies the Flyway migrations shipped in the JAR ({@code migrations/postgres/V*__*.sql}) over
 * JDBC, on a worker thread. Flyway and the JDBC driver are used for this and nothing else.
 */
public final class PgMigrations {
    private PgMigrations() {
    }

    /** Migrates the database to the newest version; completes with the number of migrations applied. */
    public static Future<Integer> migrate(Vertx vertx, HeliographConfig.Postgres pg) {
        String url = "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + pg.database();
        return vertx.executeBlocking(() -> Flyway.configure()
                .dataSource(url, pg.user(), pg.password())
                .locations("classpath:migrations/postgres")
                .load()
                .migrate()
                .migrationsExecuted, false);
    }
}
