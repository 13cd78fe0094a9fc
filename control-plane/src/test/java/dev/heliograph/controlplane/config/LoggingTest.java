package dev.heliograph.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoggingTest {
    private final String before = Logging.level();

    @AfterEach
    void restore() {
        Logging.setLevel(before == null ? "info" : before);
    }

    @Test
    void levelSetsTheHeliographLoggers() {
        Logging.setLevel("warn");
        assertThat(Logging.level()).isEqualTo("warn");
        assertThat(org.slf4j.LoggerFactory.getLogger("dev.heliograph.controlplane.Anything").isInfoEnabled()).isFalse();

        Logging.setLevel("DEBUG");
        assertThat(Logging.level()).isEqualTo("debug");
        assertThat(org.slf4j.LoggerFactory.getLogger("dev.heliograph.controlplane.Anything").isDebugEnabled()).isTrue();
    }

    @Test
    void explicitFormatsWinOverTheTerminalGuess() {
        assertThat(Logging.json("json")).isTrue();
        assertThat(Logging.json("text")).isFalse();
    }

    @Test
    void autoMeansJsonWithoutATerminal() {
        // Surefire runs tests with redirected streams: no terminal.
        assertThat(Logging.json("auto")).isTrue();
    }
}
