package dev.heliograph.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * threshold, no basic auth. {@code degradedAfterMs}, when set, marks an otherwise good answer
 * {@code degraded} when the whole check took longer (ms). {@code basicAuth}, when set, is sent as
 * {@code Authorization: Basic} (RFC 7617, UTF-8) and excludes an explicit {@code Authorization} header.
 *
 * <p>Secrets: the values of the headers named in {@code secretHeaders}, the body when
 * {@code bodySecret}, and the basic-auth password are secret. The constructor adds
 * {@code Authorization} and {@code Proxy-Authorization} (any case) to {@code secretHeaders} and drops
 * names that are not headers of this spec. The values are kept in plain text here, because checks
 * need them; {@link #toString()} and {@link #redact} replace them with {@value #MASK}.
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
        Integer degradedAfterMs,
        BasicAuth basicAuth,
        Set<String> secretHeaders,
        boolean bodySecret) implements CheckSpec {

    /** Largest request body accepted, bytes. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Longest {@code body_contains} accepted, characters. */
    public static final int MAX_BODY_CONTAINS = 1024;
    /** Most redirects a check may follow. */
    public static final int MAX_REDIRECTS = 10;
    /** What a secret value is shown as, wherever it would otherwise appear. */
    public static final String MASK = "***";
    /** Shortest credential after an auth scheme that is redacted on its own, characters. */
    static final int MIN_CREDENTIAL = 8;

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> ALWAYS_SECRET = Set.of("authorization", "proxy-authorization");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");

    /**
     * Credentials sent as {@code Authorization: Basic base64(username:password)} (RFC 7617). The
     * password is secret; {@link #toString()} masks it.
     */
    public record BasicAuth(String username, String password) {
        /** The header value: {@code Basic } and the base64 of {@code username:password} in UTF-8. */
        public String headerValue() {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "BasicAuth[username=" + username + ", password=" + MASK + "]";
        }
    }

    public HttpSpec {
        method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        // Copies that keep null elements, so that validate() can name them instead of a constructor NPE.
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        expectedStatus = expectedStatus == null || expectedStatus.isEmpty() ? List.of("2xx")
                : Collections.unmodifiableList(new ArrayList<>(expectedStatus));
        followRedirects = followRedirects == null ? Boolean.TRUE : followRedirects;
        maxRedirects = maxRedirects == null ? 5 : maxRedirects;
        verifyTls = verifyTls == null ? Boolean.TRUE : verifyTls;
        Set<String> marked = secretHeaders == null ? Set.of() : secretHeaders;
        Set<String> secret = new LinkedHashSet<>();
        for (String name : headers.keySet()) {
            if (name != null && (marked.contains(name) || alwaysSecretHeader(name))) {
                secret.add(name);
            }
        }
        secretHeaders = Collections.unmodifiableSet(secret);
        bodySecret = bodySecret && body != null;
    }

    /** A spec without basic auth, whose only secret headers are the always-secret ones. */
    public HttpSpec(String method, String url, Map<String, String> headers, String body, List<String> expectedStatus,
                    String bodyContains, Boolean followRedirects, Integer maxRedirects, Boolean verifyTls,
                    Integer degradedAfterMs) {
        this(method, url, headers, body, expectedStatus, bodyContains, followRedirects, maxRedirects, verifyTls,
                degradedAfterMs, null, null, false);
    }

    /** A GET of {@code url} with every other field at its default. */
    public static HttpSpec get(String url) {
        return new HttpSpec(null, url, null, null, null, null, null, null, null, null);
    }

    /**
     * Whether two absolute URLs share scheme, host (any case) and port (defaults 80/443 filled in),
     * per RFC 6454 §4; {@code false} when either lacks a scheme or host.
     */
    public static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Whether a header of this name is secret whatever the operator says: {@code Authorization}, {@code Proxy-Authorization}. */
    public static boolean alwaysSecretHeader(String name) {
        return ALWAYS_SECRET.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The headers to send: {@link #headers()} plus {@code Authorization} from {@link #basicAuth()} when set. */
    public Map<String, String> requestHeaders() {
        if (basicAuth == null) {
            return headers;
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Authorization", basicAuth.headerValue());
        return Collections.unmodifiableMap(all);
    }

    /**
     * The plain-text secrets of this spec: secret header values, and the credential of one such as
     * {@code Bearer <token>} alone when it has at least {@value #MIN_CREDENTIAL} characters (RFC 9110
     * §11.4), the secret body, the basic-auth password and its header's base64; empty when none.
     */
    @Override
    public List<String> secretValues() {
        List<String> values = new ArrayList<>();
        for (String name : secretHeaders) {
            String value = headers.get(name);
            values.add(value);
            int space = value == null ? -1 : value.indexOf(' ');
            if (space > 0 && value.length() - space - 1 >= MIN_CREDENTIAL) {
                values.add(value.substring(space + 1).trim());
            }
        }
        if (bodySecret) {
            values.add(body);
        }
        if (basicAuth != null && basicAuth.password() != null) {
            values.add(basicAuth.password());
            values.add(basicAuth.headerValue().substring("Basic ".length()));
        }
        values.removeIf(value -> value == null || value.isEmpty());
        return values;
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
        validateBasicAuth(errors);
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

    private void validateBasicAuth(List<FieldError> errors) {
        if (basicAuth == null) {
            return;
        }
        String username = basicAuth.username();
        if (username == null || username.isEmpty()) {
            errors.add(new FieldError("spec.basic_auth.username", FieldError.REQUIRED, "basic_auth.username is required"));
        } else if (username.indexOf(':') >= 0 || username.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("spec.basic_auth.username", FieldError.INVALID_FORMAT,
                    "basic_auth.username must not contain ':' or control characters (RFC 7617)"));
        }
        if (basicAuth.password() == null) {
            errors.add(new FieldError("spec.basic_auth.password", FieldError.REQUIRED, "basic_auth.password is required"));
        } else if (basicAuth.password().chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("spec.basic_auth.password", FieldError.INVALID_FORMAT,
                    "basic_auth.password must not contain control characters (RFC 7617)"));
        }
        if (headers.keySet().stream().anyMatch(name -> "authorization".equalsIgnoreCase(name))) {
            errors.add(new FieldError("spec.basic_auth", FieldError.CONFLICT,
                    "basic_auth and an Authorization header cannot both be set"));
        }
    }

    /** All fields, with every secret value shown as {@value #MASK}. */
    @Override
    public String toString() {
        Map<String, String> shownHeaders = new LinkedHashMap<>();
        headers.forEach((name, value) -> shownHeaders.put(name, secretHeaders.contains(name) ? MASK : value));
        return "HttpSpec[method=" + method + ", url=" + url + ", headers=" + shownHeaders
                + ", body=" + (bodySecret ? MASK : body) + ", expectedStatus=" + expectedStatus
                + ", bodyContains=" + bodyContains + ", followRedirects=" + followRedirects
                + ", maxRedirects=" + maxRedirects + ", verifyTls=" + verifyTls + ", degradedAfterMs=" + degradedAfterMs
                + ", basicAuth=" + basicAuth + ", secretHeaders=" + secretHeaders + ", bodySecret=" + bodySecret + "]";
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
