package dev.heliograph.probe.agent.protocol;

import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
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
 * @param seq the agent's sequence number of this result (1, 2, ...; 0 for on-demand results)
 */
public record WireResult(long seq, UUID resultId, UUID targetId, UUID orgId, String region, String agentId, String kind,
                         long scheduledAtMs, long startedAtMs, String status, int httpStatus, String error,
                         double dnsMs, double connectMs, double tlsMs, double ttfbMs, double totalMs) {
    /** The wire form of {@code result} with sequence number {@code seq}. */
    public static WireResult of(long seq, CheckResult result) {
        PhaseTimings t = result.timings();
        return new WireResult(seq, result.resultId(), result.targetId().value(), result.orgId().value(),
                result.region().value(), result.agentId(), result.kind().wire(), result.scheduledAt().toEpochMilli(),
                result.startedAt().toEpochMilli(), result.status().wire(), result.httpStatus(), result.error(),
                t.dnsMs(), t.connectMs(), t.tlsMs(), t.ttfbMs(), t.totalMs());
    }

    /**
     * The result. Throws {@link IllegalArgumentException} (or {@link NullPointerException}) when a
     * field is missing or malformed.
     */
    public CheckResult toResult() {
        return new CheckResult(resultId, new TargetId(targetId), new OrgId(orgId), new RegionId(region), agentId,
                CheckKind.fromWire(kind), Instant.ofEpochMilli(scheduledAtMs), Instant.ofEpochMilli(startedAtMs),
                Status.fromWire(status), httpStatus, error, new PhaseTimings(dnsMs, connectMs, tlsMs, ttfbMs, totalMs));
    }
}
