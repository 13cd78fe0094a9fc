package dev.heliograph.controlplane.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.TestServices;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.secrets.SecretCipher;
import dev.heliograph.controlplane.secrets.SpecSealer;
import dev.heliograph.controlplane.storage.postgres.PgMigrations;
import dev.heliograph.controlplane.storage.postgres.PgPools;
import dev.heliograph.controlplane.storage.postgres.PgTargetOverview;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 6: the reads of every target (the registry's re-read, the dashboard's facts) go through a
 * cursor, a chunk at a time; every row arrives exactly once across chunk boundaries, and the stamps
 * tell which rows changed.
 */
class PgTargetStoreChunkedReadIT {
    private static final int ENABLED = 2_500;
    private static final int PAUSED = 700;

    @Test
    void readsEveryEnabledTargetOnceAcrossChunksWithStampsThatChangeOnWrite() throws Exception {
        try (TestServices services = new TestServices()) {
            HeliographConfig config = services.config();
            Vertx vertx = Vertx.vertx();
            try {
                PgMigrations.migrate(vertx, config.postgres()).await(60, TimeUnit.SECONDS);
                insertTargets(services);
                Pool pool = PgPools.of(vertx, config.postgres(), 2);
                PgTargetStore store = new PgTargetStore(pool, new SpecSealer(SecretCipher.of(config.secret())));

                List<PgTargetStore.Stamped> all = store.listEnabled().await(60, TimeUnit.SECONDS);
                Map<TargetId, Long> stamps = stamps(store);
                assertThat(all).hasSize(ENABLED);
                assertThat(all.stream().map(s -> s.target().id()).distinct()).hasSize(ENABLED);
                assertThat(all).allSatisfy(s -> assertThat(s.target().enabled()).isTrue());
                assertThat(stamps).hasSize(ENABLED);
                all.forEach(s -> assertThat(stamps.get(s.target().id())).isEqualTo(s.stamp()));

                TargetId changed = all.get(1_234).target().id();
                try (Connection pg = services.postgres(); Statement sql = pg.createStatement()) {
                    sql.executeUpdate("UPDATE targets SET name = name || '-renamed' WHERE id = '" + changed.value() + "'");
                }
                Map<TargetId, Long> after = stamps(store);
                assertThat(after.get(changed)).isNotEqualTo(stamps.get(changed));
                assertThat(after.entrySet().stream().filter(e -> !e.getValue().equals(stamps.get(e.getKey())))).hasSize(1);

                List<TargetId> some = all.subList(0, 1_500).stream().map(s -> s.target().id()).toList();
                List<PgTargetStore.Stamped> byId = store.listEnabled(some).await(60, TimeUnit.SECONDS);
                assertThat(byId.stream().map(s -> s.target().id())).containsExactlyInAnyOrderElementsOf(some);
                assertThat(byId.stream().filter(s -> s.target().id().equals(changed)).findFirst().orElseThrow().target().name())
                        .endsWith("-renamed");

                assertThat(new PgTargetOverview(pool).facts(OrgId.DEFAULT).await(60, TimeUnit.SECONDS)).hasSize(ENABLED + PAUSED);
                pool.close().await(10, TimeUnit.SECONDS);
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<TargetId, Long> stamps(PgTargetStore store) throws Exception {
        Map<TargetId, Long> stamps = new java.util.HashMap<>();
        store.enabledStamps((id, stamp) -> assertThat(stamps.put(id, stamp)).as("seen once: " + id).isNull())
                .await(60, TimeUnit.SECONDS);
        return stamps;
    }

    private static void insertTargets(TestServices services) throws Exception {
        try (Connection pg = services.postgres(); Statement sql = pg.createStatement()) {
            sql.executeUpdate("INSERT INTO targets (id, org_id, name, kind, spec, interval_s, timeout_ms, regions, enabled) "
                    + "SELECT gen_random_uuid(), '" + OrgId.DEFAULT.value() + "', 'chunked-' || i, 'tcp', "
                    + "'{\"host\": \"127.0.0.1\", \"port\": 9}', 60, 1000, '{local}', i <= " + ENABLED
                    + " FROM generate_series(1, " + (ENABLED + PAUSED) + ") AS i");
        }
    }
}
