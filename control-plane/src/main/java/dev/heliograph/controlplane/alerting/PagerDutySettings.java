package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.net.AddressGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
 * incidents trigger and resolve PagerDuty alerts, deduplicated by the incident id.
 *
 * @param routingKey the integration key of a PagerDuty service: 32 letters and digits (secret)
 * @param url        the Events API endpoint; default {@value #DEFAULT_URL} (another one, e.g. a
 *                   regional endpoint or a proxy, must speak the same API)
 */
public record PagerDutySettings(String routingKey, String url) implements ChannelSettings {
    /** PagerDuty's Events API v2 endpoint. */
    public static final String DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue";
    /** Fields whose values are secret. */
    static final List<String> SECRET_FIELDS = List.of("routing_key");
    private static final Pattern ROUTING_KEY = Pattern.compile("[A-Za-z0-9]{32}");

    public PagerDutySettings {
        url = url == null ? DEFAULT_URL : url;
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.PAGERDUTY;
    }

    @Override
    public List<FieldError> validate(AddressGuard guard) {
        List<FieldError> errors = new ArrayList<>();
        if (routingKey == null || routingKey.isEmpty()) {
            errors.add(new FieldError("settings.routing_key", FieldError.REQUIRED, "settings.routing_key is required"));
        } else if (!ROUTING_KEY.matcher(routingKey).matches()) {
            errors.add(new FieldError("settings.routing_key", FieldError.INVALID_FORMAT,
                    "settings.routing_key must be the 32 letters and digits of a PagerDuty integration key"));
        }
        SettingsRules.url(errors, "settings.url", url, true, guard);
        return errors;
    }

    @Override
    public List<String> secretFields() {
        return SECRET_FIELDS;
    }

    @Override
    public String destination() {
        return SettingsRules.origin(url);
    }

    /** Leaves the routing key out. */
    @Override
    public String toString() {
        return "PagerDutySettings[url=" + url + "]";
    }
}
