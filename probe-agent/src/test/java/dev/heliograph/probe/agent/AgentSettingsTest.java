package dev.heliograph.probe.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.probe.EngineSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {
    private static final URI SERVER = URI.create("http://127.0.0.1:8081");

    @Test
    void defaultsMatchTheControlPlaneEngineDefaults() {
        AgentSettings settings = AgentSettings.builder(SERVER, Path.of("agent-data")).build();
        EngineSettings engine = settings.engineSettings(AgentTestKit.REGION, "agent-1");

        assertThat(engine.maxConcurrentChecks()).isEqualTo(1_000);
        assertThat(engine.lanes()).isEqualTo(2 * Runtime.getRuntime().availableProcessors());
        assertThat(engine.maxJitter()).isEqualTo(Duration.ofMillis(500));
        assertThat(engine.dnsTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(engine.breaker()).isEqualTo(new EngineSettings.BreakerSettings(50, 20, 10, Duration.ofSeconds(30), 3));
        assertThat(engine.maxChecksPerHost()).isEqualTo(50);
        assertThat(settings.batchMaxResults()).isEqualTo(1_000);
        assertThat(settings.pollTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.name()).isNotBlank();
        assertThat(settings.region()).isNull();
        assertThat(settings.walMaxBytes()).isEqualTo(256L << 20);
        assertThat(settings.walSegmentBytes()).isEqualTo(4L << 20);
    }

    @Test
    void boundsTheWriteAheadLogBetween64KibAnd1Tib() {
        for (long bad : new long[] {0, (64L << 10) - 1, (1L << 40) + 1}) {
            assertThatThrownBy(() -> AgentSettings.builder(SERVER, Path.of("d")).walMaxBytes(bad).build()).as("" + bad)
                    .hasMessage("write-ahead log max bytes must be between 65536 and 1099511627776, was " + bad);
        }
        AgentSettings smallest = AgentSettings.builder(SERVER, Path.of("d")).walMaxBytes(64L << 10).build();
        assertThat(smallest.walSegmentBytes()).as("a sixteenth of the bound").isEqualTo(4L << 10);
        assertThat(AgentSettings.builder(SERVER, Path.of("d")).walMaxBytes(1L << 40).build().walSegmentBytes())
                .isEqualTo(4L << 20);
    }

    @Test
    void refusesAServerThatIsNotAnHttpBaseUrl() {
        for (String bad : new String[] {"localhost:8081", "ftp://host:21", "http://host:8081/agent", "http:///x"}) {
            assertThatThrownBy(() -> AgentSettings.builder(URI.create(bad), Path.of("d")).build())
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control plane");
        }
        assertThat(AgentSettings.builder(URI.create("https://cp.example/"), Path.of("d")).build().controlPlane().getHost())
                .isEqualTo("cp.example");
    }

    @Test
    void refusesOutOfRangeValuesNamingThem() {
        assertThatThrownBy(() -> AgentSettings.builder(SERVER, Path.of("d")).maxConcurrentChecks(0).build())
                .hasMessageContaining("max concurrent checks must be between 1 and 100000");
        assertThatThrownBy(() -> AgentSettings.builder(SERVER, Path.of("d")).name(" ").build())
                .hasMessageContaining("name");
    }

    @Test
    void toStringHidesTheToken() {
        AgentSettings settings = AgentSettings.builder(SERVER, Path.of("d")).token("hg_reg_secret").build();
        assertThat(settings.toString()).doesNotContain("hg_reg_secret").contains("token=***");
    }
}
