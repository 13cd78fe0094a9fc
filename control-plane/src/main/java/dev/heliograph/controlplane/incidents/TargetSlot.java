package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One target's place in the incident engine: its state, the inputs waiting, whether a write is under
 * way or waits to be retried. Used on the engine's event loop only.
 */
final class TargetSlot {
    final TargetId id;
    SlotState state;
    /** The target as last decided for (a deleted target's incidents are closed with it). */
    Target lastTarget;
    final ArrayDeque<Input> pending = new ArrayDeque<>();
    boolean busy;
    long retryTimer = -1;
    /** Failed writes in a row (for the backoff). */
    int failures;
    /** Writes refused for good in a row (see the engine's restore). */
    int refusals;

    TargetSlot(TargetId id, SlotState state) {
        this.id = id;
        this.state = state;
    }

    /** Puts {@code inputs} back at the front, in their order. */
    void putBack(List<Input> inputs) {
        for (int i = inputs.size() - 1; i >= 0; i--) {
            pending.addFirst(inputs.get(i));
        }
    }

    /** Whether the slot has nothing left to remember or do. */
    boolean idle() {
        return !busy && pending.isEmpty() && retryTimer == -1 && state.idle();
    }
}
