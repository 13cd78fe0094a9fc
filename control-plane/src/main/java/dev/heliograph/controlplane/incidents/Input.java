package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.CheckResult;
import io.vertx.core.Promise;
import java.util.UUID;

/** Something the incident engine must decide about one target; handled in order, one target at a time. */
public sealed interface Input {
    /** A check result of the target. */
    record Result(CheckResult result) implements Input {
    }

    /**
     * Decide again without a result: the silent regions changed, the target's settings changed, a
     * maintenance window started or ended, a flap window may have passed, the parent recovered.
     */
    record Reevaluate() implements Input {
    }

    /** Someone acknowledged incident {@code incidentId}; {@code answer} gets the incident as stored. */
    record Acknowledge(UUID incidentId, String by, String note, Promise<Incident> answer) implements Input {
    }

    /** Someone resolved incident {@code incidentId} by hand; {@code answer} gets the incident as stored. */
    record Resolve(UUID incidentId, String by, String note, Promise<Incident> answer) implements Input {
    }

    /** The parent target's incident {@code parentIncident} (down) opened. */
    record ParentDown(UUID parentIncident) implements Input {
    }

    /** The target was deleted or paused ({@code why}): its incidents end. */
    record Removed(String why) implements Input {
    }

    /** Fails the API caller waiting for {@code input}, if any: with {@code why}, or as gone when {@code null}. */
    static void refuse(Input input, RuntimeException why) {
        if (input instanceof Acknowledge ack) {
            ack.answer().tryFail(why != null ? why : new IncidentPlanner.IncidentGone(ack.incidentId()));
        } else if (input instanceof Resolve resolve) {
            resolve.answer().tryFail(why != null ? why : new IncidentPlanner.IncidentGone(resolve.incidentId()));
        }
    }
}
