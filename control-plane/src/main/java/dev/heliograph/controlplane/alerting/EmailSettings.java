package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.net.AddressGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Email over SMTP (RFC 5321), one message per notification to every address in {@code to}.
 *
 * @param host     the SMTP server: a host name or an IP address
 * @param port     its port, 1..65535; default {@value #DEFAULT_PORT} (submission)
 * @param starttls {@code required} (default: STARTTLS (RFC 3207) with a verified certificate, or no
 *                 mail at all), {@code optional} (STARTTLS when the server offers it) or
 *                 {@code disabled} (plain text: only for a relay on a trusted network)
 * @param username the login, when the server wants one (AUTH); {@code null} for none
 * @param password its password (secret); needs {@code username}
 * @param from     the sender address ({@code local@domain})
 * @param to       1..{@value #MAX_RECIPIENTS} recipient addresses
 */
public record EmailSettings(String host, Integer port, String starttls, String username, String password, String from,
                            List<String> to) implements ChannelSettings {
    /** Default SMTP port: submission (RFC 6409). */
    public static final int DEFAULT_PORT = 587;
    /** Most recipients. */
    public static final int MAX_RECIPIENTS = 50;
    /** STARTTLS values. */
    public static final String REQUIRED = "required";
    public static final String OPTIONAL = "optional";
    public static final String DISABLED = "disabled";
    /** Fields whose values are secret. */
    static final List<String> SECRET_FIELDS = List.of("password");

    public EmailSettings {
        port = port == null ? DEFAULT_PORT : port;
        starttls = starttls == null ? REQUIRED : starttls.toLowerCase(Locale.ROOT);
        to = to == null ? List.of() : List.copyOf(to);
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.EMAIL;
    }

    @Override
    public List<FieldError> validate(AddressGuard guard) {
        List<FieldError> errors = new ArrayList<>();
        SettingsRules.host(errors, "settings.host", host, guard);
        if (port < 1 || port > 65_535) {
            errors.add(new FieldError("settings.port", FieldError.OUT_OF_RANGE, "settings.port must be between 1 and 65535"));
        }
        if (!List.of(REQUIRED, OPTIONAL, DISABLED).contains(starttls)) {
            errors.add(new FieldError("settings.starttls", FieldError.INVALID_FORMAT,
                    "settings.starttls must be required, optional or disabled"));
        }
        if (username != null && (username.isEmpty() || username.length() > 256)) {
            errors.add(new FieldError("settings.username", FieldError.INVALID_FORMAT, "settings.username is 1-256 characters"));
        }
        SettingsRules.singleLine(errors, "settings.username", username);
        if (password != null && username == null) {
            errors.add(new FieldError("settings.password", FieldError.CONFLICT, "settings.password needs settings.username"));
        }
        if (from == null) {
            errors.add(new FieldError("settings.from", FieldError.REQUIRED, "settings.from is required"));
        } else if (!SettingsRules.address(from)) {
            errors.add(new FieldError("settings.from", FieldError.INVALID_FORMAT, "settings.from must be an address like alerts@example.com"));
        }
        if (to.isEmpty() || to.size() > MAX_RECIPIENTS) {
            errors.add(new FieldError("settings.to", to.isEmpty() ? FieldError.REQUIRED : FieldError.OUT_OF_RANGE,
                    "settings.to needs 1 to " + MAX_RECIPIENTS + " addresses"));
        }
        for (int i = 0; i < to.size(); i++) {
            if (!SettingsRules.address(to.get(i))) {
                errors.add(new FieldError("settings.to[" + i + "]", FieldError.INVALID_FORMAT,
                        "settings.to[" + i + "] must be an address like oncall@example.com"));
            }
        }
        return errors;
    }

    @Override
    public List<String> secretFields() {
        return SECRET_FIELDS;
    }

    @Override
    public String destination() {
        return "smtp://" + (host == null ? "" : host.toLowerCase(Locale.ROOT)) + ":" + port;
    }

    /** Leaves the password out. */
    @Override
    public String toString() {
        return "EmailSettings[host=" + host + ", port=" + port + ", starttls=" + starttls + ", username=" + username
                + ", from=" + from + ", to=" + to + "]";
    }
}
