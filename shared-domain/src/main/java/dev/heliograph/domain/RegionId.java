package dev.heliograph.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names a region that checks run from, e.g. {@code local} or {@code eu-west}: 1 to 63 characters of
 * lower-case letters, digits and hyphens, starting with a letter or digit.
 */
public record RegionId(String value) {
    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public RegionId {
        Objects.requireNonNull(value, "region");
        if (!isValid(value)) {
            throw new IllegalArgumentException("region must be 1-63 characters of a-z, 0-9 and '-': " + value);
        }
    }

    /** Whether {@code text} is a well-formed region name. */
    public static boolean isValid(String text) {
        return text != null && SHAPE.matcher(text).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
