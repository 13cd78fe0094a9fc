package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.net.AddressGuard;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A signed webhook (Standard Webhooks 1.0, https://www.standardwebhooks.com/): every notification is
 * POSTed to {@code url} with the headers {@code webhook-id}, {@code webhook-timestamp} and
 * {@code webhook-signature}, made with {@code secret}.
 *
 * @param url     where notifications are POSTed: http:// or https://
 * @param secret  {@code whsec_} + the base64 of 24..64 random bytes (secret). The API generates one
 *                ({@value #GENERATED_BYTES} bytes) when a create leaves it out, and shows it once
 * @param headers extra request headers, at most {@value #MAX_HEADERS}; their values are secret, since
 *                they often carry credentials. The signature headers, {@code content-type},
 *                {@code host} and other connection headers are reserved
 */
public record WebhookSettings(String url, String secret, Map<String, String> headers) implements ChannelSettings {
    /** The prefix of a webhook secret. */
    public static final String SECRET_PREFIX = "whsec_";
    /** Random bytes in a generated secret. */
    public static final int GENERATED_BYTES = 32;
    /** Most extra headers. */
    public static final int MAX_HEADERS = 20;
    /** Fields whose values are secret. */
    static final List<String> SECRET_FIELDS = List.of("secret", "headers");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
    private static final Set<String> RESERVED = Set.of("webhook-id", "webhook-timestamp", "webhook-signature", "content-type",
            "content-length", "host", "connection", "transfer-encoding", "te", "upgrade", "expect");

    public WebhookSettings {
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** A fresh secret: {@code whsec_} + the base64 of {@value #GENERATED_BYTES} random bytes. */
    public static String newSecret(SecureRandom random) {
        byte[] key = new byte[GENERATED_BYTES];
        random.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** These settings with {@code secret} instead of the current one. */
    public WebhookSettings withSecret(String newSecret) {
        return new WebhookSettings(url, newSecret, headers);
    }

    /**
     * The HMAC key of {@code secret}: the base64-decoded text after {@code whsec_}; throws
     * {@link IllegalArgumentException} when it is not such a secret.
     */
    public static byte[] signingKey(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + SECRET_PREFIX);
        }
        return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.WEBHOOK;
    }

    @Override
    public List<FieldError> validate(AddressGuard guard) {
        List<FieldError> errors = new ArrayList<>();
        SettingsRules.url(errors, "settings.url", url, true, guard);
        validateSecret(errors);
        if (headers.size() > MAX_HEADERS) {
            errors.add(new FieldError("settings.headers", FieldError.OUT_OF_RANGE, "settings.headers holds at most "
                    + MAX_HEADERS + " headers"));
        }
        headers.forEach((name, value) -> {
            String field = "settings.headers." + name;
            if (!TOKEN.matcher(name).matches()) {
                errors.add(new FieldError(field, FieldError.INVALID_FORMAT, "a header name is 1-64 characters of an HTTP token"));
            } else if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                errors.add(new FieldError(field, FieldError.CONFLICT, "header " + name + " is set by the sender itself"));
            }
            if (value == null || value.length() > 1024) {
                errors.add(new FieldError(field, FieldError.TOO_LONG, "a header value is 0-1024 characters"));
            } else {
                SettingsRules.singleLine(errors, field, value);
            }
        });
        return errors;
    }

    private void validateSecret(List<FieldError> errors) {
        if (secret == null || secret.isEmpty()) {
            errors.add(new FieldError("settings.secret", FieldError.REQUIRED, "settings.secret is required"));
            return;
        }
        int bytes;
        try {
            bytes = signingKey(secret).length;
        } catch (IllegalArgumentException e) {
            bytes = -1;
        }
        if (bytes < 24 || bytes > 64) {
            // Never the value itself: it is secret.
            errors.add(new FieldError("settings.secret", FieldError.INVALID_FORMAT, "settings.secret must be " + SECRET_PREFIX
                    + " followed by the base64 of 24 to 64 random bytes (leave it out and the server makes one)"));
        }
    }

    @Override
    public List<String> secretFields() {
        return SECRET_FIELDS;
    }

    @Override
    public String destination() {
        return SettingsRules.origin(url);
    }

    /** Leaves the secret and header values out. */
    @Override
    public String toString() {
        return "WebhookSettings[url=" + url + ", headers=" + headers.keySet() + "]";
    }
}
