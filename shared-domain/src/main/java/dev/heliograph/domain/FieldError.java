package dev.heliograph.domain;

/**
 * One validation problem: the offending field's path ({@code spec.url}, {@code interval_s}), a
 * stable upper-case code ({@code OUT_OF_RANGE}) and a human sentence.
 */
public record FieldError(String field, String code, String message) {
    /** Code for a missing required field. */
    public static final String REQUIRED = "REQUIRED";
    /** Code for a number outside its allowed range. */
    public static final String OUT_OF_RANGE = "OUT_OF_RANGE";
    /** Code for a value of the wrong shape (bad URL, bad tag, bad status pattern). */
    public static final String INVALID_FORMAT = "INVALID_FORMAT";
    /** Code for a value that is too long. */
    public static final String TOO_LONG = "TOO_LONG";
    /** Code for a literal address the SSRF guard refuses (loopback, private, metadata, ...). */
    public static final String BLOCKED_ADDRESS = "BLOCKED_ADDRESS";
    /** A region that does not exist (create it first: {@code POST /api/v1/regions}). */
    public static final String UNKNOWN_REGION = "UNKNOWN_REGION";
    /** Code for two fields that exclude each other (basic_auth and an Authorization header). */
    public static final String CONFLICT = "CONFLICT";
    /** {@code "***"} sent for a secret field that has no stored value to keep (on create, or a new field). */
    public static final String SECRET_NOT_SET = "SECRET_NOT_SET";
    /** A secret field while the control plane has no {@code secret.key} to encrypt it with. */
    public static final String SECRET_KEY_MISSING = "SECRET_KEY_MISSING";
    /** A target that a field names (e.g. a parent) does not exist in the org. */
    public static final String UNKNOWN_TARGET = "UNKNOWN_TARGET";
    /** Code for a timeout that is not below the interval. */
    public static final String TIMEOUT_NOT_BELOW_INTERVAL = "TIMEOUT_NOT_BELOW_INTERVAL";
}
