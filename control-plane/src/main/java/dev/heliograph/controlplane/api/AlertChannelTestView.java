package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.alerting.DeliveryResult;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The answer of {@code POST /api/v1/alert-channels/{id}/test}: what the receiver made of a test
 * notification.
 *
 * @param delivered  whether the receiver took it
 * @param outcome    {@code delivered}, {@code failed} (a notification would be retried) or
 *                   {@code rejected} (it would not)
 * @param httpStatus the receiver's HTTP status (for email the SMTP reply code); 0 when none came
 * @param response   the start of the receiver's answer (at most 1024 characters)
 * @param error      why it was not delivered; empty when it was
 * @param durationMs how long the attempt took, ms
 * @param retryAfterS the receiver's {@code Retry-After}, seconds; absent when it sent none
 */
public record AlertChannelTestView(boolean delivered,
                                   @Schema(allowableValues = {"delivered", "failed", "rejected"}) String outcome,
                                   int httpStatus, String response, String error, long durationMs,
                                   @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED,
                                           description = "the receiver's Retry-After, seconds (a 429 or 503)") Long retryAfterS) {
    /** The view of one attempt's result. */
    public static AlertChannelTestView of(DeliveryResult result) {
        return new AlertChannelTestView(result.delivered(), result.outcome().wire(), result.httpStatus(), result.response(),
                result.error(), result.took().toMillis(), result.retryAfter() == null ? null : result.retryAfter().toSeconds());
    }
}
