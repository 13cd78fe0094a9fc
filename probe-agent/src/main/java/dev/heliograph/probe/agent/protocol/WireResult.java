package dev.heliograph.probe.agent.protocol;

import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import java.time.Instant;
import java.util.UUID;

/**
 * One check result on the wire (and in the agent's write-ahead log). Times are Unix epoch ms, phase
 * timings ms.
 *
 * @param seq     the agent's sequence number of this result (1, 2, ...; 0 for on-demand results)
 * @param failure the typed failure's wire form ({@link Failure#wire()}); absent in results logged by
 *                agents older than typed failures: such a result is {@code none} when up, else
 *                {@code internal} (it never counts for incidents, since its kind of failure is unknown)
 */
public record WireResult(long seq, UUID resultId, UUID targetId, UUID orgId, String region, String agentId, String kind,
                         long scheduledAtMs, long startedAtMs, String status, String failure, int httpStatus, String error,
                         double dnsMs, double connectMs, double tlsMs, double ttfbMs, double totalMs) {
    /** The wire form of {@code result} with sequence number {@code seq}. */
    public static WireResult of(long seq, CheckResult result) {
        PhaseTimings t = result.timings();
        return new WireResult(seq, result.resultId(), result.targetId().value(), result.orgId().value(),
                result.region().value(), result.agentId(), result.kind().wire(), result.scheduledAt().toEpochMilli(),
                result.startedAt().toEpochMilli(), result.status().wire(), result.failure().wire(), result.httpStatus(),
                result.error(), t.dnsMs(), t.connectMs(), t.tlsMs(), t.ttfbMs(), t.totalMs());
    }

    /**
     * The result. Throws {@link IllegalArgumentException} (or {@link NullPointerException}) when a
     * field is missing or malformed.
     */
    public CheckResult toResult() {
        Status parsed = Status.fromWire(status);
        Failure typed = failure != null ? Failure.fromWire(failure) : parsed == Status.UP ? Failure.NONE : Failure.INTERNAL;
        return new CheckResult(resultId, new TargetId(targetId), new OrgId(orgId), new RegionId(region), agentId,
                CheckKind.fromWire(kind), Instant.ofEpochMilli(scheduledAtMs), Instant.ofEpochMilli(startedAtMs),
                parsed, typed, httpStatus, error, new PhaseTimings(dnsMs, connectMs, tlsMs, ttfbMs, totalMs));
    }
}
