package dev.heliograph.controlplane.alerting;

import java.time.Duration;
import java.util.Objects;

/**
 * What one delivery attempt came to.
 *
 * @param outcome    delivered; failed and worth retrying (network failure, 5xx, 429); or rejected
 *                   (the receiver refused the message for good, e.g. PagerDuty's 400: never retried)
 * @param httpStatus the receiver's HTTP (or SMTP reply) status; 0 when none was read
 * @param response   the start of what the receiver answered (at most {@value #MAX_RESPONSE} characters)
 * @param error      why it failed, for people; empty when delivered
 * @param took       how long the attempt took
 * @param retryAfter how long the receiver asked to be left alone ({@code Retry-After} of a 429 or 503,
 *                   RFC 9110 section 10.2.3); {@code null} when it did not say. A retry should wait at
 *                   least this long
 */
public record DeliveryResult(Outcome outcome, int httpStatus, String response, String error, Duration took,
                             Duration retryAfter) {
    /** Most characters of a receiver's answer kept. */
    public static final int MAX_RESPONSE = 1024;

    /** How an attempt ended. */
    public enum Outcome {
        DELIVERED,
        FAILED,
        REJECTED;

        /** The wire form: {@code delivered}, {@code failed}, {@code rejected}. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public DeliveryResult {
        Objects.requireNonNull(outcome, "outcome");
        response = response == null ? "" : response.length() > MAX_RESPONSE ? response.substring(0, MAX_RESPONSE) : response;
        error = error == null ? "" : error;
        took = took == null ? Duration.ZERO : took;
    }

    /** A result without a {@code Retry-After}. */
    public DeliveryResult(Outcome outcome, int httpStatus, String response, String error, Duration took) {
        this(outcome, httpStatus, response, error, took, null);
    }

    /** Whether the receiver took the message. */
    public boolean delivered() {
        return outcome == Outcome.DELIVERED;
    }
}
