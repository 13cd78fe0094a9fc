package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.alerting.NotificationPolicy;
import dev.heliograph.controlplane.alerting.PgPolicyStore;
import dev.heliograph.domain.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The notification policies of an alerting file ({@link KeyedPlan.Kind}): validated by the rules of
 * {@code /api/v1/notification-policies} ({@link PolicyRequest#validate}), with channels named by key.
 *
 * @param channelIds   the id of every channel key a policy may name: the file's channels (new ones
 *                     with the id they will be created with) and, without prune, the org's other
 *                     channels
 * @param prune        whether the org's channels that the file lacks are deleted (then only the
 *                     file's own may be named)
 * @param liveChannels the ids of the org's channels now: a stored policy's channels are compared
 *                     without the ids of channels deleted since (the export leaves them out too)
 */
record PolicyFileItems(Map<String, UUID> channelIds, boolean prune, Set<UUID> liveChannels)
        implements KeyedPlan.Kind<AlertingFileCodec.Policy, NotificationPolicy, PgPolicyStore.Draft> {
    @Override
    public String list() {
        return AlertingFileCodec.POLICIES;
    }

    @Override
    public String noun() {
        return "notification policy";
    }

    @Override
    public String key(NotificationPolicy stored) {
        return stored.key();
    }

    @Override
    public String name(NotificationPolicy stored) {
        return stored.name();
    }

    @Override
    public PgPolicyStore.Draft draft(AlertingFileCodec.Policy item, int index, NotificationPolicy current, ItemErrors errors) {
        PolicyRequest.Validated validated = item.request().validate(new PolicyRequest.ChannelRefs() {
            @Override
            public UUID resolve(String ref) {
                return channelIds.get(ref);
            }

            @Override
            public FieldError unknown(String path, String ref) {
                return new FieldError(path, PolicyRequest.UNKNOWN_CHANNEL, "no alert channel with key '" + ref + "' "
                        + (prune ? "in the file (with prune, the org's channels that the file lacks are deleted)"
                        : "in the file or of the org"));
            }
        });
        errors.addAll(index, validated.errors());
        return validated.draft();
    }

    /**
     * {@code name}, {@code events}, {@code severities}, {@code tags}, {@code regions}, {@code channels}
     * (all as sets: order does not matter), {@code reminder_interval_s}, {@code enabled}.
     */
    @Override
    public List<String> changes(NotificationPolicy current, PgPolicyStore.Draft draft) {
        List<String> fields = new ArrayList<>();
        if (!current.name().equals(draft.name())) {
            fields.add("name");
        }
        if (!current.events().equals(draft.events())) {
            fields.add("events");
        }
        if (!current.severities().equals(draft.severities())) {
            fields.add("severities");
        }
        if (!current.tags().equals(draft.tags())) {
            fields.add("tags");
        }
        if (!current.regions().equals(draft.regions())) {
            fields.add("regions");
        }
        Set<UUID> stored = new HashSet<>(current.channels());
        stored.retainAll(liveChannels);
        if (!stored.equals(new HashSet<>(draft.channels()))) {
            fields.add("channels");
        }
        if (current.reminderIntervalS() != draft.reminderIntervalS()) {
            fields.add("reminder_interval_s");
        }
        if (current.enabled() != draft.enabled()) {
            fields.add("enabled");
        }
        return fields;
    }
}
