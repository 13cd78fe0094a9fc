package dev.heliograph.controlplane.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ClickHouseMigrationsTest {
    @Test
    void everyDdlFileIsAppliedInNameOrder() throws IOException {
        Path folder = Path.of("..", "migrations", "clickhouse");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList())
                    .isEqualTo(ClickHouseResultStore.MIGRATIONS);
        }
    }

    @Test
    void ddlAvoidsWhatClickHouse1816Lacks() throws IOException {
        for (String file : ClickHouseResultStore.MIGRATIONS) {
            String sql = Files.readString(Path.of("..", "migrations", "clickhouse", file));
            String code = sql.lines().filter(line -> !line.trim().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
            assertThat(code).as(file).doesNotContainIgnoringCase("DateTime64").doesNotContainIgnoringCase("LowCardinality")
                    .doesNotContainIgnoringCase(" TTL ").containsIgnoringCase("IF NOT EXISTS");
        }
    }
}
