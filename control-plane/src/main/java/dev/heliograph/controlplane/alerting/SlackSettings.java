package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.net.AddressGuard;
import java.util.ArrayList;
import java.util.List;

/**
 * A Slack incoming webhook (https://api.slack.com/messaging/webhooks): a message with {@code text}
 * and {@code blocks} is POSTed to {@code url}.
 *
 * @param url the incoming-webhook URL ({@code https://hooks.slack.com/services/...}). Whoever has it
 *            can post to the channel, so it is itself the secret: answered as {@code "***"}
 */
public record SlackSettings(String url) implements ChannelSettings {
    /** Fields whose values are secret. */
    static final List<String> SECRET_FIELDS = List.of("url");

    @Override
    public ChannelKind kind() {
        return ChannelKind.SLACK;
    }

    @Override
    public List<FieldError> validate(AddressGuard guard) {
        List<FieldError> errors = new ArrayList<>();
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

    /** Leaves the URL out: it is secret. */
    @Override
    public String toString() {
        return "SlackSettings[url=***]";
    }
}
