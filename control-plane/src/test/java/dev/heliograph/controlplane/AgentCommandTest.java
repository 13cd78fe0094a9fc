package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.agent.AgentSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code heliograph agent}'s options and their environment variables, as {@link AgentSettings}. */
class AgentCommandTest {
    private static final Map<String, String> NO_ENV = Map.of();

    private static Main.AgentCommand parse(String... args) {
        Main.AgentCommand command = new Main.AgentCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void readsTheOptions() {
        AgentSettings settings = parse("--control-plane", "https://cp.example:8081", "--region", "eu-west", "--token",
                "hg_reg_x", "--data-dir", "/var/lib/agent", "--wal-max-bytes", "1048576", "--name", "eu-1").settings(NO_ENV);

        assertThat(settings.controlPlane()).isEqualTo(URI.create("https://cp.example:8081"));
        assertThat(settings.region()).isEqualTo(new RegionId("eu-west"));
        assertThat(settings.token()).isEqualTo("hg_reg_x");
        assertThat(settings.dataDir()).isEqualTo(Path.of("/var/lib/agent"));
        assertThat(settings.walMaxBytes()).isEqualTo(1_048_576);
        assertThat(settings.name()).isEqualTo("eu-1");
    }

    @Test
    void fallsBackToTheEnvironmentAndTheDefaults() {
        AgentSettings settings = parse().settings(Map.of("HELIOGRAPH_AGENT_CONTROL_PLANE", "https://cp.example",
                "HELIOGRAPH_AGENT_REGION", "us-east", "HELIOGRAPH_AGENT_TOKEN", "hg_reg_y",
                "HELIOGRAPH_AGENT_WAL_MAX_BYTES", "65536"));

        assertThat(settings.controlPlane()).isEqualTo(URI.create("https://cp.example"));
        assertThat(settings.region()).isEqualTo(new RegionId("us-east"));
        assertThat(settings.token()).isEqualTo("hg_reg_y");
        assertThat(settings.walMaxBytes()).isEqualTo(65_536);
        assertThat(settings.dataDir()).isEqualTo(Path.of("agent-data"));
        assertThat(parse("--control-plane", "https://cp:8081").settings(NO_ENV).walMaxBytes())
                .isEqualTo(AgentSettings.WAL_DEFAULT_BYTES);
    }

    @Test
    void theRegionIsOptionalHereBecauseASavedIdentityHasOne() {
        assertThat(parse("--control-plane", "https://cp:8081").settings(NO_ENV).region()).isNull();
    }

    @Test
    void requiresTheControlPlane() {
        assertThatThrownBy(() -> parse("--region", "eu").settings(Map.of("HELIOGRAPH_AGENT_SERVER", "https://cp:8081")))
                .hasMessage("--control-plane URL is required (or HELIOGRAPH_AGENT_CONTROL_PLANE)");
        assertThatThrownBy(() -> parse("--control-plane", "cp:8081").settings(NO_ENV)).hasMessageContaining("control plane");
    }

    @Test
    void refusesAPlainHttpControlPlane() {
        assertThatThrownBy(() -> parse("--control-plane", "http://cp:8081").settings(NO_ENV))
                .hasMessageContaining("must be an https:// URL");
    }

    @Test
    void takesTheCaFingerprintFromTheEnvironment() {
        String hex = "AB".repeat(32);
        assertThat(parse("--control-plane", "https://cp:8081").settings(Map.of("HELIOGRAPH_AGENT_CA_FINGERPRINT", "sha256:" + hex))
                .caFingerprint()).isEqualTo("ab".repeat(32));
        assertThatThrownBy(() -> parse("--control-plane", "https://cp:8081", "--ca-fingerprint", "abc").settings(NO_ENV))
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void refusesARegionThatIsNotARegionName() {
        assertThatThrownBy(() -> parse("--control-plane", "https://cp:8081", "--region", "EU West").settings(NO_ENV))
                .hasMessageStartingWith("--region: 'EU West' is not a region name");
    }

    @Test
    void refusesAWriteAheadLogBoundOutOfRangeOrNotANumber() {
        for (String bad : new String[] {"65535", "1099511627777", "256MiB", "-1"}) {
            assertThatThrownBy(() -> parse("--control-plane", "https://cp:8081", "--wal-max-bytes", bad).settings(NO_ENV))
                    .as(bad).hasMessage("--wal-max-bytes must be a number of bytes between 65536 (64 KiB) and 1099511627776 "
                            + "(1 TiB), was '" + bad + "'");
        }
        assertThatThrownBy(() -> parse("--control-plane", "https://cp:8081").settings(Map.of("HELIOGRAPH_AGENT_WAL_MAX_BYTES", "0")))
                .hasMessageStartingWith("--wal-max-bytes must be");
    }

    @Test
    void theOldServerOptionIsGone() {
        assertThatThrownBy(() -> parse("--server", "https://cp:8081")).isInstanceOf(CommandLine.UnmatchedArgumentException.class);
    }
}
