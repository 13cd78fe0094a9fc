package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The field rules the channel settings records share: URLs, hosts, e-mail addresses. */
final class SettingsRules {
    /** Longest URL accepted, characters. */
    static final int MAX_URL = 2048;
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>\",;]{1,64}@[A-Za-z0-9.-]{1,253}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]+]|[0-9A-Fa-f:.]+");

    private SettingsRules() {
    }

    /**
     * Checks an {@code http}/{@code https} URL without user info or fragment; {@code required}
     * makes a missing one an error. Adds errors for {@code field}.
     */
    static void url(List<FieldError> errors, String field, String url, boolean required, AddressGuard guard) {
        if (url == null || url.isEmpty()) {
            if (required) {
                errors.add(new FieldError(field, FieldError.REQUIRED, field + " is required"));
            }
            return;
        }
        if (url.length() > MAX_URL) {
            errors.add(new FieldError(field, FieldError.TOO_LONG, field + " must be at most " + MAX_URL + " characters"));
            return;
        }
        URI uri = parse(url);
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            errors.add(new FieldError(field, FieldError.INVALID_FORMAT, field
                    + " must be an absolute http:// or https:// URL with a host, without user info or fragment"));
            return;
        }
        blocked(errors, field, uri.getHost(), guard);
    }

    /** Checks an SMTP host: a DNS name or an IP literal the guard allows. */
    static void host(List<FieldError> errors, String field, String host, AddressGuard guard) {
        if (host == null || host.isEmpty()) {
            errors.add(new FieldError(field, FieldError.REQUIRED, field + " is required"));
        } else if (!HOST.matcher(host).matches()) {
            errors.add(new FieldError(field, FieldError.INVALID_FORMAT, field + " must be a host name or an IP address"));
        } else {
            blocked(errors, field, host, guard);
        }
    }

    /** Whether {@code text} is a plain e-mail address ({@code local@domain}, at most 254 characters). */
    static boolean address(String text) {
        return text != null && text.length() <= 254 && ADDRESS.matcher(text).matches();
    }

    /** Adds an error when {@code text} holds a control character (CR, LF, ...), which would break a header. */
    static void singleLine(List<FieldError> errors, String field, String text) {
        if (text != null && text.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, FieldError.INVALID_FORMAT, field + " must not contain control characters"));
        }
    }

    /**
     * {@code scheme://host:port} of an http(s) URL, the port filled in (80, 443); {@code ""} when it
     * does not parse, so that two broken URLs never count as the same destination.
     */
    static String origin(String url) {
        URI uri = url == null ? null : parse(url);
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            return "";
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static void blocked(List<FieldError> errors, String field, String host, AddressGuard guard) {
        InetAddress literal = NameResolver.literal(host);
        if (literal != null) {
            guard.refusal(literal).ifPresent(reason ->
                    errors.add(new FieldError(field, FieldError.BLOCKED_ADDRESS, "blocked by SSRF guard: " + reason)));
        }
    }

    private static URI parse(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
