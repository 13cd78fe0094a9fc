package dev.heliograph.probe.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.Quorum;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.codec.SpecCodec;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A target as sent to an agent: what the agent's engine needs to check it, nothing more. Secret
 * values travel in plain text, marked {@code "secret": true} (see {@link SpecCodec}), so that the
 * agent can both use and redact them; {@link #toString()} leaves the spec out.
 *
 * @param kind       {@code http} or {@code tcp}; selects the shape of {@code spec}
 * @param intervalS  s between checks
 * @param timeoutMs  ms one check may take
 * @param version    the target's version (grows on every change)
 * @param failureThreshold consecutive failures that turn a region down; the agent re-checks a failing
 *                   target sooner until it has seen that many ({@code null} from an older control plane: 2)
 * @param retryIntervalS s between those re-checks ({@code null}: the default, see {@link IncidentRules})
 */
public record WireTarget(UUID id, UUID orgId, String name, String kind, JsonNode spec, int intervalS, int timeoutMs,
                         long version, Integer failureThreshold, Integer retryIntervalS) {
    /** The wire form of {@code target}. */
    public static WireTarget of(Target target) {
        return new WireTarget(target.id().value(), target.orgId().value(), target.name(), target.kind().wire(),
                SpecCodec.tree(target.spec()), (int) target.interval().toSeconds(),
                (int) target.timeout().toMillis(), target.version(), target.rules().failureThreshold(),
                target.rules().retryIntervalS());
    }

    /**
     * The target, to be checked from {@code region}. Throws {@link UncheckedIOException} when the
     * spec does not match its kind (a control plane of another version).
     */
    public Target toTarget(RegionId region) {
        CheckKind checkKind = CheckKind.fromWire(kind);
        try {
            IncidentRules rules = new IncidentRules(failureThreshold == null ? IncidentRules.DEFAULT_THRESHOLD : failureThreshold,
                    IncidentRules.DEFAULT_THRESHOLD, retryIntervalS, Quorum.MAJORITY, null);
            return new Target(new TargetId(id), new OrgId(orgId), id.toString(), name, SpecCodec.read(checkKind, spec),
                    Duration.ofSeconds(intervalS), Duration.ofMillis(timeoutMs), List.of(region), Set.of(), true,
                    Instant.EPOCH, Instant.EPOCH, version, rules);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("spec of target " + id + " does not match kind " + kind, e);
        }
    }

    /** The fields without the spec, which may hold secrets. */
    @Override
    public String toString() {
        return "WireTarget[id=" + id + ", orgId=" + orgId + ", name=" + name + ", kind=" + kind + ", intervalS=" + intervalS
                + ", timeoutMs=" + timeoutMs + ", version=" + version + ", failureThreshold=" + failureThreshold
                + ", retryIntervalS=" + retryIntervalS + "]";
    }
}
