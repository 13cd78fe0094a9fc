package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.net.AddressGuard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Prometheus Alertmanager (API v2, {@code POST {url}/api/v2/alerts}): each open incident is an
 * alert there, re-sent with a fresh {@code endsAt} lease while it lasts and ended when it resolves.
 *
 * @param url      the Alertmanager's base URL, e.g. {@code http://alertmanager:9093} (a path prefix
 *                 of a proxy is kept); no query
 * @param username basic-auth user (RFC 7617), or {@code null}
 * @param password basic-auth password (secret); needs {@code username}
 * @param labels   extra labels on every alert (routing, team), at most {@value #MAX_LABELS}; names
 *                 {@code [a-zA-Z_][a-zA-Z0-9_]*}, not one of the labels the channel sets itself
 */
public record AlertmanagerSettings(String url, String username, String password, Map<String, String> labels)
        implements ChannelSettings {
    /** Most extra labels. */
    public static final int MAX_LABELS = 20;
    /** The labels every alert carries (see the sender); extra labels may not replace them. */
    public static final Set<String> OWN_LABELS = Set.of("alertname", "incident_id", "notification_id", "kind", "severity",
            "target", "agent", "region");
    /** Fields whose values are secret. */
    static final List<String> SECRET_FIELDS = List.of("password");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,127}");

    public AlertmanagerSettings {
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.ALERTMANAGER;
    }

    @Override
    public List<FieldError> validate(AddressGuard guard) {
        List<FieldError> errors = new ArrayList<>();
        SettingsRules.url(errors, "settings.url", url, true, guard);
        if (url != null && url.contains("?")) {
            errors.add(new FieldError("settings.url", FieldError.INVALID_FORMAT, "settings.url is a base URL without a query"));
        }
        if (username != null && (username.isEmpty() || username.length() > 256 || username.contains(":"))) {
            errors.add(new FieldError("settings.username", FieldError.INVALID_FORMAT,
                    "settings.username is 1-256 characters without ':'"));
        }
        if (password != null && username == null) {
            errors.add(new FieldError("settings.password", FieldError.CONFLICT, "settings.password needs settings.username"));
        }
        if (labels.size() > MAX_LABELS) {
            errors.add(new FieldError("settings.labels", FieldError.OUT_OF_RANGE, "settings.labels holds at most " + MAX_LABELS
                    + " labels"));
        }
        labels.forEach((name, value) -> {
            String field = "settings.labels." + name;
            if (!LABEL.matcher(name).matches() || name.startsWith("__")) {
                errors.add(new FieldError(field, FieldError.INVALID_FORMAT,
                        "a label name is [a-zA-Z_][a-zA-Z0-9_]* (1-128 characters, not starting with __)"));
            } else if (OWN_LABELS.contains(name)) {
                errors.add(new FieldError(field, FieldError.CONFLICT, "label " + name + " is set by the channel itself"));
            }
            if (value == null || value.isEmpty() || value.length() > 1024) {
                errors.add(new FieldError(field, FieldError.INVALID_FORMAT, "a label value is 1-1024 characters"));
            }
        });
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

    /** Leaves the password out. */
    @Override
    public String toString() {
        return "AlertmanagerSettings[url=" + url + ", username=" + username + ", labels=" + labels + "]";
    }
}
