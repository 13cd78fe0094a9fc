package dev.heliograph.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A TCP check: connect to {@code host:port}; if {@code send} is set, write it (UTF-8); if
 * {@code expect} is set, the check is up only when the bytes read back contain it.
 */
public record TcpSpec(String host, Integer port, String send, String expect) implements CheckSpec {
    /** Longest {@code send} or {@code expect}, characters. */
    public static final int MAX_PAYLOAD = 4096;

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]_]{1,253}");

    @Override
    public CheckKind kind() {
        return CheckKind.TCP;
    }

    @Override
    public List<FieldError> validate() {
        List<FieldError> errors = new ArrayList<>();
        if (host == null || host.isBlank()) {
            errors.add(new FieldError("spec.host", FieldError.REQUIRED, "host is required"));
        } else if (!HOST.matcher(host).matches()) {
            errors.add(new FieldError("spec.host", FieldError.INVALID_FORMAT, "host must be a host name or an IP address"));
        }
        if (port == null) {
            errors.add(new FieldError("spec.port", FieldError.REQUIRED, "port is required"));
        } else if (port < 1 || port > 65535) {
            errors.add(new FieldError("spec.port", FieldError.OUT_OF_RANGE, "port must be between 1 and 65535"));
        }
        if (send != null && send.length() > MAX_PAYLOAD) {
            errors.add(new FieldError("spec.send", FieldError.TOO_LONG, "send must be at most " + MAX_PAYLOAD + " characters"));
        }
        if (expect != null && (expect.isEmpty() || expect.length() > MAX_PAYLOAD)) {
            errors.add(new FieldError("spec.expect", FieldError.TOO_LONG, "expect must be 1 to " + MAX_PAYLOAD + " characters"));
        }
        return errors;
    }
}
