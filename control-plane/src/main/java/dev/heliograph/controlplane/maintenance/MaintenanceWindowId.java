package dev.heliograph.controlplane.maintenance;

import dev.heliograph.domain.Uuid7;
import java.util.Objects;
import java.util.UUID;

/** Identifies a maintenance window. New ids are UUIDv7, so they sort by creation time (the list order). */
public record MaintenanceWindowId(UUID value) {
    public MaintenanceWindowId {
        Objects.requireNonNull(value, "maintenance window id");
    }

    /** A fresh time-ordered id (UUIDv7). */
    public static MaintenanceWindowId random() {
        return new MaintenanceWindowId(Uuid7.next());
    }

    /** Parses the canonical UUID text form; throws {@link IllegalArgumentException} when it is not one. */
    public static MaintenanceWindowId parse(String text) {
        return new MaintenanceWindowId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
