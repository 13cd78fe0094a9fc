package dev.heliograph.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InflightPlanTest {
    @Test
    void aHardLimitOfTwentyThousandSplitsOneHundredThousandChecksOverSixProcesses() {
        InflightPlan plan = InflightPlan.of(100_000, 20_000, 0);
        assertThat(plan.budget()).isEqualTo(19_000);
        assertThat(plan.engineShards()).isEqualTo(6);
        assertThat(plan.serverShards()).isEqualTo(6);
        assertThat(plan.forced()).isTrue();
        assertThat(plan.describe()).contains("forced by the open-files hard limit 20000");
    }

    @Test
    void aLimitWellAboveTheTargetsKeepsOneProcess() {
        assertThat(InflightPlan.of(100_000, 1_048_576, 0).engineShards()).isEqualTo(1);
        assertThat(InflightPlan.of(100_000, 110_000, 0).engineShards()).isEqualTo(1);
        assertThat(InflightPlan.of(100_000, Long.MAX_VALUE, 0).forced()).isFalse();
    }

    @Test
    void shardsOptionOverridesTheLimit() {
        InflightPlan plan = InflightPlan.of(2_000, 20_000, 2);
        assertThat(plan.engineShards()).isEqualTo(2);
        assertThat(plan.forced()).isFalse();
        assertThat(plan.describe()).contains("set by --shards");
    }

    @Test
    void sharesCoverEveryTargetOnceAndDifferByAtMostOne() {
        InflightPlan plan = InflightPlan.of(100_003, 20_000, 0);
        int shards = plan.engineShards();
        assertThat(IntStream.range(0, shards).map(plan::shareOf).sum()).isEqualTo(100_003);
        for (int s = 1; s < shards; s++) {
            assertThat(plan.firstOf(s)).isEqualTo(plan.firstOf(s - 1) + plan.shareOf(s - 1));
        }
        assertThat(plan.shareOf(0) - plan.shareOf(shards - 1)).isBetween(0, 1);
        assertThat(plan.shareOf(0)).isLessThanOrEqualTo((int) plan.budget());
    }

    @Test
    void aLimitBelowTheMarginIsRefused() {
        assertThatThrownBy(() -> InflightPlan.of(10, 900, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openFilesAreReadFromALimitsFile() throws Exception {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             unlimited            unlimited            processes
                Max open files            1024                 20000                files
                """;
        assertThat(HostLimits.parseOpenFiles(limits)).isEqualTo(new HostLimits.OpenFiles(1024, 20_000));
    }
}
