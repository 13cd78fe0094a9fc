package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.TcpSpec;
import dev.heliograph.domain.Target;
import java.util.HashSet;
import java.util.List;

/**
 * The stand-in for a target that no longer exists while its incidents are closed: a control plane
 * that restarts finds stored incidents of targets deleted or paused while it was down, and must still
 * resolve them and tell the channels that heard of them. The stand-in carries what the incident
 * recorded (id, org, key, name, tags); its spec is never checked.
 */
final class Orphans {
    private Orphans() {
    }

    /** The stand-in for the target of {@code state}'s incident, or {@code null} when it has none. */
    static Target target(SlotState state) {
        Incident incident = state.problem() != null ? state.problem().incident()
                : state.config() != null ? state.config().incident() : null;
        if (incident == null || incident.targetId() == null) {
            return null;
        }
        return new Target(incident.targetId(), incident.orgId(), incident.targetKey(), incident.targetName(),
                new TcpSpec("deleted.invalid", 1, null, null), java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(1),
                List.of(), new HashSet<>(incident.tags()), false, incident.openedAt(), incident.openedAt(), 0, IncidentRules.DEFAULT);
    }
}
