package dev.heliograph.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scenario options: defaults, bounds and the one-line errors BenchMain prints. */
class BenchOptionsTest {
    private static final Map<String, String> DEFAULTS = Map.of("targets", "1000", "duration", "60");

    @Test
    void defaultsHoldUntilGiven() {
        BenchOptions options = BenchOptions.parse(new String[] {"--targets", "100_000", "--json", "out.json"}, DEFAULTS);

        assertThat(options.integer("targets", 1, 200_000)).isEqualTo(100_000);
        assertThat(options.integer("duration", 1, 3600)).isEqualTo(60);
        assertThat(options.json()).isEqualTo(Path.of("out.json"));
        assertThat(BenchOptions.parse(new String[0], DEFAULTS).json()).isNull();
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--tragets", "5"}, DEFAULTS))
                .hasMessageContaining("unknown option --tragets").hasMessageContaining("--targets");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--targets"}, DEFAULTS)).hasMessage("option --targets needs a value");
        BenchOptions options = BenchOptions.parse(new String[] {"--targets", "many", "--duration", "0"}, DEFAULTS);
        assertThatThrownBy(() -> options.integer("targets", 1, 10)).hasMessage("--targets must be a whole number, not 'many'");
        assertThatThrownBy(() -> options.integer("duration", 1, 10)).hasMessage("--duration must be within 1..10, not 0");
    }

    @Test
    void reportShowsWholeNumbersPlainly() {
        assertThat(BenchReport.show(12.0)).isEqualTo("12");
        assertThat(BenchReport.show(0.4567)).isEqualTo("0.46");
        assertThat(BenchReport.show("met")).isEqualTo("met");
    }
}
