package dev.heliograph.controlplane.storage.postgres;

import dev.heliograph.domain.CheckKind;

/**
 * Optional filters of a target listing; {@code null} means "any".
 *
 * @param tag          targets carrying this tag
 * @param kind         targets of this kind
 * @param enabled      enabled or paused targets
 * @param nameContains case-insensitive substring of the name
 */
public record TargetFilter(String tag, CheckKind kind, Boolean enabled, String nameContains) {
    /** No filter. */
    public static final TargetFilter NONE = new TargetFilter(null, null, null, null);
}
