package dev.heliograph.controlplane.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.controlplane.config.ConfigException;
import dev.heliograph.controlplane.config.ConfigSource;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.health.ComponentHealth;
import dev.heliograph.controlplane.health.Components;
import dev.heliograph.controlplane.health.HealthState;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reload rules on a real file, without the rest of the control plane (issue 3, "Live reload"). */
class ConfigReloaderTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private final Components components = new Components(Clock.systemUTC());
    private final List<HeliographConfig> appliedConfigs = new CopyOnWriteArrayList<>();
    private Path file;
    private ConfigReloader reloader;
    private HeliographConfig started;

    @BeforeEach
    void start() throws Exception {
        components.register(Components.CONFIG, false);
        file = dir.resolve("heliograph.yaml");
        write("pool:\n  max_concurrent_checks: 100\n");
        ConfigSource source = ConfigSource.of(file, Map.of("HELIOGRAPH_API_PORT", "9100"), List.of("scheduler.jitter_ms=50"));
        started = source.load();
        components.healthy(Components.CONFIG, "loaded");
        reloader = new ConfigReloader(vertx, source, started, components, appliedConfigs::add);
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void unchangedFileAppliesNothing() throws Exception {
        ReloadResult result = reload();

        assertThat(result.applied()).isEmpty();
        assertThat(result.restartRequired()).isEmpty();
        assertThat(appliedConfigs).isEmpty();
    }

    @Test
    void liveKeysApplyAndRestartOnlyKeysAreReportedUntilRestart() throws Exception {
        write("pool:\n  max_concurrent_checks: 200\napi:\n  max_body_bytes: 2048\nlog:\n  level: warn\n");
        ReloadResult first = reload();

        assertThat(first.applied()).containsExactly("pool.max_concurrent_checks", "log.level");
        assertThat(first.restartRequired()).containsExactly("api.max_body_bytes");
        assertThat(appliedConfigs).singleElement().satisfies(c -> assertThat(c.pool().maxConcurrentChecks()).isEqualTo(200));
        assertThat(reloader.lastGood().pool().maxConcurrentChecks()).isEqualTo(200);

        ReloadResult second = reload();
        assertThat(second.applied()).as("already in force").isEmpty();
        assertThat(second.restartRequired()).as("still not in force").containsExactly("api.max_body_bytes");
    }

    @Test
    void environmentAndOverridesAreAppliedOnTopAgain() throws Exception {
        write("pool:\n  max_concurrent_checks: 100\napi:\n  port: 7000\nscheduler:\n  jitter_ms: 900\n");
        ReloadResult result = reload();

        assertThat(result.applied()).as("--set scheduler.jitter_ms=50 still wins").isEmpty();
        assertThat(result.restartRequired()).as("HELIOGRAPH_API_PORT still wins").isEmpty();
        assertThat(reloader.lastGood().api().port()).isEqualTo(9100);
    }

    @Test
    void badFileChangesNothingMarksConfigUnhealthyAndTheNextGoodOneHeals() throws Exception {
        write("pool:\n  max_concurrent_checks: 0\n  max_queue_wat_ms: 5\n");
        assertThatThrownBy(this::reload).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.contains("unknown key pool.max_queue_wat_ms")));

        ComponentHealth config = components.get(Components.CONFIG).orElseThrow();
        assertThat(config.health()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(config.reason()).contains("max_queue_wat_ms");
        assertThat(appliedConfigs).isEmpty();
        assertThat(reloader.lastGood()).isEqualTo(started);

        write("pool:\n  max_concurrent_checks: 300\n");
        assertThat(reload().applied()).containsExactly("pool.max_concurrent_checks");
        assertThat(components.get(Components.CONFIG).orElseThrow().health()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void outOfRangeValueIsRefusedWithTheKeyAndRange() throws Exception {
        write("breaker:\n  failure_rate_percent: 150\n");
        assertThatThrownBy(this::reload).isInstanceOf(ConfigException.class)
                .hasMessageContaining("breaker.failure_rate_percent must be between 1 and 100 (got 150)");
    }

    @Test
    void aPartThatRefusesTheSettingsLeavesConfigUnhealthyAndTheKeysPending() throws Exception {
        HeliographConfig[] seen = new HeliographConfig[1];
        ConfigReloader refusing = new ConfigReloader(vertx, ConfigSource.of(file, Map.of(), List.of()), started, components,
                next -> {
                    seen[0] = next;
                    throw new IllegalArgumentException("engine refused");
                });
        write("pool:\n  max_concurrent_checks: 400\n");

        assertThatThrownBy(() -> refusing.reload().await(10, TimeUnit.SECONDS)).hasMessageContaining("engine refused");
        assertThat(seen[0]).isNotNull();
        assertThat(components.get(Components.CONFIG).orElseThrow().health()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(refusing.lastGood()).isEqualTo(started);
    }

    /** Waits for the reload; a failed reload throws its own exception (Vert.x rethrows it unchanged). */
    private ReloadResult reload() throws Exception {
        return reloader.reload().await(10, TimeUnit.SECONDS);
    }

    private void write(String yaml) throws Exception {
        Files.writeString(file, yaml);
    }
}
