package dev.heliograph.controlplane.alerting.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.ChannelSender;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.WebhookSettings;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Clock;

/**
 * Posts notifications as signed webhooks (Standard Webhooks 1.0): the body is
 * {@link NotificationMessage#webhookBody()} as UTF-8 JSON; the headers are
 * {@code webhook-id} (the notification's id, the UUID text: the same on every retry, so receivers can
 * drop duplicates; also the body's {@code data.notification_id}), {@code webhook-timestamp} (Unix
 * seconds of this attempt) and {@code webhook-signature} ({@link WebhookSignature}), then the
 * channel's extra headers. 2xx is delivered; 408, 429 and 5xx failed; other statuses (including 410
 * Gone) rejected ({@link HttpDelivery}).
 */
public final class WebhookSender implements ChannelSender {
    private final HttpDelivery http;
    private final Clock clock;

    /** @param clock the wall clock of {@code webhook-timestamp} */
    WebhookSender(HttpDelivery http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Future<DeliveryResult> send(AlertChannel channel, NotificationMessage message) {
        if (!(channel.settings() instanceof WebhookSettings settings)) {
            return Future.failedFuture(new IllegalArgumentException("not a webhook channel: " + channel.id()));
        }
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(message.webhookBody());
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        String id = message.id().toString();
        long timestamp = clock.instant().getEpochSecond();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        settings.headers().forEach(headers::add);
        headers.set("content-type", "application/json")
                .set("webhook-id", id)
                .set("webhook-timestamp", Long.toString(timestamp))
                .set("webhook-signature", WebhookSignature.sign(settings.secret(), id, timestamp, body));
        return http.post(new HttpDelivery.Post(URI.create(settings.url()), headers, Buffer.buffer(body), null));
    }
}
