package dev.heliograph.controlplane.alerting;

import io.vertx.core.Future;

/**
 * Delivers notifications to alert channels of one kind (one implementation per kind). A failed
 * delivery is an outcome, not a failed future: the future fails only when the sender itself breaks.
 */
public interface ChannelSender {
    /**
     * Sends {@code message} to {@code channel} once (no retries: the outbox retries) and tells what
     * the receiver answered. Must not block the calling event loop.
     */
    Future<DeliveryResult> send(AlertChannel channel, NotificationMessage message);
}
