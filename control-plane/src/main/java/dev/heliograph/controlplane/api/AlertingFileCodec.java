package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.ChannelSettingsJson;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationPolicy;
import dev.heliograph.controlplane.maintenance.MaintenanceWindow;
import dev.heliograph.controlplane.maintenance.MaintenanceWindowRequest;
import dev.heliograph.controlplane.maintenance.WindowSettings;
import dev.heliograph.domain.TargetId;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The alerting file of config as code, in YAML or JSON ({@link ConfigFile}): {@code {"version": 1,
 * "alert_channels": [...], "notification_policies": [...], "maintenance_windows": [...]}}, each list
 * sorted by key, every field spelled out (defaults included), sets sorted. Items name each other by
 * key, never by id, so that a file moves between orgs and installations: a policy's {@code channels}
 * are channel keys, a window's {@code targets} are target keys. Channel secrets are masked as
 * {@code "***"}, exactly as the channel API answers them.
 *
 * <p>The item records are both what the export writes and what an apply binds (unknown fields are
 * refused); they turn into the bodies of the three APIs, whose validation applies unchanged.
 */
public final class AlertingFileCodec {
    /** The file in messages. */
    static final String WHAT = "the alerting file";
    /** The lists of the file, in file order. */
    static final String CHANNELS = "alert_channels";
    static final String POLICIES = "notification_policies";
    static final String WINDOWS = "maintenance_windows";
    static final List<String> LISTS = List.of(CHANNELS, POLICIES, WINDOWS);

    private AlertingFileCodec() {
    }

    /** What every item of the file has: the key that matches it to a stored item, and a name. */
    interface Item {
        /** The key; {@code null} when the file leaves it out (an error). */
        String key();

        /** The name; {@code null} when the file leaves it out (an error). */
        String name();
    }

    /** The whole file (the export's shape, and what an apply takes). */
    @Schema(name = "AlertingFile", description = "An org's alert channels, notification policies and maintenance windows as a "
            + "file (YAML or JSON), each list sorted by key; items name each other by key.")
    public record File(@Schema(minimum = "1", maximum = "1", description = "the file format: 1") int version,
                       List<Channel> alertChannels, List<Policy> notificationPolicies, List<Window> maintenanceWindows) {
    }

    /** An alert channel of the file: the body of {@code POST /api/v1/alert-channels}, with a key. */
    @Schema(name = "AlertingFileChannel", description = "An alert channel, as for POST /api/v1/alert-channels.")
    public record Channel(
            @Schema(description = "the channel's key, which matches it to the org's channel with that key; 1..128 of "
                    + "[A-Za-z0-9_.:/-]") String key,
            String name,
            @Schema(allowableValues = {"webhook", "slack", "email", "pagerduty", "alertmanager"}) String kind,
            @Schema(types = "object", description = AlertChannelRequest.SETTINGS_DOC) JsonNode settings,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "1..6000; default 60 for slack, 600 otherwise")
            Integer rateLimitPerMinute,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "default true") Boolean enabled) implements Item {
        /** The file entry of {@code channel}, secrets masked. */
        static Channel of(AlertChannel channel) {
            return new Channel(channel.key(), channel.name(), channel.kind().wire(), ChannelSettingsJson.masked(channel.settings()),
                    channel.rateLimitPerMinute(), channel.enabled());
        }

        /** The same as an API body. */
        AlertChannelRequest request() {
            return new AlertChannelRequest(key, name, kind, settings, rateLimitPerMinute, enabled);
        }

        /** Leaves the settings (and their secrets) out. */
        @Override
        public String toString() {
            return "Channel[key=" + key + ", name=" + name + ", kind=" + kind + "]";
        }
    }

    /** A notification policy of the file: the API's body, with channels named by key. */
    @Schema(name = "AlertingFilePolicy", description = "A notification policy, as for POST /api/v1/notification-policies, "
            + "but naming its channels by key.")
    public record Policy(
            @Schema(description = "the policy's key, which matches it to the org's policy with that key") String key,
            String name,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "default opened, resolved, reminder, flapping, "
                    + "agent_not_reporting, config_error") List<String> events,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "default critical") List<String> severities,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) List<String> tags,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) List<String> regions,
            @Schema(description = "keys of alert channels, 1..20: of this file, or (without prune) of the org")
            List<String> channels,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "0 (never, the default) or 60..604800 s")
            Integer reminderIntervalS,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "default true") Boolean enabled) implements Item {
        /** The file entry of {@code policy}; channels it names that no longer exist ({@code channelKeys} lacks them) are left out. */
        static Policy of(NotificationPolicy policy, Map<UUID, String> channelKeys) {
            return new Policy(policy.key(), policy.name(), policy.events().stream().map(NotificationEvent::wire).sorted().toList(),
                    sorted(policy.severities()), sorted(policy.tags()), sorted(policy.regions()),
                    policy.channels().stream().map(channelKeys::get).filter(Objects::nonNull).sorted().toList(),
                    policy.reminderIntervalS(), policy.enabled());
        }

        /** The same as an API body, its channels still keys. */
        PolicyRequest request() {
            return new PolicyRequest(key, name, events, severities, tags, regions, channels, reminderIntervalS, enabled);
        }
    }

    /** A maintenance window of the file: the API's body, with targets named by key. */
    @Schema(name = "AlertingFileWindow", description = "A maintenance window, as for POST /api/v1/maintenance-windows, but "
            + "naming its targets by key (targets instead of target_ids).")
    public record Window(
            @Schema(description = "the window's key, which matches it to the org's window with that key") String key,
            String name,
            @Schema(description = "local wall-clock time in time_zone", example = "2026-03-29T02:30:00") String startsAt,
            @Schema(description = "an IANA time zone", example = "Europe/Berlin") String timeZone,
            @Schema(description = "60..31622400") Integer durationS,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "RFC 5545 RRULE value; absent for a one-off window")
            String rrule,
            @Schema(allowableValues = {"mute", "pause"}) String mode,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "keys of the org's targets, at most 1000")
            List<String> targets,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "targets carrying one of these tags, at most 32")
            List<String> tags,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "default true") Boolean enabled) implements Item {
        /** The file entry of {@code window}; targets it names that no longer exist ({@code targetKeys} lacks them) are left out. */
        static Window of(MaintenanceWindow window, Map<TargetId, String> targetKeys) {
            WindowSettings settings = window.settings();
            return new Window(window.key(), settings.name(), MaintenanceWindowView.LOCAL.format(settings.startsAt()),
                    settings.timeZone().getId(), (int) settings.duration().toSeconds(),
                    settings.recurrence() == null ? null : settings.recurrence().text(), settings.mode().wire(),
                    settings.targetIds().stream().map(targetKeys::get).filter(Objects::nonNull).sorted().toList(),
                    sorted(settings.tags()), settings.enabled());
        }

        /** The same as an API body, with {@code targetIds} (the ids of the targets named, in file order). */
        MaintenanceWindowRequest request(List<String> targetIds) {
            return new MaintenanceWindowRequest(key, name, startsAt, timeZone, durationS, rrule, mode, targetIds, tags, enabled);
        }
    }

    /** What the export holds: the org's items, and the keys of the channels and targets they name, by id. */
    record Contents(List<AlertChannel> channels, List<NotificationPolicy> policies, List<MaintenanceWindow> windows,
                    Map<TargetId, String> targetKeys) {
    }

    /** The file of {@code contents} (any order) in {@code format}. */
    static String write(ConfigFile.Format format, Contents contents) {
        Map<UUID, String> channelKeys = new LinkedHashMap<>();
        contents.channels().forEach(c -> channelKeys.put(c.id(), c.key()));
        Map<String, Object> lists = new LinkedHashMap<>();
        lists.put(CHANNELS, contents.channels().stream().sorted(Comparator.comparing(AlertChannel::key)).map(Channel::of).toList());
        lists.put(POLICIES, contents.policies().stream().sorted(Comparator.comparing(NotificationPolicy::key))
                .map(p -> Policy.of(p, channelKeys)).toList());
        lists.put(WINDOWS, contents.windows().stream().sorted(Comparator.comparing(MaintenanceWindow::key))
                .map(w -> Window.of(w, contents.targetKeys())).toList());
        return ConfigFile.write(format, lists);
    }

    private static List<String> sorted(Collection<String> values) {
        return values.stream().sorted().toList();
    }
}
