package dev.heliograph.controlplane.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.alerting.ChannelKind;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationPolicy;
import dev.heliograph.controlplane.alerting.RoutingCatalog;
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
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the planner writes and notifies for result histories, against a routing table built in code. */
class IncidentPlannerTest {
    private static final RegionId EU = new RegionId("eu");
    private static final RegionId US = new RegionId("us");
    private static final RegionId AP = new RegionId("ap");
    private static final UUID PAGER = UUID.randomUUID();
    private static final UUID CHAT = UUID.randomUUID();
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private final RoutingCatalog routing = RoutingCatalog.fixed(List.of(
            policy("pages", Set.of(NotificationEvent.OPENED, NotificationEvent.RESOLVED, NotificationEvent.FLAPPING,
                    NotificationEvent.CONFIG_ERROR), Set.of("critical"), PAGER),
            policy("chat", Set.of(NotificationEvent.OPENED, NotificationEvent.REGIONAL, NotificationEvent.RESOLVED), Set.of("critical", "warning"),
                    CHAT)),
            List.of(new RoutingCatalog.ChannelInfo(PAGER, OrgId.DEFAULT, ChannelKind.PAGERDUTY, "pager", true, 600),
                    new RoutingCatalog.ChannelInfo(CHAT, OrgId.DEFAULT, ChannelKind.SLACK, "chat", true, 60)));
    private final IncidentPlanner planner = new IncidentPlanner(new Reconciler(routing, Duration.ofSeconds(30)),
            new Messages("http://heliograph.test"), new DecisionRules.FlapSettings(4, Duration.ofMinutes(15)));
    private final List<Op> ops = new ArrayList<>();
    private SlotState state = new SlotState(TargetHealth.clean(T0), null, null, null);
    private Instant now = T0;
    private boolean muted;
    private UUID parentDown;

    private static NotificationPolicy policy(String name, Set<NotificationEvent> events, Set<String> severities, UUID channel) {
        return new NotificationPolicy(UUID.randomUUID(), OrgId.DEFAULT, name, name, events, severities, Set.of(), Set.of(), List.of(channel), 0,
                true, T0, T0, 1);
    }

    private static Target target(IncidentRules rules, RegionId... regions) {
        return new Target(TargetId.random(), OrgId.DEFAULT, "web", "web", HttpSpec.get("https://example.com/"), Duration.ofSeconds(60),
                Duration.ofSeconds(5), List.of(regions), Set.of("shop"), true, T0, T0, 1, rules);
    }

    private IncidentPlanner.Step feed(Target target, Input input) {
        IncidentPlanner.Step step = planner.plan(state, target, List.of(input),
                new IncidentPlanner.Context(now, Set.of(), muted, parentDown, id -> id.equals(parentDown)));
        state = step.state();
        ops.addAll(step.ops());
        // As the engine does once the writes are stored:
        step.answers().forEach(a -> {
            if (a.failure() != null) {
                a.promise().fail(a.failure());
            } else {
                a.promise().complete(a.incident());
            }
        });
        return step;
    }

    private void result(Target target, RegionId region, boolean up) {
        now = now.plusSeconds(10);
        feed(target, new Input.Result(new CheckResult(Uuid7.at(now.toEpochMilli()), target.id(), target.orgId(), region, "a", CheckKind.HTTP,
                now, now, up ? Status.UP : Status.DOWN, up ? Failure.NONE : Failure.CONNECT_REFUSED, 0, up ? "" : "connection refused",
                PhaseTimings.NONE)));
    }

    private void down(Target target, RegionId region) {
        result(target, region, false);
        result(target, region, false);
    }

    private void up(Target target, RegionId region) {
        result(target, region, true);
        result(target, region, true);
    }

    private List<String> notified() {
        return ops.stream().filter(op -> op instanceof Op.Notify).map(op -> (Op.Notify) op)
                .map(n -> (n.channelId().equals(PAGER) ? "pager " : "chat ") + n.message().event().wire()).toList();
    }

    @Test
    void oneRegionOfThreeIsNotAPageTwoAreOneOpenedAndRecoveryOneResolved() {
        Target web = target(IncidentRules.DEFAULT, EU, US, AP);

        down(web, EU);
        assertThat(notified()).as("regional: only the channel that asked for it").containsExactly("chat regional");
        assertThat(state.problem().incident().kind()).isEqualTo(IncidentKind.REGIONAL);
        down(web, US);
        assertThat(notified()).containsExactly("chat regional", "pager opened", "chat opened");
        up(web, EU);
        up(web, US);

        assertThat(notified()).as("down -> regional: the pager hears resolved, the chat the new kind").containsExactly("chat regional",
                "pager opened", "chat opened", "chat regional", "pager resolved", "chat resolved");
        assertThat(state.problem()).isNull();
        assertThat(ops).filteredOn(op -> op instanceof Op.InsertIncident).hasSize(1);
        assertThat(ops).filteredOn(op -> op instanceof Op.SaveHealth).last()
                .satisfies(op -> assertThat(((Op.SaveHealth) op).health().verdict()).isEqualTo(Verdict.UP));
    }

    @Test
    void theIncidentRemembersItsFirstFailureForTimeToDetect() {
        Target web = target(IncidentRules.DEFAULT, EU);
        down(web, EU);

        Incident incident = state.problem().incident();
        assertThat(incident.firstFailureAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(incident.openedAt()).isEqualTo(T0.plusSeconds(20));
        assertThat(incident.regionsDown()).containsExactly("eu");
        assertThat(incident.tags()).containsExactly("shop");
    }

    @Test
    void aMutedOutageIsNotifiedWhenTheWindowEnds() {
        Target web = target(IncidentRules.DEFAULT, EU);
        muted = true;
        down(web, EU);
        assertThat(notified()).isEmpty();
        assertThat(state.problem()).as("the incident is open all the same").isNotNull();

        muted = false;
        now = now.plusSeconds(60);
        feed(web, new Input.Reevaluate());

        assertThat(notified()).containsExactly("pager opened", "chat opened");
    }

    @Test
    void aFlappingTargetGivesOneFlappingNotificationAndIsQuietUntilStable() {
        Target web = target(IncidentRules.DEFAULT, EU);
        for (int i = 0; i < 8; i++) {
            down(web, EU);
            up(web, EU);
        }
        List<String> all = notified();
        assertThat(all.stream().filter(n -> n.endsWith("flapping"))).containsExactly("pager flapping");
        int flappingAt = all.indexOf("pager flapping");
        assertThat(all.subList(flappingAt + 1, all.size())).as("quiet while flapping").isEmpty();
    }

    @Test
    void aChildOfADownParentOpensCausedByItAndNotifiesNothing() {
        Target child = target(new IncidentRules(2, 2, null, Quorum.MAJORITY, "lb"), EU);
        parentDown = UUID.randomUUID();
        down(child, EU);

        assertThat(state.problem().incident().causedBy()).isEqualTo(parentDown);
        assertThat(notified()).isEmpty();

        parentDown = null;
        feed(child, new Input.Reevaluate());
        assertThat(notified()).as("the parent recovered, the child is still down").containsExactly("pager opened", "chat opened");
        assertThat(ops).filteredOn(op -> op instanceof Op.Notify).allSatisfy(op ->
                assertThat(((Op.Notify) op).notBefore()).as("a child's notifications wait for its parent's decision").isAfter(now));
    }

    @Test
    void aParentGoingDownLaterCancelsTheChildsPendingNotifications() {
        Target child = target(new IncidentRules(2, 2, null, Quorum.MAJORITY, "lb"), EU);
        down(child, EU);
        ops.clear();
        UUID parentIncident = UUID.randomUUID();

        feed(child, new Input.ParentDown(parentIncident));

        assertThat(state.problem().incident().causedBy()).isEqualTo(parentIncident);
        assertThat(ops).anySatisfy(op -> assertThat(op).isEqualTo(new Op.SuppressPending(state.problem().incident().id())));
    }

    @Test
    void resolvingByHandTellsTheChannelsAndStartsCountingAfresh() {
        Target web = target(IncidentRules.DEFAULT, EU);
        down(web, EU);
        Promise<Incident> answer = Promise.promise();

        feed(web, new Input.Resolve(state.problem().incident().id(), "api-key:k1", "fixed it", answer));

        assertThat(answer.future().result().state()).isEqualTo(Incident.RESOLVED);
        assertThat(answer.future().result().resolutionNote()).isEqualTo("fixed it");
        assertThat(notified()).containsExactly("pager opened", "chat opened", "pager resolved", "chat resolved");
        assertThat(state.health().region(EU).down()).isFalse();
        result(web, EU, false);
        assertThat(state.problem()).as("one failure after a manual resolve is not yet an incident").isNull();
        result(web, EU, false);
        assertThat(state.problem()).isNotNull();
    }

    @Test
    void acknowledgingChangesTheStateOnlyOnce() {
        Target web = target(IncidentRules.DEFAULT, EU);
        down(web, EU);
        UUID id = state.problem().incident().id();

        Promise<Incident> first = Promise.promise();
        feed(web, new Input.Acknowledge(id, "api-key:k1", "on it", first));
        int writes = ops.size();
        Promise<Incident> second = Promise.promise();
        feed(web, new Input.Acknowledge(id, "api-key:k2", null, second));

        assertThat(first.future().result().acknowledgedBy()).isEqualTo("api-key:k1");
        assertThat(second.future().result().acknowledgedBy()).isEqualTo("api-key:k1");
        assertThat(ops).hasSize(writes);
    }

    @Test
    void aConfigurationErrorIsItsOwnIncident() {
        Target web = target(IncidentRules.DEFAULT, EU);
        for (int i = 0; i < 2; i++) {
            now = now.plusSeconds(10);
            feed(web, new Input.Result(new CheckResult(Uuid7.at(now.toEpochMilli()), web.id(), web.orgId(), EU, "a", CheckKind.HTTP, now, now,
                    Status.ERROR, Failure.BLOCKED_SSRF, 0, "blocked by SSRF guard: loopback", PhaseTimings.NONE)));
        }
        assertThat(state.config().incident().kind()).isEqualTo(IncidentKind.CONFIG_ERROR);
        assertThat(state.problem()).isNull();
        assertThat(notified()).containsExactly("pager config_error");

        result(web, EU, true);
        assertThat(state.config()).isNull();
        assertThat(notified()).containsExactly("pager config_error", "pager resolved");
    }

    @Test
    void aRemovedTargetsIncidentIsResolved() {
        Target web = target(IncidentRules.DEFAULT, EU);
        down(web, EU);

        feed(web, new Input.Removed("target deleted"));

        assertThat(state.problem()).isNull();
        assertThat(state.idle()).isTrue();
        assertThat(notified()).endsWith("pager resolved", "chat resolved");
    }
}
