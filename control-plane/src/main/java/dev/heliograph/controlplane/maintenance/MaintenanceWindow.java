package dev.heliograph.controlplane.maintenance;

import dev.heliograph.domain.OrgId;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored maintenance window of one org: a time when the checks of some targets are muted or
 * paused ({@link WindowSettings}). {@code version} starts at 1 and grows by one on every change.
 *
 * @param key the window's stable name for tools: 1..128 characters of {@code [A-Za-z0-9_.:/-]}
 *            unique within the org; the id's text when the operator gave none
 */
public record MaintenanceWindow(MaintenanceWindowId id, OrgId orgId, String key, WindowSettings settings, Instant createdAt,
                                Instant updatedAt, long version) {
    public MaintenanceWindow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(settings, "settings");
    }
}
