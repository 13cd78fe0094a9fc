package dev.heliograph.controlplane.alerting;

import dev.heliograph.controlplane.alerting.NotificationMessage.IncidentSummary;
import dev.heliograph.controlplane.alerting.NotificationMessage.RegionRef;
import dev.heliograph.controlplane.alerting.NotificationMessage.TargetRef;
import dev.heliograph.domain.OrgId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Named notifications and channels for tests of alert channels: incidents of one target, down in eu-west. */
public final class TestNotifications {
    /** The org of every test channel and notification. */
    public static final OrgId ORG = new OrgId(UUID.fromString("00000000-0000-0000-0000-00000000000a"));

    private TestNotifications() {
    }

    /** A channel of {@link #ORG} with {@code settings}, enabled, 600 a minute. */
    public static AlertChannel channel(ChannelSettings settings) {
        Instant created = Instant.parse("2026-01-31T12:00:00Z");
        UUID id = UUID.randomUUID();
        return new AlertChannel(id, ORG, id.toString(), "test channel", settings, 600, true, created, created, 1);
    }

    /** Incident {@code id} of target {@code shop-web} as it is at {@code state}: opened at {@code opened}, resolved at {@code resolved}. */
    public static IncidentSummary incident(UUID id, String state, Instant opened, Instant resolved) {
        return new IncidentSummary(id, "down", "critical", state, "shop web is down in eu-west", opened, null, resolved,
                new TargetRef(UUID.fromString("0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a"), "shop-web", "shop web", List.of("prod")),
                null, "resolved".equals(state) ? List.of() : List.of("eu-west"),
                List.of(new RegionRef("eu-west", "resolved".equals(state) ? "up" : "down", "connect_refused",
                        "connection refused", opened)),
                null, "https://heliograph.example.com/incidents/" + id);
    }

    /** The {@code opened} notification of incident {@code incidentId}, sent at {@code at}. */
    public static NotificationMessage opened(UUID incidentId, Instant at) {
        return new NotificationMessage(UUID.randomUUID(), NotificationEvent.OPENED, at, ORG.value(),
                "DOWN: shop web (shop-web) is down in eu-west", incident(incidentId, "open", at, null), null);
    }

    /** The {@code resolved} notification of incident {@code incidentId} opened at {@code opened}, resolved and sent at {@code at}. */
    public static NotificationMessage resolved(UUID incidentId, Instant opened, Instant at) {
        return new NotificationMessage(UUID.randomUUID(), NotificationEvent.RESOLVED, at, ORG.value(),
                "RESOLVED: shop web (shop-web) is up again", incident(incidentId, "resolved", opened, at), null);
    }

    /** A channel test notification sent at {@code at}. */
    public static NotificationMessage test(Instant at) {
        return new NotificationMessage(UUID.randomUUID(), NotificationEvent.TEST, at, ORG.value(),
                "Heliograph test notification for alert channel test channel", null, null);
    }
}
