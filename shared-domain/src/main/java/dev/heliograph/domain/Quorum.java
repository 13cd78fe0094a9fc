package dev.heliograph.domain;

/**
 * How many of a target's reporting regions must be down for the target to be down: a count
 * ({@code 2}), a percentage ({@code "60%"}, rounded up) or the default, a majority (more than half).
 * Regions whose agents are all silent do not report and count neither way. Never less than 1.
 *
 * @param count   regions, 1..; 0 when not a count
 * @param percent 1..100; 0 when not a percentage
 */
public record Quorum(int count, int percent) {
    /** More than half of the reporting regions. */
    public static final Quorum MAJORITY = new Quorum(0, 0);

    public Quorum {
        if (count < 0 || percent < 0 || percent > 100 || (count > 0 && percent > 0)) {
            throw new IllegalArgumentException("a quorum is a count or a percentage 1..100, was " + count + "/" + percent + "%");
        }
    }

    /** A quorum of {@code count} regions. */
    public static Quorum of(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a quorum count must be at least 1, was " + count);
        }
        return new Quorum(count, 0);
    }

    /** A quorum of {@code percent} % of the reporting regions (1..100). */
    public static Quorum percent(int percent) {
        if (percent < 1) {
            throw new IllegalArgumentException("a quorum percentage must be 1..100, was " + percent);
        }
        return new Quorum(0, percent);
    }

    /**
     * Parses the wire form: a positive integer, {@code "N%"} or {@code "majority"}. Throws
     * {@link IllegalArgumentException} with a sentence for anything else.
     */
    public static Quorum parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.equals("majority")) {
            return MAJORITY;
        }
        try {
            if (trimmed.endsWith("%")) {
                int value = Integer.parseInt(trimmed.substring(0, trimmed.length() - 1).trim());
                if (value >= 1 && value <= 100) {
                    return percent(value);
                }
            } else {
                int value = Integer.parseInt(trimmed);
                if (value >= 1) {
                    return of(value);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("quorum must be a number of regions (1 or more), a percentage such as \"60%\", "
                + "or \"majority\"");
    }

    /** Whether this is the default, a majority. */
    public boolean majority() {
        return count == 0 && percent == 0;
    }

    /**
     * How many of {@code reporting} regions must be down (at least 1): the count; the percentage of
     * them, rounded up; or {@code reporting / 2 + 1}.
     */
    public int required(int reporting) {
        int needed;
        if (count > 0) {
            needed = count;
        } else if (percent > 0) {
            needed = (reporting * percent + 99) / 100;
        } else {
            needed = reporting / 2 + 1;
        }
        return Math.max(1, needed);
    }

    /** The wire form: the count as text, {@code "N%"}, or {@code "majority"}. */
    public String wire() {
        return count > 0 ? Integer.toString(count) : percent > 0 ? percent + "%" : "majority";
    }
}
