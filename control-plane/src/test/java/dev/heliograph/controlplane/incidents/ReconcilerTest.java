package dev.heliograph.controlplane.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.alerting.ChannelKind;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationPolicy;
import dev.heliograph.controlplane.alerting.RoutingCatalog;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.Uuid7;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which channels hear of an incident, and what they hear, as policies and channels change under it. */
class ReconcilerTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final UUID PAGER = UUID.randomUUID();
    private static final Set<NotificationEvent> ALL = Set.of(NotificationEvent.OPENED, NotificationEvent.RESOLVED, NotificationEvent.REMINDER,
            NotificationEvent.DEGRADED);
    private static final Target WEB = new Target(TargetId.random(), OrgId.DEFAULT, "web", "web", HttpSpec.get("https://example.com/"),
            Duration.ofSeconds(60), Duration.ofSeconds(5), List.of(new RegionId("eu"), new RegionId("us")), Set.of("shop"), true, T0, T0, 1,
            IncidentRules.DEFAULT);
    private static final Messages MESSAGES = new Messages("http://heliograph.test");

    private static NotificationPolicy policy(Set<NotificationEvent> events, Set<String> regions, int reminderS, boolean enabled) {
        return new NotificationPolicy(UUID.randomUUID(), OrgId.DEFAULT, "p", "p", events, Set.of("critical", "warning"), Set.of(), regions,
                List.of(PAGER), reminderS, enabled, T0, T0, 1);
    }

    private static RoutingCatalog routing(boolean channelEnabled, NotificationPolicy... policies) {
        return RoutingCatalog.fixed(List.of(policies),
                List.of(new RoutingCatalog.ChannelInfo(PAGER, OrgId.DEFAULT, ChannelKind.PAGERDUTY, "pager", channelEnabled, 600)));
    }

    private static Incident incident(IncidentKind kind, List<String> regionsDown) {
        return new Incident(Uuid7.at(T0.toEpochMilli()), OrgId.DEFAULT, kind, Incident.OPEN, "web", WEB.id(), "web", "web", null, null,
                List.of("shop"), regionsDown, null, T0, T0, null, null, null, null, null);
    }

    private static Reconciler.Outcome reconcile(RoutingCatalog routing, Tracked tracked) {
        return new Reconciler(routing, Duration.ZERO).reconcile(tracked, false, WEB, T0.plusSeconds(60),
                event -> MESSAGES.about(event, tracked.incident(), WEB, TargetHealth.clean(T0), Set.of(), T0.plusSeconds(60)));
    }

    private static List<String> notified(Reconciler.Outcome outcome) {
        return outcome.ops().stream().filter(op -> op instanceof Op.Notify).map(op -> ((Op.Notify) op).message().event().wire()).toList();
    }

    private static Tracked told(Incident incident, int reminderS) {
        return new Tracked(incident, Map.of(PAGER, new Subscription(PAGER, incident.kind(), reminderS, T0, T0)));
    }

    @Test
    void aChannelNoPolicyRoutesToAnyMoreStillHearsTheEndButNotOneWhosePolicyLeavesResolvedOut() {
        Incident resolved = incident(IncidentKind.DOWN, List.of("eu", "us")).resolved(T0.plusSeconds(60), "heliograph", "recovered");

        assertThat(notified(reconcile(routing(true), told(resolved, 0)))).as("its policy was deleted").containsExactly("resolved");
        assertThat(notified(reconcile(routing(true, policy(ALL, Set.of(), 0, false)), told(resolved, 0))))
                .as("its policy was disabled").containsExactly("resolved");
        assertThat(notified(reconcile(routing(true, policy(Set.of(NotificationEvent.OPENED), Set.of(), 0, true)), told(resolved, 0))))
                .as("a policy still routes to it without resolved").isEmpty();
        Reconciler.Outcome disabled = reconcile(routing(false, policy(ALL, Set.of(), 0, true)), told(resolved, 0));
        assertThat(notified(disabled)).as("the channel is disabled").isEmpty();
        assertThat(disabled.tracked().subscriptions()).isEmpty();
        assertThat(notified(reconcile(RoutingCatalog.fixed(List.of(), List.of()), told(resolved, 0)))).as("the channel is gone").isEmpty();
    }

    @Test
    void remindersFollowThePolicysIntervalOnlyWhenItRoutesReminders() {
        Incident down = incident(IncidentKind.DOWN, List.of("eu", "us"));

        Reconciler.Outcome first = reconcile(routing(true, policy(ALL, Set.of(), 600, true)), new Tracked(down, Map.of()));
        assertThat(notified(first)).containsExactly("opened");
        assertThat(first.tracked().subscriptions().get(PAGER).reminderIntervalS()).isEqualTo(600);

        Reconciler.Outcome changed = reconcile(routing(true, policy(ALL, Set.of(), 3600, true)), first.tracked());
        assertThat(notified(changed)).as("no notification for a changed interval").isEmpty();
        assertThat(changed.tracked().subscriptions().get(PAGER).reminderIntervalS()).isEqualTo(3600);
        assertThat(changed.ops()).hasSize(1).first().isInstanceOf(Op.Subscribe.class);

        Reconciler.Outcome without = reconcile(routing(true, policy(Set.of(NotificationEvent.OPENED, NotificationEvent.RESOLVED), Set.of(), 600,
                true)), new Tracked(down, Map.of()));
        assertThat(without.tracked().subscriptions().get(PAGER).reminderIntervalS()).as("reminder is not among its events").isZero();
    }

    @Test
    void aRegionFilterMatchesAnIncidentWithoutRegionsDownByItsTargetsRegions() {
        Incident degraded = incident(IncidentKind.DEGRADED, List.of());
        assertThat(notified(reconcile(routing(true, policy(ALL, Set.of("us"), 0, true)), new Tracked(degraded, Map.of()))))
                .containsExactly("degraded");
        assertThat(notified(reconcile(routing(true, policy(ALL, Set.of("ap"), 0, true)), new Tracked(degraded, Map.of())))).isEmpty();
    }
}
