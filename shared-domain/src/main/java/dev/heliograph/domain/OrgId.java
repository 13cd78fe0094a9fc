package dev.heliograph.domain;

import java.util.Objects;
import java.util.UUID;

/** Identifies a tenant (organisation). Every tenant-owned row and every store call carries one. */
public record OrgId(UUID value) {
    /** The org that migrations create and that the API uses until API keys exist. */
    public static final OrgId DEFAULT = new OrgId(UUID.fromString("00000000-0000-0000-0000-000000000001"));

    public OrgId {
        Objects.requireNonNull(value, "org id");
    }

    /** Parses the canonical UUID text form; throws {@link IllegalArgumentException} when it is not one. */
    public static OrgId parse(String text) {
        return new OrgId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
