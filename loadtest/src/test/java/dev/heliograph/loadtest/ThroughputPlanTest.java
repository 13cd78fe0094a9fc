package dev.heliograph.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The throughput scenario's plan (rates, step lengths, option errors) and its overhead percentiles. */
class ThroughputPlanTest {
    private static ThroughputBenchmark.Plan plan(String... args) {
        return ThroughputBenchmark.Plan.of(ThroughputBenchmark.options(args));
    }

    @Test
    void ratesGrowByTheGivenShareAndEndAtTheMaximum() {
        assertThat(RateRamp.rates(250, 1000, 50)).containsExactly(250, 375, 563, 845, 1000);
        assertThat(RateRamp.rates(100, 100, 50)).containsExactly(100);
        assertThat(RateRamp.rates(1, 3, 5)).containsExactly(1, 2, 3);
    }

    @Test
    void eachTargetBelongsToTheStepThatFirstNeedsIt() {
        List<Integer> rates = List.of(50, 100);
        assertThat(RateRamp.stepOf(rates, 0)).isZero();
        assertThat(RateRamp.stepOf(rates, 49)).isZero();
        assertThat(RateRamp.stepOf(rates, 50)).isEqualTo(1);
        assertThatThrownBy(() -> RateRamp.stepOf(rates, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationScalesStepsAndCeilingRuns() {
        ThroughputBenchmark.Plan full = plan();
        assertThat(full.warmUp()).isEqualTo(Duration.ofSeconds(3));
        assertThat(full.window()).isEqualTo(Duration.ofSeconds(17));
        assertThat(full.ceilingS()).isEqualTo(8);
        assertThat(full.rates()).startsWith(100, 150, 225).endsWith(10_000);
        ThroughputBenchmark.Plan short_ = plan("--duration", "60");
        assertThat(short_.window()).isEqualTo(Duration.ofSeconds(2));
        assertThat(short_.ceilingS()).isEqualTo(2);
    }

    @Test
    void badOptionsNameTheOption() {
        assertThatThrownBy(() -> plan("--start-rate", "500", "--max-rate", "400"))
                .hasMessage("--max-rate (400) must not be below --start-rate (500)");
        assertThatThrownBy(() -> plan("--growth-pct", "1")).hasMessage("--growth-pct must be within 5..400, not 1");
    }

    @Test
    void overheadPercentilesComeFromTheWindowsBucketDifferences() {
        double[] bounds = {0.001, 0.002, 0.004, Double.POSITIVE_INFINITY};
        OverheadHistogram.Snapshot before = new OverheadHistogram.Snapshot(bounds, new double[] {100, 100, 100, 100});
        // In the window: 50 results up to 1 ms, 40 in (1, 2] ms, 10 in (2, 4] ms.
        OverheadHistogram.Snapshot after = new OverheadHistogram.Snapshot(bounds, new double[] {150, 190, 200, 200});
        assertThat(OverheadHistogram.quantileMs(before, after, 0.5)).isCloseTo(1.0, within(1e-9));
        assertThat(OverheadHistogram.quantileMs(before, after, 0.7)).isCloseTo(1.5, within(1e-9));
        assertThat(OverheadHistogram.quantileMs(before, after, 0.99)).isCloseTo(3.8, within(1e-9));
        assertThat(OverheadHistogram.quantileMs(before, before, 0.5)).isNaN();
    }
}
