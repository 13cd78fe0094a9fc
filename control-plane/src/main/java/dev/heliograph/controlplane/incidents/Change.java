package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.Failure;
import dev.heliograph.domain.RegionId;
import java.time.Instant;

/** What a decision changed about a target, in the order it happened. */
public sealed interface Change {
    /** A region reached its failure threshold. */
    record RegionDown(RegionId region, Instant firstFailureAt, Failure failure, String error) implements Change {
    }

    /** A region reached its recovery threshold. */
    record RegionUp(RegionId region) implements Change {
    }

    /** The target's verdict changed. */
    record VerdictChanged(Verdict from, Verdict to) implements Change {
    }

    /**
     * A region saw the first failure of a streak while the target was up: the target's other regions
     * should check it at once, so the quorum is decided in seconds.
     */
    record ConfirmationWanted(RegionId failing) implements Change {
    }

    /** More verdict changes than allowed within the flap window. */
    record FlappingStarted(int changes) implements Change {
    }

    /** No verdict change for a whole flap window after flapping. */
    record FlappingEnded() implements Change {
    }

    /** A region reported configuration failures up to the failure threshold. */
    record ConfigErrorStarted(RegionId region, Failure failure, String error) implements Change {
    }

    /** The target is checked again (an observation arrived from every region that had configuration failures). */
    record ConfigErrorEnded() implements Change {
    }
}
