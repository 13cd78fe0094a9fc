package dev.heliograph.controlplane.api;

import dev.heliograph.domain.CheckResult;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * A check result as the API shows it. Timings are ms; {@code http_status} is 0 when no HTTP answer
 * was read; {@code error} is empty when the check was up.
 */
public record ResultView(String resultId, String targetId, String region,
                         @Schema(description = "the agent's id, or control-plane for the in-process engine") String agentId,
                         @Schema(allowableValues = {"http", "tcp"}) String kind,
                         @Schema(allowableValues = {"up", "degraded", "down", "error"}) String status,
                         Instant scheduledAt, Instant startedAt, int httpStatus, String error, double dnsMs,
                         double connectMs, double tlsMs, double ttfbMs, double totalMs) {
    /** The view of {@code result}. */
    public static ResultView of(CheckResult r) {
        return new ResultView(r.resultId().toString(), r.targetId().toString(), r.region().value(), r.agentId(),
                r.kind().wire(), r.status().wire(), r.scheduledAt(), r.startedAt(), r.httpStatus(), r.error(),
                r.timings().dnsMs(), r.timings().connectMs(), r.timings().tlsMs(), r.timings().ttfbMs(),
                r.timings().totalMs());
    }
}
