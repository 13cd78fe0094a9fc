package dev.heliograph.controlplane.api;

import java.util.Map;

/**
 * A request failed in a way the client should know about: an HTTP status, a stable upper-case code
 * ({@code TARGET_NOT_FOUND}), a message and optional details. Handlers fail the routing context with
 * it; {@link FailureHandler} turns it into the error envelope.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, Object> details;

    public ApiException(int status, String code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details == null ? Map.of() : Map.copyOf(details);
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    /** 404 for a target id the caller's org does not have. */
    public static ApiException targetNotFound(String id) {
        return new ApiException(404, "TARGET_NOT_FOUND", "no target with id " + id, Map.of("id", id));
    }

    /** 400 for a query or path parameter that does not parse. */
    public static ApiException badParameter(String name, String message) {
        return new ApiException(400, "INVALID_PARAMETER", message, Map.of("field", name));
    }

    /**
     * 422 {@code VALIDATION_FAILED} listing every invalid field in {@code details.fields}
     * ({@code [{"field","code","message"}]}); the message is the only error's, or a count.
     */
    public static ApiException validation(java.util.List<dev.heliograph.domain.FieldError> errors) {
        java.util.List<Map<String, String>> fields = errors.stream()
                .map(e -> Map.of("field", e.field(), "code", e.code(), "message", e.message()))
                .toList();
        String summary = errors.size() == 1 ? errors.getFirst().message() : errors.size() + " fields are invalid";
        return new ApiException(422, "VALIDATION_FAILED", summary, Map.of("fields", fields));
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The stable error code. */
    public String code() {
        return code;
    }

    /** Extra facts for the client (field names, limits); never internal state. */
    public Map<String, Object> details() {
        return details;
    }
}
