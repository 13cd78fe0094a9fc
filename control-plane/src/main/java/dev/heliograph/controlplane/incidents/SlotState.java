package dev.heliograph.controlplane.incidents;

/**
 * Everything the incident engine holds about one target: its health, its active incident of the kinds
 * down/regional/degraded ({@code problem}) and of kind config_error ({@code config}), each with the
 * channels told of it, and its latest incident even when resolved ({@code last}, for flapping
 * notifications). Immutable.
 */
public record SlotState(TargetHealth health, Tracked problem, Tracked config, Incident last) {
    /** Whether nothing needs remembering: clean health and no active incident. */
    public boolean idle() {
        return health.clean() && problem == null && config == null;
    }
}
