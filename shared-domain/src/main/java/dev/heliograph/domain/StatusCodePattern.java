package dev.heliograph.domain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One accepted HTTP status code pattern: an exact code ({@code "204"}), a class ({@code "2xx"}) or
 * an inclusive range ({@code "200-299"}). Codes are 100..599.
 */
public record StatusCodePattern(int from, int to) {
    private static final Pattern EXACT = Pattern.compile("([1-5][0-9]{2})");
    private static final Pattern CLASS = Pattern.compile("([1-5])xx", Pattern.CASE_INSENSITIVE);
    private static final Pattern RANGE = Pattern.compile("([1-5][0-9]{2})-([1-5][0-9]{2})");

    /**
     * Parses one pattern; throws {@link IllegalArgumentException} with the reason when it is not one
     * of the three shapes or the range is reversed.
     */
    public static StatusCodePattern parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("status pattern is null");
        }
        Matcher m = EXACT.matcher(text);
        if (m.matches()) {
            int code = Integer.parseInt(m.group(1));
            return new StatusCodePattern(code, code);
        }
        m = CLASS.matcher(text);
        if (m.matches()) {
            int base = Integer.parseInt(m.group(1)) * 100;
            return new StatusCodePattern(base, base + 99);
        }
        m = RANGE.matcher(text);
        if (m.matches()) {
            int from = Integer.parseInt(m.group(1));
            int to = Integer.parseInt(m.group(2));
            if (from > to) {
                throw new IllegalArgumentException("status range " + text + " is reversed");
            }
            return new StatusCodePattern(from, to);
        }
        throw new IllegalArgumentException("'" + text + "' is not a status code, class (2xx) or range (200-299)");
    }

    /** Whether {@code code} falls in this pattern. */
    public boolean matches(int code) {
        return code >= from && code <= to;
    }
}
