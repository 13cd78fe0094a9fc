package dev.heliograph.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An HTTP(S) check: send {@code method} to {@code url} over a fresh connection and accept the answer
 * when its status matches {@code expectedStatus} and, if set, its body contains {@code bodyContains}.
 *
 * <p>Absent fields take defaults in the constructor: method {@code GET}, no headers, no body,
 * expected status {@code ["2xx"]}, follow redirects (at most 5), TLS verification on, no slow
 * threshold. {@code degradedAfterMs}, when set, marks an otherwise good answer {@code degraded}
 * when the whole check took longer (ms).
 */
public record HttpSpec(
        String method,
        String url,
        Map<String, String> headers,
        String body,
        List<String> expectedStatus,
        String bodyContains,
        Boolean followRedirects,
        Integer maxRedirects,
        Boolean verifyTls,
        Integer degradedAfterMs) implements CheckSpec {

    /** Largest request body accepted, bytes. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Longest {@code body_contains} accepted, characters. */
    public static final int MAX_BODY_CONTAINS = 1024;
    /** Most redirects a check may follow. */
    public static final int MAX_REDIRECTS = 10;

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");

    public HttpSpec {
        method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        // Copies that keep null elements, so that validate() can name them instead of a constructor NPE.
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        expectedStatus = expectedStatus == null || expectedStatus.isEmpty() ? List.of("2xx")
                : Collections.unmodifiableList(new ArrayList<>(expectedStatus));
        followRedirects = followRedirects == null ? Boolean.TRUE : followRedirects;
        maxRedirects = maxRedirects == null ? 5 : maxRedirects;
        verifyTls = verifyTls == null ? Boolean.TRUE : verifyTls;
    }

    /** A GET of {@code url} with every other field at its default. */
    public static HttpSpec get(String url) {
        return new HttpSpec(null, url, null, null, null, null, null, null, null, null);
    }

    @Override
    public CheckKind kind() {
        return CheckKind.HTTP;
    }

    /** The URL's host, or {@code null} when the URL does not parse. */
    @Override
    public String host() {
        URI uri = uri();
        return uri == null ? null : uri.getHost();
    }

    /** The parsed URL, or {@code null} when it does not parse. */
    public URI uri() {
        if (url == null) {
            return null;
        }
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Whether {@code code} matches one of {@link #expectedStatus()}; patterns must be valid. */
    public boolean acceptsStatus(int code) {
        for (String pattern : expectedStatus) {
            if (StatusCodePattern.parse(pattern).matches(code)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<FieldError> validate() {
        List<FieldError> errors = new ArrayList<>();
        validateUrl(errors);
        if (!METHODS.contains(method)) {
            errors.add(new FieldError("spec.method", FieldError.INVALID_FORMAT, "method must be one of " + String.join(", ", METHODS.stream().sorted().toList())));
        }
        headers.forEach((name, value) -> {
            if (name == null || !HEADER_NAME.matcher(name).matches()) {
                errors.add(new FieldError("spec.headers", FieldError.INVALID_FORMAT, "header name '" + name + "' is not an HTTP token"));
            } else if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                errors.add(new FieldError("spec.headers." + name, FieldError.INVALID_FORMAT, "header value must be present and hold no line breaks"));
            }
        });
        if (body != null && body.length() > MAX_BODY_BYTES) {
            errors.add(new FieldError("spec.body", FieldError.TOO_LONG, "body must be at most " + MAX_BODY_BYTES + " bytes"));
        }
        for (int i = 0; i < expectedStatus.size(); i++) {
            try {
                StatusCodePattern.parse(expectedStatus.get(i));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("spec.expected_status[" + i + "]", FieldError.INVALID_FORMAT, e.getMessage()));
            }
        }
        if (bodyContains != null && (bodyContains.isEmpty() || bodyContains.length() > MAX_BODY_CONTAINS)) {
            errors.add(new FieldError("spec.body_contains", FieldError.TOO_LONG, "body_contains must be 1 to " + MAX_BODY_CONTAINS + " characters"));
        }
        if (maxRedirects < 0 || maxRedirects > MAX_REDIRECTS) {
            errors.add(new FieldError("spec.max_redirects", FieldError.OUT_OF_RANGE, "max_redirects must be between 0 and " + MAX_REDIRECTS));
        }
        if (degradedAfterMs != null && degradedAfterMs < 1) {
            errors.add(new FieldError("spec.degraded_after_ms", FieldError.OUT_OF_RANGE, "degraded_after_ms must be at least 1"));
        }
        return errors;
    }

    private void validateUrl(List<FieldError> errors) {
        if (url == null || url.isBlank()) {
            errors.add(new FieldError("spec.url", FieldError.REQUIRED, "url is required"));
            return;
        }
        URI uri = uri();
        String scheme = uri == null || uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri == null || !uri.isAbsolute() || !("http".equals(scheme) || "https".equals(scheme))) {
            errors.add(new FieldError("spec.url", FieldError.INVALID_FORMAT, "url must be an absolute http:// or https:// URL"));
        } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
            errors.add(new FieldError("spec.url", FieldError.INVALID_FORMAT, "url must name a host"));
        } else if (uri.getUserInfo() != null) {
            errors.add(new FieldError("spec.url", FieldError.INVALID_FORMAT, "url must not carry credentials; use a header"));
        } else if (url.length() > 2048) {
            errors.add(new FieldError("spec.url", FieldError.TOO_LONG, "url must be at most 2048 characters"));
        }
    }
}
