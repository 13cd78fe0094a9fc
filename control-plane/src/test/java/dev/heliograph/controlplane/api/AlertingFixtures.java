package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationPolicy;
import dev.heliograph.controlplane.alerting.SlackSettings;
import dev.heliograph.controlplane.alerting.WebhookSettings;
import dev.heliograph.controlplane.maintenance.MaintenanceMode;
import dev.heliograph.controlplane.maintenance.MaintenanceWindow;
import dev.heliograph.controlplane.maintenance.MaintenanceWindowId;
import dev.heliograph.controlplane.maintenance.Recurrence;
import dev.heliograph.controlplane.maintenance.WindowSettings;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.Uuid7;
import dev.heliograph.probe.net.AddressGuard;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One org's alerting as stored, for the unit tests of the alerting file: a webhook channel with a
 * secret and a secret header, a Slack channel named "no" (a YAML boolean unquoted), a policy naming
 * the webhook and a channel deleted since, and a weekly window over a target and a target deleted since.
 */
final class AlertingFixtures {
    static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SLACK_URL = "https://hooks.slack.example.com/services/T0/B0/s3cret";
    static final TargetId SHOP_DB = TargetId.random();
    static final TargetId GONE_TARGET = TargetId.random();
    static final AlertChannel WEBHOOK = new AlertChannel(Uuid7.next(), OrgId.DEFAULT, "oncall", "on-call webhook",
            new WebhookSettings("https://hooks.example.com/x", WEBHOOK_SECRET, Map.of("X-Team", "sre")), 600, true, Instant.EPOCH,
            Instant.EPOCH, 1);
    static final AlertChannel SLACK = new AlertChannel(Uuid7.next(), OrgId.DEFAULT, "0x1F", "no", new SlackSettings(SLACK_URL), 60, false,
            Instant.EPOCH, Instant.EPOCH, 2);
    static final NotificationPolicy POLICY = new NotificationPolicy(Uuid7.next(), OrgId.DEFAULT, "pager", "prod pages",
            Set.of(NotificationEvent.RESOLVED, NotificationEvent.OPENED), Set.of("critical"), Set.of("prod", "1_000"), Set.of(),
            List.of(WEBHOOK.id(), Uuid7.next()), 3600, true, Instant.EPOCH, Instant.EPOCH, 1);
    static final MaintenanceWindow WINDOW = new MaintenanceWindow(MaintenanceWindowId.random(), OrgId.DEFAULT, "sunday-db",
            new WindowSettings("sunday db", LocalDateTime.parse("2026-03-29T02:30:00"), ZoneId.of("Europe/Berlin"), Duration.ofHours(2),
                    Recurrence.parse("FREQ=WEEKLY;BYDAY=SU"), MaintenanceMode.MUTE, Set.of(SHOP_DB, GONE_TARGET), Set.of("db"), true),
            Instant.EPOCH, Instant.EPOCH, 1);
    static final Map<TargetId, String> TARGET_KEYS = Map.of(SHOP_DB, "shop-db", TargetId.random(), "shop-web");

    private AlertingFixtures() {
    }

    /** What the export of the org holds. */
    static AlertingFileCodec.Contents contents() {
        return new AlertingFileCodec.Contents(List.of(WEBHOOK, SLACK), List.of(POLICY), List.of(WINDOW), TARGET_KEYS);
    }

    /** The same as an apply's transaction reads it. */
    static AlertingPlan.Stored stored() {
        return new AlertingPlan.Stored(List.of(WEBHOOK, SLACK), List.of(POLICY), List.of(WINDOW), TARGET_KEYS);
    }

    /** Channel validation with the strict SSRF guard and secret.key set. */
    static ChannelFileItems channelRules() {
        return new ChannelFileItems(AddressGuard.strict(), true, new SecureRandom());
    }
}
