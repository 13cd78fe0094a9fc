package dev.heliograph.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path file = dir.resolve("heliograph.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void defaultsAreValid() throws Exception {
        HeliographConfig config = ConfigLoader.load(null, Map.of(), List.of());
        assertThat(config).isEqualTo(HeliographConfig.defaults());
        assertThat(config.validate()).isEmpty();
    }

    @Test
    void fileThenEnvironmentThenFlagsTakePrecedence() throws Exception {
        Path file = yaml("""
                api:
                  port: 9000
                scheduler:
                  region: eu-west
                  jitter_ms: 100
                """);
        HeliographConfig config = ConfigLoader.load(file,
                Map.of("HELIOGRAPH_API_PORT", "9100", "HELIOGRAPH_SCHEDULER_JITTER_MS", "200", "UNRELATED", "x"),
                List.of("api.port=9200", "probe.allowed_cidrs=127.0.0.0/8, ::1/128"));
        assertThat(config.api().port()).isEqualTo(9200);
        assertThat(config.scheduler().jitterMs()).isEqualTo(200);
        assertThat(config.scheduler().region()).isEqualTo("eu-west");
        assertThat(config.probe().allowedCidrs()).containsExactly("127.0.0.0/8", "::1/128");
        assertThat(config.postgres().database()).isEqualTo("heliograph");
    }

    @Test
    void everyBadKeyIsReportedOncePerKey() throws Exception {
        Path file = yaml("""
                api:
                  port: 70000
                  colour: blue
                scheduler:
                  jitter_ms: lots
                nonsense: 1
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), List.of("pool.size=3", "batcher.flush_size")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "heliograph.yaml: unknown key api.colour",
                        "heliograph.yaml: unknown key nonsense",
                        "--set pool.size: unknown key",
                        "--set batcher.flush_size: expected key=value",
                        "scheduler.jitter_ms must be a whole number (got \"lots\")"));
    }

    @Test
    void rangesAreValidatedWithTheKeyAndTheAllowedRange() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HELIOGRAPH_API_PORT", "70000"),
                List.of("scheduler.region=EU West", "batcher.flush_size=0", "clickhouse.url=ftp://x")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "api.port must be between 0 and 65535 (got 70000)",
                        "scheduler.region must be 1-63 characters of a-z, 0-9 and '-'",
                        "batcher.flush_size must be between 1 and 100000 (got 0)",
                        "clickhouse.url must be an http:// or https:// URL with a host"));
    }

    @Test
    void tlsServerNamesTakeHostsAndIpLiteralsButNoPorts() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of(), List.of("tls.server_names=cp.example,10.0.0.5,::1")).tls().serverNames())
                .contains("cp.example", "10.0.0.5", "::1");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("tls.server_names=cp.example:8081")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("tls.server_names: 'cp.example:8081' is not a host name or IP address"));
    }

    @Test
    void listsComeFromYamlListsAndAreValidated() throws Exception {
        Path file = yaml("""
                probe:
                  allowed_cidrs: [10.0.0.0/8, "fd00::/8"]
                """);
        assertThat(ConfigLoader.load(file, Map.of(), List.of()).probe().allowedNetworks()).hasSize(2);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HELIOGRAPH_PROBE_ALLOWED_CIDRS", "10.0.0.0/33"), List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("probe.allowed_cidrs: '10.0.0.0/33': prefix length must be 0..32"));
        Path scalar = yaml("probe:\n  allowed_cidrs: 10.0.0.0/8\n");
        assertThatThrownBy(() -> ConfigLoader.load(scalar, Map.of(), List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("probe.allowed_cidrs must be a list of strings (got \"10.0.0.0/8\")"));
    }

    @Test
    void unknownHeliographVariablesAreReportedButTheLaunchersOwnAreNot() {
        assertThatThrownBy(() -> ConfigLoader.load(null,
                Map.of("HELIOGRAPH_API_PROT", "9090", "HELIOGRAPH_JAR", "/x.jar", "HELIOGRAPH_CH_HTTP_PORT", "8123", "PATH", "/bin"),
                List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("environment: HELIOGRAPH_API_PROT is not a configuration key"));
    }

    @Test
    void unreadableFileIsOneClearProblem() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of(), List.of()))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.problems()).singleElement().asString().startsWith("cannot read"));
    }

    @Test
    void aDefaultFlushSizeFollowsASmallerQueueButAGivenOneIsChecked() throws Exception {
        HeliographConfig small = ConfigLoader.load(null, Map.of("HELIOGRAPH_BATCHER_QUEUE_CAPACITY", "5000"), List.of());
        assertThat(small.batcher().queueCapacity()).isEqualTo(5000);
        assertThat(small.batcher().flushSize()).isEqualTo(5000);
        assertThat(ConfigLoader.load(null, Map.of(), List.of()).batcher().flushSize()).isEqualTo(100_000);
        assertThat(ConfigLoader.load(null, Map.of(), List.of("batcher.queue_capacity=5000", "batcher.flush_size=1000"))
                .batcher().flushSize()).isEqualTo(1000);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("batcher.queue_capacity=5000", "batcher.flush_size=6000")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.problems()).singleElement().asString().contains("batcher.flush_size"));
    }
}
