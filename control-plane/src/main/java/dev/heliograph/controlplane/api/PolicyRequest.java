package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationPolicy;
import dev.heliograph.controlplane.alerting.PgPolicyStore;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.TargetDraft;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/notification-policies} and {@code PUT .../{id}}, and (with
 * channels named by key) a policy of the alerting file. {@link #validate} holds the rules of both,
 * listing every problem at once; how a channel is named is the caller's ({@link ChannelRefs}).
 */
@Schema(name = "NotificationPolicyRequest", description = "Which events go to which channels.")
public record PolicyRequest(
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "stable name for tools, 1..128 of [A-Za-z0-9_.:/-], "
                + "unique within the org; default the id's text (create) or the stored key (replace)") String key,
        @Schema(description = "1..200 characters, unique within the org") String name,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "events routed: opened, resolved, regional, degraded, "
                + "flapping, reminder, agent_not_reporting, config_error; default opened, resolved, reminder, flapping, "
                + "agent_not_reporting, config_error") List<String> events,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "critical and/or warning; default critical "
                + "(down, config_error, agent_not_reporting; regional and degraded are warnings)") List<String> severities,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "only targets with one of these tags; default any")
        List<String> tags,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "only incidents with one of these regions down (or "
                + "an agent of one of them); default any") List<String> regions,
        @Schema(description = "alert channel ids of the org, 1..20") List<String> channels,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "remind of an open, unacknowledged incident this "
                + "often, s: 0 (never, the default) or 60..604800") Integer reminderIntervalS,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "default true") Boolean enabled) {
    /** Shortest reminder interval, s. */
    static final int MIN_REMINDER_S = 60;
    /** Longest reminder interval, s (a week). */
    static final int MAX_REMINDER_S = 7 * 86_400;
    /** Most channels of one policy. */
    static final int MAX_CHANNELS = 20;
    /** Code of a channel reference that names no alert channel of the org. */
    static final String UNKNOWN_CHANNEL = "UNKNOWN_CHANNEL";

    /** How the channels of a policy are named: by id (the API) or by key (the alerting file). */
    interface ChannelRefs {
        /** The id of the org's channel that {@code ref} names, or {@code null} when it names none. */
        UUID resolve(String ref);

        /** The error of {@code ref}, which names no channel, at {@code path} ({@code channels[2]}). */
        FieldError unknown(String path, String ref);
    }

    /**
     * What {@link #validate} found.
     *
     * @param draft  what to store; {@code null} when there are errors
     * @param errors every problem, with field paths relative to the policy ({@code channels[0]}); empty when valid
     */
    record Validated(PgPolicyStore.Draft draft, List<FieldError> errors) {
    }

    /**
     * The validated draft, channels resolved by {@code channelRefs} (in the order given, each once).
     * Defaults: the events of {@link NotificationPolicy#DEFAULT_EVENTS}, severity critical, any tag
     * and region, no reminders, enabled.
     */
    Validated validate(ChannelRefs channelRefs) {
        List<FieldError> errors = new ArrayList<>();
        if (key != null && !TargetDraft.validKey(key)) {
            errors.add(new FieldError("key", FieldError.INVALID_FORMAT, "key must be 1-128 characters of letters, digits and _.:/-"));
        }
        if (name == null || name.isBlank() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", name == null ? FieldError.REQUIRED : FieldError.INVALID_FORMAT,
                    "name is required: 1..200 characters without control characters"));
        }
        Set<NotificationEvent> eventSet = events(errors);
        Set<String> severitySet = new LinkedHashSet<>(severities == null ? NotificationPolicy.DEFAULT_SEVERITIES : severities);
        if (severitySet.isEmpty() || !NotificationPolicy.SEVERITIES.containsAll(severitySet)) {
            errors.add(new FieldError("severities", FieldError.INVALID_FORMAT, "severities must be critical and/or warning"));
        }
        Set<String> tagSet = new LinkedHashSet<>(tags == null ? List.of() : tags);
        tagSet.stream().filter(tag -> !TargetDraft.validTag(tag)).findFirst().ifPresent(tag -> errors.add(new FieldError("tags",
                FieldError.INVALID_FORMAT, "tag '" + tag + "' must be 1-64 characters of letters, digits and _.:/=-")));
        Set<String> regionSet = new LinkedHashSet<>(regions == null ? List.of() : regions);
        regionSet.stream().filter(region -> !RegionId.isValid(region)).findFirst().ifPresent(region -> errors.add(new FieldError("regions",
                FieldError.INVALID_FORMAT, "region '" + region + "' must be 1-63 characters of a-z, 0-9 and '-'")));
        List<UUID> channelIds = channels(channelRefs, errors);
        int reminder = reminderIntervalS == null ? 0 : reminderIntervalS;
        if (reminder != 0 && (reminder < MIN_REMINDER_S || reminder > MAX_REMINDER_S)) {
            errors.add(new FieldError("reminder_interval_s", FieldError.OUT_OF_RANGE,
                    "reminder_interval_s must be 0 or between " + MIN_REMINDER_S + " and " + MAX_REMINDER_S));
        }
        if (!errors.isEmpty()) {
            return new Validated(null, List.copyOf(errors));
        }
        return new Validated(new PgPolicyStore.Draft(key, name, eventSet, severitySet, tagSet, regionSet, channelIds, reminder,
                enabled == null || enabled), List.of());
    }

    private Set<NotificationEvent> events(List<FieldError> errors) {
        Set<NotificationEvent> eventSet = new LinkedHashSet<>();
        if (events == null) {
            eventSet.addAll(NotificationPolicy.DEFAULT_EVENTS);
            return eventSet;
        }
        for (int i = 0; i < events.size(); i++) {
            try {
                NotificationEvent event = NotificationEvent.fromWire(String.valueOf(events.get(i)));
                if (event == NotificationEvent.TEST) {
                    throw new IllegalArgumentException("test");
                }
                eventSet.add(event);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("events[" + i + "]", FieldError.INVALID_FORMAT, "event must be one of opened, resolved, "
                        + "regional, degraded, flapping, reminder, agent_not_reporting, config_error"));
            }
        }
        if (events.isEmpty()) {
            errors.add(new FieldError("events", FieldError.REQUIRED, "events must name at least one event"));
        }
        return eventSet;
    }

    private List<UUID> channels(ChannelRefs channelRefs, List<FieldError> errors) {
        List<UUID> ids = new ArrayList<>();
        if (channels == null || channels.isEmpty() || channels.size() > MAX_CHANNELS) {
            errors.add(new FieldError("channels", FieldError.REQUIRED, "channels must name 1.." + MAX_CHANNELS + " alert channels"));
            return ids;
        }
        for (int i = 0; i < channels.size(); i++) {
            String ref = channels.get(i);
            UUID id = ref == null ? null : channelRefs.resolve(ref);
            if (id == null) {
                errors.add(channelRefs.unknown("channels[" + i + "]", String.valueOf(ref)));
            } else if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }
}
