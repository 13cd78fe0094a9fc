package dev.heliograph.domain;

import java.util.Objects;
import java.util.UUID;

/** Identifies a target. New ids are UUIDv7, so they sort by creation time. */
public record TargetId(UUID value) implements Comparable<TargetId> {
    public TargetId {
        Objects.requireNonNull(value, "target id");
    }

    /** A fresh time-ordered id (UUIDv7). */
    public static TargetId random() {
        return new TargetId(Uuid7.next());
    }

    /** Parses the canonical UUID text form; throws {@link IllegalArgumentException} when it is not one. */
    public static TargetId parse(String text) {
        return new TargetId(UUID.fromString(text));
    }

    @Override
    public int compareTo(TargetId other) {
        return Uuid7.compare(value, other.value);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
