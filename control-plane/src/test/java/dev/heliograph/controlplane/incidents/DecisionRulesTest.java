package dev.heliograph.controlplane.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Quorum;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.Uuid7;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decision rules replayed over result histories with a fixed clock. */
class DecisionRulesTest {
    private static final RegionId EU = new RegionId("eu");
    private static final RegionId US = new RegionId("us");
    private static final RegionId AP = new RegionId("ap");
    private static final DecisionRules.FlapSettings FLAP = new DecisionRules.FlapSettings(4, Duration.ofMinutes(15));
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private Instant now = T0;
    private TargetHealth health = TargetHealth.clean(T0);
    private final List<Change> changes = new ArrayList<>();

    private static Target target(IncidentRules rules, RegionId... regions) {
        return new Target(TargetId.random(), OrgId.DEFAULT, "web", "web", HttpSpec.get("https://example.com/"), Duration.ofSeconds(60),
                Duration.ofSeconds(5), List.of(regions), Set.of(), true, T0, T0, 1, rules);
    }

    private static Target threeRegions() {
        return target(IncidentRules.DEFAULT, EU, US, AP);
    }

    private CheckResult result(Target target, RegionId region, Status status, Failure failure) {
        now = now.plusSeconds(10);
        return new CheckResult(Uuid7.at(now.toEpochMilli()), target.id(), target.orgId(), region, "a", CheckKind.HTTP, now, now, status,
                failure, status == Status.UP ? 200 : 0, failure == Failure.NONE ? "" : failure.wire(), PhaseTimings.NONE);
    }

    private void feed(Target target, RegionId region, Status status, Failure failure, Set<RegionId> silent) {
        DecisionRules.Decision decision = DecisionRules.apply(health, target, result(target, region, status, failure), silent, FLAP, now);
        health = decision.health();
        changes.addAll(decision.changes());
    }

    private void fail(Target target, RegionId region) {
        feed(target, region, Status.DOWN, Failure.CONNECT_REFUSED, Set.of());
    }

    private void ok(Target target, RegionId region) {
        feed(target, region, Status.UP, Failure.NONE, Set.of());
    }

    private List<Verdict> verdictChanges() {
        return changes.stream().filter(c -> c instanceof Change.VerdictChanged).map(c -> ((Change.VerdictChanged) c).to()).toList();
    }

    @Test
    void twoFailuresTurnARegionDownAndOneGoodResultDoesNotBringItBack() {
        Target web = target(IncidentRules.DEFAULT, EU);

        fail(web, EU);
        assertThat(health.verdict()).as("one failure is not an outage").isEqualTo(Verdict.UP);
        fail(web, EU);
        assertThat(health.verdict()).isEqualTo(Verdict.DOWN);
        assertThat(health.region(EU).firstFailureAt()).isEqualTo(T0.plusSeconds(10));
        ok(web, EU);
        assertThat(health.verdict()).as("hysteresis: a single good beat is not recovery (Uptime Kuma #3031)").isEqualTo(Verdict.DOWN);
        ok(web, EU);
        assertThat(health.verdict()).isEqualTo(Verdict.UP);
        assertThat(verdictChanges()).containsExactly(Verdict.DOWN, Verdict.UP);
        assertThat(health.clean()).as("the changes are remembered for the flap window").isFalse();
        now = now.plus(FLAP.window());
        ok(web, EU);
        assertThat(health.clean()).as("nothing left to remember").isTrue();
    }

    @Test
    void oneRegionOfThreeIsRegionalTwoAreDown() {
        Target web = threeRegions();

        fail(web, EU);
        fail(web, EU);
        assertThat(health.verdict()).isEqualTo(Verdict.REGIONAL);
        fail(web, US);
        fail(web, US);
        assertThat(health.verdict()).isEqualTo(Verdict.DOWN);
        ok(web, EU);
        ok(web, EU);
        assertThat(health.verdict()).isEqualTo(Verdict.REGIONAL);
        assertThat(verdictChanges()).containsExactly(Verdict.REGIONAL, Verdict.DOWN, Verdict.REGIONAL);
    }

    @Test
    void aCountOrPercentageQuorumIsHonoured() {
        Target all = target(new IncidentRules(1, 1, null, Quorum.percent(100), null), EU, US, AP);
        fail(all, EU);
        fail(all, US);
        assertThat(health.verdict()).isEqualTo(Verdict.REGIONAL);
        fail(all, AP);
        assertThat(health.verdict()).isEqualTo(Verdict.DOWN);

        health = TargetHealth.clean(now);
        Target one = target(new IncidentRules(1, 1, null, Quorum.of(1), null), EU, US, AP);
        fail(one, AP);
        assertThat(health.verdict()).isEqualTo(Verdict.DOWN);
    }

    @Test
    void resultsThatAreNotObservationsNeverCountButEnoughOfThemBlindTheRegion() {
        Target web = target(IncidentRules.DEFAULT, EU);

        fail(web, EU);
        feed(web, EU, Status.DOWN, Failure.CIRCUIT_OPEN, Set.of());
        assertThat(health.region(EU).failures()).as("neither counted nor reset").isEqualTo(1);
        assertThat(health.verdict()).isEqualTo(Verdict.UP);
        feed(web, EU, Status.DEGRADED, Failure.THROTTLED, Set.of());
        assertThat(health.region(EU).failures()).isEqualTo(1);
        assertThat(health.verdict()).as("two checks in a row that did not run: eu cannot see the target").isEqualTo(Verdict.UNKNOWN);
        feed(web, EU, Status.ERROR, Failure.POOL_SATURATED, Set.of());
        feed(web, EU, Status.ERROR, Failure.INTERNAL, Set.of());
        assertThat(health.region(EU).unseen()).as("capped at the failure threshold").isEqualTo(2);
        fail(web, EU);
        assertThat(health.region(EU).unseen()).isZero();
        assertThat(health.verdict()).isEqualTo(Verdict.DOWN);
    }

    @Test
    void aRegionBlindToTheTargetNeitherHidesNorEndsAnOutage() {
        Target web = target(IncidentRules.DEFAULT, EU, US);
        ok(web, US);
        feed(web, US, Status.UP, Failure.CIRCUIT_OPEN, Set.of());
        feed(web, US, Status.UP, Failure.CIRCUIT_OPEN, Set.of());
        fail(web, EU);
        fail(web, EU);
        assertThat(health.verdict()).as("us's breaker hides the target: eu alone decides").isEqualTo(Verdict.DOWN);

        ok(web, US);
        assertThat(health.verdict()).as("us sees it up again: 1 of 2").isEqualTo(Verdict.REGIONAL);
        fail(web, US);
        fail(web, US);
        assertThat(health.verdict()).isEqualTo(Verdict.DOWN);
        feed(web, US, Status.DOWN, Failure.CIRCUIT_OPEN, Set.of());
        feed(web, US, Status.DOWN, Failure.CIRCUIT_OPEN, Set.of());
        assertThat(health.region(US).blind(2)).isTrue();
        assertThat(health.verdict()).as("a down region that lost sight of the target stays down").isEqualTo(Verdict.DOWN);
    }

    @Test
    void aSilentRegionCountsNeitherWayButNeverEndsAnOutage() {
        Target web = threeRegions();
        fail(web, EU);
        fail(web, EU);
        assertThat(health.verdict()).isEqualTo(Verdict.REGIONAL);
        DecisionRules.Decision apSilent = DecisionRules.reevaluate(health, web, Set.of(AP), FLAP, now);
        assertThat(apSilent.health().verdict()).as("eu down, us up: 1 of 2 regions that see it").isEqualTo(Verdict.REGIONAL);

        fail(web, US);
        fail(web, US);
        assertThat(health.verdict()).isEqualTo(Verdict.DOWN);
        DecisionRules.Decision usSilent = DecisionRules.reevaluate(health, web, Set.of(US), FLAP, now);
        assertThat(usSilent.health().verdict()).as("us went silent while down: still down, never a resolve mid-outage")
                .isEqualTo(Verdict.DOWN);

        DecisionRules.Decision allSilent = DecisionRules.reevaluate(health, web, Set.of(EU, US, AP), FLAP, now);
        assertThat(allSilent.health().verdict()).as("silence never ends an outage").isEqualTo(Verdict.DOWN);
        assertThat(allSilent.changes()).isEmpty();

        Target calm = threeRegions();
        health = TargetHealth.clean(now);
        DecisionRules.Decision calmSilent = DecisionRules.reevaluate(health, calm, Set.of(EU, US, AP), FLAP, now);
        assertThat(calmSilent.health().verdict()).as("nothing counts: unknown").isEqualTo(Verdict.UNKNOWN);
        assertThat(calmSilent.health().transitions()).as("silence is not the target changing").isEmpty();
    }

    @Test
    void aFirstFailureAsksTheOtherRegionsToConfirmOnlyWhileNoRegionIsDown() {
        Target web = threeRegions();

        fail(web, EU);
        assertThat(changes).containsExactly(new Change.ConfirmationWanted(EU));
        fail(web, US);
        assertThat(changes).containsExactly(new Change.ConfirmationWanted(EU), new Change.ConfirmationWanted(US));
        fail(web, EU);
        changes.clear();
        ok(web, AP);
        fail(web, AP);
        assertThat(changes).as("eu is already down: the quorum is being decided").noneMatch(c -> c instanceof Change.ConfirmationWanted);
    }

    @Test
    void randomOnePercentFailuresInEveryRegionNeverMakeTheTargetDown() {
        Target web = threeRegions();
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            for (RegionId region : List.of(EU, US, AP)) {
                boolean failed = random.nextInt(100) == 0;
                feed(web, region, failed ? Status.DOWN : Status.UP, failed ? Failure.TIMEOUT : Failure.NONE, Set.of());
            }
        }
        assertThat(verdictChanges()).doesNotContain(Verdict.DOWN);
    }

    @Test
    void tooManyVerdictChangesStartFlappingOnceAndAQuietWindowEndsIt() {
        Target web = target(IncidentRules.DEFAULT, EU);
        for (int i = 0; i < 6; i++) {
            fail(web, EU);
            fail(web, EU);
            ok(web, EU);
            ok(web, EU);
        }
        assertThat(changes.stream().filter(c -> c instanceof Change.FlappingStarted)).hasSize(1);
        assertThat(health.flapping()).isTrue();

        now = now.plus(Duration.ofMinutes(16));
        ok(web, EU);
        assertThat(health.flapping()).isFalse();
        assertThat(changes).last().isEqualTo(new Change.FlappingEnded());
    }

    @Test
    void lateAndReplayedResultsAreIgnored() {
        Target web = target(IncidentRules.DEFAULT, EU);
        fail(web, EU);
        CheckResult late = new CheckResult(Uuid7.next(), web.id(), web.orgId(), EU, "a", CheckKind.HTTP, T0, T0, Status.DOWN,
                Failure.TIMEOUT, 0, "timeout", PhaseTimings.NONE);

        health = DecisionRules.apply(health, web, late, Set.of(), FLAP, now).health();

        assertThat(health.region(EU).failures()).isEqualTo(1);
        assertThat(health.verdict()).isEqualTo(Verdict.UP);
    }

    @Test
    void slowAnswersMakeADegradedVerdictWithHysteresis() {
        Target web = target(IncidentRules.DEFAULT, EU);
        feed(web, EU, Status.DEGRADED, Failure.SLOW, Set.of());
        assertThat(health.verdict()).isEqualTo(Verdict.UP);
        feed(web, EU, Status.DEGRADED, Failure.SLOW, Set.of());
        assertThat(health.verdict()).isEqualTo(Verdict.DEGRADED);
        ok(web, EU);
        assertThat(health.verdict()).isEqualTo(Verdict.DEGRADED);
        ok(web, EU);
        assertThat(health.verdict()).isEqualTo(Verdict.UP);
        now = now.plus(FLAP.window());
        ok(web, EU);
        assertThat(health.clean()).isTrue();
    }

    @Test
    void configurationFailuresAreTheirOwnProblemAndNeverADownVerdict() {
        Target web = target(IncidentRules.DEFAULT, EU);
        feed(web, EU, Status.ERROR, Failure.BLOCKED_SSRF, Set.of());
        feed(web, EU, Status.ERROR, Failure.BLOCKED_SSRF, Set.of());
        assertThat(health.configError()).isTrue();
        assertThat(health.verdict()).isEqualTo(Verdict.UP);
        assertThat(changes).hasOnlyElementsOfTypes(Change.ConfigErrorStarted.class);

        ok(web, EU);
        assertThat(health.configError()).isFalse();
        assertThat(changes).last().isEqualTo(new Change.ConfigErrorEnded());
    }

    @Test
    void aRegionRemovedFromTheTargetIsForgotten() {
        Target web = threeRegions();
        fail(web, EU);
        fail(web, EU);
        fail(web, US);
        fail(web, US);
        Target moved = target(IncidentRules.DEFAULT, AP);

        TargetHealth after = DecisionRules.reevaluate(health, moved, Set.of(), FLAP, now).health();

        assertThat(after.regions()).isEmpty();
        assertThat(after.verdict()).isEqualTo(Verdict.UP);
    }
}
