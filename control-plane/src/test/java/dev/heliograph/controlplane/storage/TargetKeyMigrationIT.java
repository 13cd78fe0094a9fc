package dev.heliograph.controlplane.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.controlplane.TestServices;
import dev.heliograph.controlplane.config.HeliographConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** {@code V5__target_keys.sql} on a database that already holds targets (issue 5). */
class TargetKeyMigrationIT {
    private static final String ORG = "00000000-0000-0000-0000-000000000001";

    private static Flyway flyway(HeliographConfig.Postgres pg, String target) {
        return Flyway.configure()
                .dataSource("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + pg.database(), pg.user(), pg.password())
                .locations("classpath:migrations/postgres")
                .target(target)
                .load();
    }

    private static void insert(Statement sql, UUID id, String name, String keyColumn) throws SQLException {
        sql.execute("INSERT INTO targets (id, org_id, name, kind, spec, interval_s, timeout_ms, regions" + (keyColumn == null ? "" : ", key")
                + ") VALUES ('" + id + "', '" + ORG + "', '" + name + "', 'tcp', '{\"host\": \"127.0.0.1\", \"port\": 9}', 60, 1000, "
                + "'{local}'" + (keyColumn == null ? "" : ", '" + keyColumn + "'") + ")");
    }

    @Test
    void existingTargetsGetTheirIdAsKeyAndKeysAreUniquePerOrg() throws Exception {
        try (TestServices services = new TestServices()) {
            HeliographConfig.Postgres pg = services.config().postgres();
            flyway(pg, "4").migrate();
            UUID before = UUID.randomUUID();
            try (Connection conn = services.postgres(); Statement sql = conn.createStatement()) {
                insert(sql, before, "before V5", null);
            }
            flyway(pg, "latest").migrate();
            try (Connection conn = services.postgres(); Statement sql = conn.createStatement()) {
                try (ResultSet rows = sql.executeQuery("SELECT key FROM targets WHERE id = '" + before + "'")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getString(1)).isEqualTo(before.toString());
                }
                UUID after = UUID.randomUUID();
                insert(sql, after, "inserted without a key", null);
                try (ResultSet rows = sql.executeQuery("SELECT key FROM targets WHERE id = '" + after + "'")) {
                    rows.next();
                    assertThat(rows.getString(1)).as("the trigger's default").isEqualTo(after.toString());
                }
                assertThatThrownBy(() -> insert(sql, UUID.randomUUID(), "same key", before.toString()))
                        .hasMessageContaining("targets_key_unique_per_org");
                assertThatThrownBy(() -> insert(sql, UUID.randomUUID(), "bad key", "has space"))
                        .hasMessageContaining("targets_key_format");
            }
        }
    }
}
