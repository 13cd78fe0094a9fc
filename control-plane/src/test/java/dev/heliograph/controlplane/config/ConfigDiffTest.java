package dev.heliograph.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
    private static HeliographConfig with(String... overrides) throws ConfigException {
        return ConfigLoader.load(null, Map.of(), List.of(overrides));
    }

    @Test
    void equalConfigurationsHaveNoChangedKeys() throws Exception {
        assertThat(ConfigDiff.changedKeys(with(), with())).isEmpty();
    }

    @Test
    void changedKeysAreNamedInSectionOrder() throws Exception {
        HeliographConfig before = with();
        HeliographConfig after = with("pool.max_concurrent_checks=5", "api.port=9999", "probe.allowed_cidrs=10.0.0.0/8",
                "log.level=DEBUG");

        assertThat(ConfigDiff.changedKeys(before, after))
                .containsExactly("api.port", "pool.max_concurrent_checks", "probe.allowed_cidrs", "log.level");
    }

    @Test
    void liveKeysAreTheTunablesAndEverythingElseNeedsARestart() {
        assertThat(List.of("scheduler.jitter_ms", "scheduler.refresh_interval_s", "pool.max_concurrent_checks",
                "pool.max_queue_wait_ms", "breaker.open_duration_s", "bulkhead.max_per_host", "probe.allowed_cidrs",
                "log.level")).allMatch(ConfigDiff::isLive);
        assertThat(List.of("api.port", "control.port", "postgres.host", "clickhouse.url", "scheduler.region",
                "scheduler.lanes", "probe.dns_timeout_ms", "batcher.queue_capacity", "log.format", "shutdown.timeout_s"))
                .noneMatch(ConfigDiff::isLive);
    }

    @Test
    void everyLiveKeyExistsInTheConfiguration() throws Exception {
        HeliographConfig defaults = HeliographConfig.defaults();
        for (String key : ConfigDiff.LIVE_KEYS) {
            String section = key.substring(0, key.indexOf('.'));
            String name = key.substring(key.indexOf('.') + 1);
            assertThat(dev.heliograph.probe.codec.Json.MAPPER.valueToTree(defaults).path(section).has(name))
                    .as(key).isTrue();
        }
    }

    @Test
    void secretValuesNeverAppearInTheDiff() throws Exception {
        List<String> changed = ConfigDiff.changedKeys(with(), with("postgres.password=s3cret-value"));
        assertThat(changed).containsExactly("postgres.password");
        assertThat(String.join(",", changed)).doesNotContain("s3cret");
    }

    @Test
    void logLevelIsAcceptedInAnyCase() throws Exception {
        assertThat(with("log.level=WARN").log().level()).isEqualTo("warn");
    }
}
