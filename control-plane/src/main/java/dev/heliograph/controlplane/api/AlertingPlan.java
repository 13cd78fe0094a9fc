package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.NotificationPolicy;
import dev.heliograph.controlplane.alerting.PgPolicyStore;
import dev.heliograph.controlplane.alerting.WebhookSettings;
import dev.heliograph.controlplane.maintenance.MaintenanceWindow;
import dev.heliograph.controlplane.maintenance.WindowSettings;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.Uuid7;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What applying an alerting file to an org does: one {@link KeyedPlan} per list, planned in the
 * order in which items name each other. Channels first; then policies, whose channel keys resolve
 * to the file's channels (a new one by the id it will be created with) and, without prune, to the
 * org's other channels; then windows, whose target keys resolve to the org's targets (a file never
 * creates targets). Every problem of every item is gathered ({@link Problems}) before anything is
 * written.
 */
final class AlertingPlan {
    /** The kinds of the answer's items. */
    static final String CHANNEL = "alert_channel";
    static final String POLICY = "notification_policy";
    static final String WINDOW = "maintenance_window";

    /** The org's items as the apply's transaction read (and locked) them, and the keys of its targets by id. */
    record Stored(List<AlertChannel> channels, List<NotificationPolicy> policies, List<MaintenanceWindow> windows,
                  Map<TargetId, String> targetKeys) {
    }

    /** The file's items that bound (those that did not are already among the problems). */
    record Items(List<KeyedPlan.Entry<AlertingFileCodec.Channel>> channels, List<KeyedPlan.Entry<AlertingFileCodec.Policy>> policies,
                 List<KeyedPlan.Entry<AlertingFileCodec.Window>> windows) {
    }

    /** The problems of the file's items, one {@link ItemErrors} per list, and the names that kept items outside the file hold. */
    record Problems(ItemErrors channels, ItemErrors policies, ItemErrors windows, ItemErrors takenChannels,
                    ItemErrors takenPolicies, ItemErrors takenWindows) {
        static Problems create() {
            return new Problems(new ItemErrors(AlertingFileCodec.CHANNELS), new ItemErrors(AlertingFileCodec.POLICIES),
                    new ItemErrors(AlertingFileCodec.WINDOWS), new ItemErrors(AlertingFileCodec.CHANNELS),
                    new ItemErrors(AlertingFileCodec.POLICIES), new ItemErrors(AlertingFileCodec.WINDOWS));
        }

        /**
         * The answer for the problems, or {@code null} when there are none: 422 {@code VALIDATION_FAILED}
         * listing every invalid item; else 409 for names that kept items outside the file hold
         * ({@code ALERT_CHANNEL_NAME_TAKEN}, {@code POLICY_NAME_TAKEN} or {@code MAINTENANCE_WINDOW_NAME_TAKEN},
         * by the first list that has one), also listing every one.
         */
        ApiException failure() {
            List<ItemErrors> invalid = List.of(channels, policies, windows);
            if (ItemErrors.any(invalid)) {
                return ItemErrors.validationFailed(invalid);
            }
            List<ItemErrors> taken = List.of(takenChannels, takenPolicies, takenWindows);
            if (!ItemErrors.any(taken)) {
                return null;
            }
            String code = takenChannels.any() ? "ALERT_CHANNEL_NAME_TAKEN" : takenPolicies.any() ? "POLICY_NAME_TAKEN"
                    : "MAINTENANCE_WINDOW_NAME_TAKEN";
            return ItemErrors.exception(409, code, "names of the file are held by items that are not in the file and stay", taken);
        }
    }

    final KeyedPlan<AlertChannel, AlertChannelRequest.Validated> channels;
    final KeyedPlan<NotificationPolicy, PgPolicyStore.Draft> policies;
    final KeyedPlan<MaintenanceWindow, WindowSettings> windows;
    private final Map<String, UUID> channelIds;

    private AlertingPlan(KeyedPlan<AlertChannel, AlertChannelRequest.Validated> channels,
                         KeyedPlan<NotificationPolicy, PgPolicyStore.Draft> policies, KeyedPlan<MaintenanceWindow, WindowSettings> windows,
                         Map<String, UUID> channelIds) {
        this.channels = channels;
        this.policies = policies;
        this.windows = windows;
        this.channelIds = channelIds;
    }

    /**
     * The file's lists bound to their items; the shape of the document throws ({@link ConfigFile#lists}),
     * items that do not bind (unknown or mistyped fields, no object) go to {@code problems}.
     */
    static Items bind(JsonNode document, Problems problems) {
        Map<String, JsonNode> lists = ConfigFile.lists(document, AlertingFileCodec.LISTS, AlertingFileCodec.WHAT);
        return new Items(entries(lists.get(AlertingFileCodec.CHANNELS), AlertingFileCodec.Channel.class, problems.channels()),
                entries(lists.get(AlertingFileCodec.POLICIES), AlertingFileCodec.Policy.class, problems.policies()),
                entries(lists.get(AlertingFileCodec.WINDOWS), AlertingFileCodec.Window.class, problems.windows()));
    }

    private static <R extends AlertingFileCodec.Item> List<KeyedPlan.Entry<R>> entries(JsonNode list, Class<R> type, ItemErrors errors) {
        List<KeyedPlan.Entry<R>> entries = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            R item = ItemDrafts.bind(list.get(i), i, type, errors);
            if (item != null) {
                errors.key(i, item.key());
                entries.add(new KeyedPlan.Entry<>(i, item.key(), item.name(), item));
            }
        }
        return entries;
    }

    /**
     * The plan of {@code items} against {@code stored}; every problem goes to {@code problems}.
     *
     * @param channelRules how channels are validated (the SSRF guard, {@code secret.key}, secrets made here)
     */
    static AlertingPlan of(Items items, Stored stored, boolean prune, ChannelFileItems channelRules, Problems problems) {
        KeyedPlan<AlertChannel, AlertChannelRequest.Validated> channels = KeyedPlan.of(channelRules, items.channels(),
                stored.channels(), prune, problems.channels(), problems.takenChannels());
        Map<String, UUID> existing = new HashMap<>();
        stored.channels().forEach(c -> existing.put(c.key(), c.id()));
        Map<String, UUID> channelIds = new HashMap<>();
        if (!prune) {
            channelIds.putAll(existing);
        }
        // Every key of the file gets an id, valid item or not, so that a policy naming it is not a second error.
        channels.fileKeys().forEach(key -> channelIds.put(key, existing.containsKey(key) ? existing.get(key) : Uuid7.next()));
        Set<UUID> liveChannels = new HashSet<>(existing.values());
        KeyedPlan<NotificationPolicy, PgPolicyStore.Draft> policies = KeyedPlan.of(new PolicyFileItems(channelIds, prune, liveChannels),
                items.policies(), stored.policies(), prune, problems.policies(), problems.takenPolicies());
        KeyedPlan<MaintenanceWindow, WindowSettings> windows = KeyedPlan.of(WindowFileItems.of(stored.targetKeys()), items.windows(),
                stored.windows(), prune, problems.windows(), problems.takenWindows());
        return new AlertingPlan(channels, policies, windows, channelIds);
    }

    /** The id that the file's channel {@code key} has, or will be created with. */
    UUID channelId(String key) {
        return channelIds.get(key);
    }

    private List<KeyedPlan<?, ?>> plans() {
        return List.of(channels, policies, windows);
    }

    /**
     * The answer ({@link KeyedPlan#answer}) with items {@code {"kind", "key", "action", "fields", "id"}},
     * channels first, then policies, then windows, each sorted by key; {@code ids} gives the id of each
     * {@code kind + ":" + key} that has one. After a real apply ({@code dryRun} false), a webhook
     * channel created with a generated secret also shows it as {@code webhook_secret}: this once.
     */
    Map<String, Object> answer(boolean dryRun, boolean prune, Map<String, String> ids) {
        List<Map<String, Object>> items = new ArrayList<>();
        items.addAll(channels.items(CHANNEL, step -> ids.get(CHANNEL + ":" + step.key())));
        items.addAll(policies.items(POLICY, step -> ids.get(POLICY + ":" + step.key())));
        items.addAll(windows.items(WINDOW, step -> ids.get(WINDOW + ":" + step.key())));
        if (!dryRun) {
            Map<String, String> secrets = new HashMap<>();
            channels.steps(KeyedPlan.CREATE).stream()
                    .filter(step -> step.draft().generatedSecret() && step.draft().draft().settings() instanceof WebhookSettings)
                    .forEach(step -> secrets.put(step.key(), ((WebhookSettings) step.draft().draft().settings()).secret()));
            items.stream().filter(item -> item.get("kind").equals(CHANNEL) && secrets.containsKey((String) item.get("key")))
                    .forEach(item -> item.put("webhook_secret", secrets.get((String) item.get("key"))));
        }
        return KeyedPlan.answer(dryRun, prune, plans(), items);
    }
}
