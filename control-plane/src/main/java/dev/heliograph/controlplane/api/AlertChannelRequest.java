package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.alerting.AlertChannelDraft;
import dev.heliograph.controlplane.alerting.ChannelKind;
import dev.heliograph.controlplane.alerting.ChannelSettings;
import dev.heliograph.controlplane.alerting.ChannelSettingsJson;
import dev.heliograph.controlplane.alerting.WebhookSettings;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.probe.net.AddressGuard;
import io.swagger.v3.oas.annotations.media.Schema;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The body of {@code POST /api/v1/alert-channels} and {@code PUT /api/v1/alert-channels/{id}}. Absent
 * fields take defaults: {@code key} the id's text (a replace keeps the stored key),
 * {@code rate_limit_per_minute} 60 for Slack and 600 for the other kinds, enabled. {@link #toString()}
 * leaves the settings out (they hold secrets).
 */
@Schema(description = "The settings of an alert channel (create, replace).")
public record AlertChannelRequest(
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the channel's stable name for tools: 1..128 "
                + "characters of [A-Za-z0-9_.:/-], unique within the org; default on create the id's text, on replace the "
                + "stored key") String key,
        @Schema(description = "1..200 characters, unique within the org", example = "on-call webhook") String name,
        @Schema(allowableValues = {"webhook", "slack", "email", "pagerduty", "alertmanager"}) String kind,
        @Schema(types = "object", description = SETTINGS_DOC) JsonNode settings,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "most notifications sent to the channel per "
                + "minute, 1..6000; default 60 for slack, 600 for the other kinds") Integer rateLimitPerMinute,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "false stops notifications to the channel (a "
                + "test still sends); default true") Boolean enabled) {
    /** Description of {@code settings} in the OpenAPI document. */
    static final String SETTINGS_DOC = "the kind's settings; secret values (marked *) are answered as \"***\", and \"***\" sent "
            + "back keeps the stored value while the channel sends to the same place. webhook: url, secret* (whsec_ + base64 "
            + "of 24..64 bytes; generated and shown once when a create leaves it out; a replace without it keeps it), "
            + "headers* (extra headers, values secret). slack: url* (the incoming-webhook URL). email: host, port (587), "
            + "starttls (required | optional | disabled; default required), username, password*, from, to (1..50 addresses). "
            + "pagerduty: routing_key* (32 characters), url (default https://events.pagerduty.com/v2/enqueue). "
            + "alertmanager: url (base URL), username, password* (basic auth), labels (extra alert labels)";

    /**
     * The validated request.
     *
     * @param draft           what to store
     * @param generatedSecret whether a webhook secret was generated here (the create answer shows it once)
     */
    public record Validated(AlertChannelDraft draft, boolean generatedSecret) {
    }

    /**
     * The draft of this request. Throws {@link ApiException}: 400 for unknown or mistyped settings
     * fields, 422 {@code VALIDATION_FAILED} listing every invalid field in {@code details.fields}.
     *
     * @param stored          the stored settings of the channel being replaced, whose secrets
     *                        {@code "***"} keeps; {@code null} on create
     * @param guard           the SSRF guard in force (IP literals it refuses are {@code BLOCKED_ADDRESS})
     * @param canStoreSecrets {@code false} without {@code secret.key}: each secret value is then a
     *                        {@code SECRET_KEY_MISSING} error
     */
    public Validated validate(ChannelSettings stored, AddressGuard guard, boolean canStoreSecrets, SecureRandom random) {
        Checked checked = check(stored, guard, canStoreSecrets, random);
        if (!checked.errors().isEmpty()) {
            throw ApiException.validation(checked.errors());
        }
        return checked.validated();
    }

    /**
     * What {@link #check} found.
     *
     * @param validated the validated request; {@code null} when there are errors
     * @param errors    every field error, with the API's field paths ({@code settings.url}); empty when valid
     */
    public record Checked(Validated validated, List<FieldError> errors) {
    }

    /**
     * Validates like {@link #validate}, but returns the field errors instead of throwing them (for a
     * config file, which lists the errors of every item). Still throws {@link ApiException} 400 for
     * unknown or mistyped settings fields.
     */
    public Checked check(ChannelSettings stored, AddressGuard guard, boolean canStoreSecrets, SecureRandom random) {
        List<FieldError> errors = new ArrayList<>();
        if (key != null && !TargetDraft.validKey(key)) {
            errors.add(new FieldError("key", FieldError.INVALID_FORMAT, "key must be 1-128 characters of [A-Za-z0-9_.:/-]"));
        }
        if (name == null || name.isBlank()) {
            errors.add(new FieldError("name", FieldError.REQUIRED, "name is required"));
        } else if (name.length() > 200) {
            errors.add(new FieldError("name", FieldError.TOO_LONG, "name must be at most 200 characters"));
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", FieldError.INVALID_FORMAT, "name must not contain control characters"));
        }
        ChannelKind channelKind = kind(errors);
        Parsed parsed = channelKind == null ? null
                : settings(channelKind, new Context(stored, guard, canStoreSecrets, random), errors);
        if (rateLimitPerMinute != null
                && (rateLimitPerMinute < AlertChannelDraft.MIN_RATE || rateLimitPerMinute > AlertChannelDraft.MAX_RATE)) {
            errors.add(new FieldError("rate_limit_per_minute", FieldError.OUT_OF_RANGE, "rate_limit_per_minute must be between "
                    + AlertChannelDraft.MIN_RATE + " and " + AlertChannelDraft.MAX_RATE));
        }
        if (!errors.isEmpty()) {
            return new Checked(null, List.copyOf(errors));
        }
        int rate = rateLimitPerMinute == null ? AlertChannelDraft.defaultRate(channelKind) : rateLimitPerMinute;
        return new Checked(new Validated(new AlertChannelDraft(key, name, parsed.settings(), rate, enabled == null || enabled),
                parsed.generatedSecret()), List.of());
    }

    /** What the settings are validated against (see {@link #validate}). */
    private record Context(ChannelSettings stored, AddressGuard guard, boolean canStoreSecrets, SecureRandom random) {
    }

    /** The parsed settings; {@code generatedSecret} when a webhook secret was made here. */
    private record Parsed(ChannelSettings settings, boolean generatedSecret) {
    }

    private ChannelKind kind(List<FieldError> errors) {
        if (kind == null) {
            errors.add(new FieldError("kind", FieldError.REQUIRED, "kind is required (webhook, slack, email, pagerduty, alertmanager)"));
            return null;
        }
        try {
            return ChannelKind.fromWire(kind);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("kind", FieldError.INVALID_FORMAT, "kind must be webhook, slack, email, pagerduty or alertmanager"));
            return null;
        }
    }

    /** The settings of {@code channelKind}, adding their errors to {@code errors}; {@code null} when there are none to parse. */
    private Parsed settings(ChannelKind channelKind, Context context, List<FieldError> errors) {
        if (!(settings instanceof ObjectNode object)) {
            errors.add(new FieldError("settings", settings == null || settings.isNull() ? FieldError.REQUIRED
                    : FieldError.INVALID_FORMAT, "settings must be an object with the " + kind + " channel's fields"));
            return null;
        }
        ObjectNode request = object.deepCopy();
        ChannelSettings stored = context.stored();
        boolean generated = false;
        JsonNode secret = request.path("secret");
        if (channelKind == ChannelKind.WEBHOOK && (secret.isMissingNode() || secret.isNull())) {
            // Absent: a new channel gets a fresh secret (its create answer shows it once); a replaced
            // webhook keeps its own; a channel that becomes a webhook must be given one.
            if (stored == null) {
                request.put("secret", WebhookSettings.newSecret(context.random()));
                generated = true;
            } else if (stored instanceof WebhookSettings) {
                request.put("secret", ChannelSettingsJson.MASK);
            }
        }
        List<FieldError> kept = new ArrayList<>();
        JsonNode resolved = ChannelSettingsJson.keepSecrets(channelKind, request, stored, kept);
        ChannelSettings parsed;
        try {
            parsed = ChannelSettingsJson.read(Json.STRICT, channelKind, resolved);
        } catch (JsonProcessingException e) {
            throw JsonBody.fieldError(e, "settings.");
        }
        errors.addAll(kept);
        Set<String> unkept = kept.stream().map(FieldError::field).collect(Collectors.toSet());
        parsed.validate(context.guard()).stream().filter(error -> !unkept.contains(error.field())).forEach(errors::add);
        if (!context.canStoreSecrets()) {
            ChannelSettingsJson.secrets(parsed).forEach((path, value) -> {
                if (!value.isEmpty()) {
                    errors.add(new FieldError("settings." + path, FieldError.SECRET_KEY_MISSING, "settings." + path
                            + " is secret, and secrets are stored encrypted: set secret.key (HELIOGRAPH_SECRET_KEY, the base64 "
                            + "of 32 random bytes) and restart the control plane"));
                }
            });
        }
        return new Parsed(parsed, generated);
    }

    /** The fields without the settings, which hold secrets. */
    @Override
    public String toString() {
        return "AlertChannelRequest[key=" + key + ", name=" + name + ", kind=" + kind + ", rateLimitPerMinute=" + rateLimitPerMinute
                + ", enabled=" + enabled + "]";
    }
}
