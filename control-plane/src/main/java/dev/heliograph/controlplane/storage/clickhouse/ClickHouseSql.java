package dev.heliograph.controlplane.storage.clickhouse;

import java.util.UUID;

/**
 * Renders values into ClickHouse SQL text. ClickHouse 18.16 has no server-side query parameters,
 * so every value that reaches a query goes through one of these functions; nothing else
 * concatenates input into SQL.
 */
public final class ClickHouseSql {
    private ClickHouseSql() {
    }

    /**
     * A single-quoted string literal. Backslash and quote are escaped with a backslash, and control
     * characters as {@code \n}, {@code \t}, {@code \0} or {@code \xHH} (ClickHouse's string literal
     * syntax), so no input can end the literal.
     */
    public static String literal(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\0' -> out.append("\\0");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('\'').toString();
    }

    /** A UUID value: {@code toUUID('…')}; the text comes from {@link UUID#toString()}, never from input. */
    public static String uuid(UUID id) {
        return "toUUID('" + id + "')";
    }

    /** An array of whole numbers, {@code [1,2,3]}: numbers made by the caller, never text from a request. */
    public static String numbers(long[] values) {
        StringBuilder out = new StringBuilder(values.length * 11 + 2).append('[');
        for (int i = 0; i < values.length; i++) {
            out.append(i == 0 ? "" : ",").append(values[i]);
        }
        return out.append(']').toString();
    }

    /** A DateTime value from Unix seconds: {@code toDateTime(…)} (independent of the server's time zone). */
    public static String dateTime(long epochSeconds) {
        return "toDateTime(" + epochSeconds + ")";
    }
}
