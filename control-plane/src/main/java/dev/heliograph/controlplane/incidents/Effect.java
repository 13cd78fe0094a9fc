package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.RegionId;
import java.util.UUID;

/** What the incident engine does after a decision is stored, beyond writing it. */
public sealed interface Effect {
    /** Ask the target's other regions for an on-demand check now. */
    record Confirm(RegionId failing) implements Effect {
    }

    /** The target's down incident opened: children naming it as parent are caused by it. */
    record ParentDown(UUID incident) implements Effect {
    }

    /** The target is no longer down: its children's held notifications may go out. */
    record ParentUp() implements Effect {
    }
}
