package dev.heliograph.controlplane.api;

import java.util.Locale;

/**
 * What an API key may do, from least to most: {@code viewer} reads, {@code editor} also changes
 * targets, regions and registration tokens, {@code admin} also manages API keys and (in the
 * operator org) orgs. Each role includes the ones below it.
 */
public enum Role {
    VIEWER, EDITOR, ADMIN;

    /** Whether a key with this role may call a route that needs {@code needed}. */
    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The lower-case wire name ({@code "viewer"}). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; throws {@link IllegalArgumentException} naming the allowed values. */
    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.wire().equals(text)) {
                return role;
            }
        }
        throw new IllegalArgumentException("role must be one of admin, editor, viewer");
    }
}
