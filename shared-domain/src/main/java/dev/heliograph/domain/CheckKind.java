package dev.heliograph.domain;

import java.util.Locale;

/** The protocol a target is checked with. The wire form is the lower-case name. */
public enum CheckKind {
    HTTP,
    TCP;

    /** The wire form: {@code http}, {@code tcp}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; throws {@link IllegalArgumentException} for an unknown kind. */
    public static CheckKind fromWire(String text) {
        for (CheckKind kind : values()) {
            if (kind.wire().equals(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown kind: " + text);
    }
}
