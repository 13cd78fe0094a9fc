package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.AlertChannelDraft;
import dev.heliograph.controlplane.alerting.ChannelSettingsJson;
import dev.heliograph.probe.net.AddressGuard;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The alert channels of an alerting file ({@link KeyedPlan.Kind}): validated exactly as
 * {@code POST}/{@code PUT /api/v1/alert-channels} validate them ({@link AlertChannelRequest#check}:
 * the kind's settings rules, the SSRF guard for IP literals, {@code SECRET_KEY_MISSING} without
 * {@code secret.key}), with {@code "***"} keeping the stored secret of the channel with the same key
 * under the channel API's destination rule. A new webhook channel without {@code settings.secret}
 * gets a generated secret, which the apply answer shows once.
 *
 * @param guard           the SSRF guard in force now
 * @param canStoreSecrets whether {@code secret.key} is set
 */
record ChannelFileItems(AddressGuard guard, boolean canStoreSecrets, SecureRandom random)
        implements KeyedPlan.Kind<AlertingFileCodec.Channel, AlertChannel, AlertChannelRequest.Validated> {
    @Override
    public String list() {
        return AlertingFileCodec.CHANNELS;
    }

    @Override
    public String noun() {
        return "alert channel";
    }

    @Override
    public String key(AlertChannel stored) {
        return stored.key();
    }

    @Override
    public String name(AlertChannel stored) {
        return stored.name();
    }

    @Override
    public AlertChannelRequest.Validated draft(AlertingFileCodec.Channel item, int index, AlertChannel current, ItemErrors errors) {
        try {
            AlertChannelRequest.Checked checked = item.request().check(current == null ? null : current.settings(), guard,
                    canStoreSecrets, random);
            errors.addAll(index, checked.errors());
            return checked.validated();
        } catch (ApiException settingsDoNotBind) {
            errors.add(index, settingsDoNotBind);
            return null;
        }
    }

    /**
     * {@code name}; {@code kind} (then also {@code settings}) or {@code settings.<field>} for each
     * top-level settings field that differs; {@code rate_limit_per_minute}; {@code enabled}. Secrets
     * are compared by value (the stored ones decrypted), never shown.
     */
    @Override
    public List<String> changes(AlertChannel current, AlertChannelRequest.Validated validated) {
        AlertChannelDraft draft = validated.draft();
        List<String> fields = new ArrayList<>();
        if (!current.name().equals(draft.name())) {
            fields.add("name");
        }
        if (current.kind() != draft.settings().kind()) {
            fields.add("kind");
            fields.add("settings");
        } else {
            ObjectNode stored = ChannelSettingsJson.tree(current.settings());
            ObjectNode wanted = ChannelSettingsJson.tree(draft.settings());
            Set<String> names = new LinkedHashSet<>();
            wanted.fieldNames().forEachRemaining(names::add);
            stored.fieldNames().forEachRemaining(names::add);
            names.stream().filter(name -> !Objects.equals(stored.get(name), wanted.get(name))).forEach(name -> fields.add("settings." + name));
        }
        if (current.rateLimitPerMinute() != draft.rateLimitPerMinute()) {
            fields.add("rate_limit_per_minute");
        }
        if (current.enabled() != draft.enabled()) {
            fields.add("enabled");
        }
        return fields;
    }
}
