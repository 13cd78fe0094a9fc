package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.agents.AgentHub;
import dev.heliograph.controlplane.storage.clickhouse.CheckCounts;
import dev.heliograph.controlplane.storage.clickhouse.LatestResult;
import dev.heliograph.controlplane.storage.postgres.PgTargetOverview.TargetFacts;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DashboardViewTest {
    private static final Instant NOW = Instant.parse("2026-01-05T10:15:02Z");
    private static final RegionId LOCAL = new RegionId("local");
    private static final RegionId EU = new RegionId("eu-west");
    private static final CheckCounts CHECKS = new CheckCounts(Instant.parse("2026-01-05T10:14:00Z"), 10, 7);

    private static TargetFacts target(boolean enabled, int intervalS, RegionId... regions) {
        return new TargetFacts(TargetId.random(), List.of(regions), enabled, intervalS, 1_000);
    }

    private static LatestResult result(TargetFacts target, RegionId region, Status status, Duration ago) {
        return new LatestResult(target.id(), region, status, NOW.minus(ago));
    }

    private static AgentHub.AgentView agent(RegionId region, String status) {
        return new AgentHub.AgentView(UUID.randomUUID(), "a", region.value(), "1", status, NOW, NOW, 0, 0);
    }

    @Test
    void aTargetHasTheStatusOfItsNewestFreshResultFromAnyOfItsRegions() {
        TargetFacts twoRegions = target(true, 10, LOCAL, EU);
        TargetFacts stale = target(true, 10, LOCAL);          // newest result older than 2 x 10 s + 1 s
        TargetFacts neverChecked = target(true, 10, EU);
        TargetFacts paused = target(false, 10, LOCAL);
        TargetFacts movedAway = target(true, 10, LOCAL);      // only a result from a region it left
        DashboardView view = DashboardView.of(NOW, List.of(twoRegions, stale, neverChecked, paused, movedAway), List.of(
                result(twoRegions, LOCAL, Status.UP, Duration.ofSeconds(8)),
                result(twoRegions, EU, Status.DOWN, Duration.ofSeconds(3)),
                result(stale, LOCAL, Status.UP, Duration.ofSeconds(22)),
                result(paused, LOCAL, Status.DOWN, Duration.ofSeconds(1)),
                result(movedAway, EU, Status.ERROR, Duration.ofSeconds(1))), CHECKS, List.of(), true);

        assertThat(view.targets()).isEqualTo(new DashboardView.Targets(5, 4, 1,
                new DashboardView.StatusCounts(0, 0, 1, 0, 3),
                List.of(new DashboardView.RegionTargets("eu-west", 2, new DashboardView.StatusCounts(0, 0, 1, 0, 1)),
                        new DashboardView.RegionTargets("local", 3, new DashboardView.StatusCounts(1, 0, 0, 0, 2)))));
        assertThat(view.checksLastMinute()).isEqualTo(CHECKS);
        assertThat(view.generatedAt()).isEqualTo(NOW);
    }

    @Test
    void theOperatorSeesEveryAgentOtherOrgsThoseOfTheirRegions() {
        List<AgentHub.AgentView> agents = List.of(agent(EU, "ok"), agent(EU, "not_reporting"),
                agent(new RegionId("ap-south"), "ok"));
        List<TargetFacts> targets = List.of(target(true, 60, LOCAL, EU), target(false, 60, new RegionId("ap-south")));
        assertThat(DashboardView.of(NOW, targets, List.of(), CHECKS, agents, true).agents())
                .isEqualTo(new DashboardView.Agents(3, 2, 1));
        assertThat(DashboardView.of(NOW, targets, List.of(), CHECKS, agents, false).agents())
                .as("ap-south serves only a paused target").isEqualTo(new DashboardView.Agents(2, 1, 1));
        assertThat(DashboardView.of(NOW, List.of(), List.of(), CHECKS, agents, false).agents())
                .isEqualTo(new DashboardView.Agents(0, 0, 0));
    }

    @Test
    void theWindowCoversTheSlowestEnabledTargetWithinOneMinuteAndOneDay() {
        assertThat(DashboardView.window(List.of())).isEqualTo(Duration.ofMinutes(1));
        assertThat(DashboardView.window(List.of(target(true, 5, LOCAL)))).isEqualTo(Duration.ofMinutes(1));
        assertThat(DashboardView.window(List.of(target(true, 5, LOCAL), target(true, 300, LOCAL), target(false, 3600, LOCAL))))
                .isEqualTo(Duration.ofSeconds(601));
        assertThat(DashboardView.window(List.of(target(true, 86_400, LOCAL)))).isEqualTo(Duration.ofHours(24));
    }
}
