package dev.heliograph.controlplane.alerting.channel;

import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.DeliveryResult.Outcome;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * One delivery attempt, timed from its creation on the monotonic clock: makes the attempt's
 * {@link DeliveryResult} with the time it took. Every sender ends an attempt through one of these.
 */
final class Attempt {
    /** What the receiver answered. */
    record Answer(int status, String body, Duration retryAfter) {
        /** No answer at all (no connection, refused by the guard, a timeout). */
        static final Answer NONE = new Answer(0, "", null);
    }

    private final long started = System.nanoTime();

    /** The attempt failed without an answer (worth a retry). */
    Future<DeliveryResult> failed(String error) {
        return end(Outcome.FAILED, Answer.NONE, error);
    }

    /** The attempt was refused before anything was sent (never retried). */
    Future<DeliveryResult> rejected(String error) {
        return end(Outcome.REJECTED, Answer.NONE, error);
    }

    /** No answer within {@code timeout}. */
    Future<DeliveryResult> timedOut(Duration timeout) {
        return failed("no answer within " + timeout.toMillis() + " ms (alerting.timeout_ms)");
    }

    /** The attempt ended with {@code outcome} after {@code answer}; {@code error} empty when delivered. */
    Future<DeliveryResult> end(Outcome outcome, Answer answer, String error) {
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return Future.succeededFuture(new DeliveryResult(outcome, answer.status(), answer.body(), error, took, answer.retryAfter()));
    }

    /** A failure's message for people: the exception's own words, or its type when it has none. */
    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
