package dev.heliograph.controlplane.alerting.channel;

import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.DeliveryResult.Outcome;
import java.time.Duration;
import java.util.List;

/**
 * One result for several requests that deliver one notification (a grouped notification to
 * PagerDuty is one event per incident): failed when any failed (a retry sends them all again, which
 * PagerDuty's dedup keys make harmless), else rejected when any was rejected, else delivered. The
 * status, answer and error are the first of the worst; the times add up; {@code retryAfter} is the
 * longest asked for.
 */
final class DeliveryResults {
    private DeliveryResults() {
    }

    static DeliveryResult combine(List<DeliveryResult> results) {
        if (results.size() == 1) {
            return results.getFirst();
        }
        Outcome worst = results.stream().anyMatch(r -> r.outcome() == Outcome.FAILED) ? Outcome.FAILED
                : results.stream().anyMatch(r -> r.outcome() == Outcome.REJECTED) ? Outcome.REJECTED : Outcome.DELIVERED;
        DeliveryResult first = results.stream().filter(r -> r.outcome() == worst).findFirst().orElseThrow();
        Duration took = results.stream().map(DeliveryResult::took).reduce(Duration.ZERO, Duration::plus);
        Duration retryAfter = results.stream().map(DeliveryResult::retryAfter).filter(java.util.Objects::nonNull)
                .max(Duration::compareTo).orElse(null);
        String error = worst == Outcome.DELIVERED ? "" : first.error() + " (" + results.stream().filter(r -> r.outcome() == worst).count()
                + " of " + results.size() + " requests)";
        return new DeliveryResult(worst, first.httpStatus(), first.response(), error, took, retryAfter);
    }
}
