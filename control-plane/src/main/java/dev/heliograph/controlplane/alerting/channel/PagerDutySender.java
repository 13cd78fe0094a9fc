package dev.heliograph.controlplane.alerting.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.ChannelSender;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.NotificationMessage.IncidentSummary;
import dev.heliograph.controlplane.alerting.PagerDutySettings;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends notifications as PagerDuty Events API v2 events
 * (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): {@code POST {url}} with
 * {@code {"routing_key", "event_action", "dedup_key", "payload": {"summary", "source", "severity",
 * "timestamp", "class", "custom_details"}, "links", "client"}}. The dedup key is the incident's id, so
 * every event of one incident updates one PagerDuty alert: {@code resolved} sends {@code resolve};
 * every other event ({@code opened}, {@code reminder}, {@code flapping}, a kind change) sends
 * {@code trigger}, which updates the open alert. A test notification triggers an alert with a dedup
 * key of its own ({@code heliograph-test-<notification id>}) and severity {@code info}; resolve it in
 * PagerDuty. A grouped notification sends one event per incident, one after the other.
 *
 * <p>PagerDuty answers 202 (delivered), 400 for an invalid event (rejected: never retried), 429 when
 * the routing key is rate-limited and 5xx (failed: retry).
 */
public final class PagerDutySender implements ChannelSender {
    private final HttpDelivery http;

    PagerDutySender(HttpDelivery http) {
        this.http = http;
    }

    @Override
    public Future<DeliveryResult> send(AlertChannel channel, NotificationMessage message) {
        if (!(channel.settings() instanceof PagerDutySettings settings)) {
            return Future.failedFuture(new IllegalArgumentException("not a PagerDuty channel: " + channel.id()));
        }
        List<ObjectNode> events = events(settings, message);
        List<DeliveryResult> results = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (ObjectNode event : events) {
            chain = chain.compose(v -> post(settings, event)).map(result -> {
                results.add(result);
                return null;
            });
        }
        return chain.map(v -> DeliveryResults.combine(results));
    }

    private Future<DeliveryResult> post(PagerDutySettings settings, ObjectNode event) {
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
        return http.post(new HttpDelivery.Post(URI.create(settings.url()), headers, Buffer.buffer(body), null));
    }

    /** The events of {@code message}: one per incident, or one test event. */
    static List<ObjectNode> events(PagerDutySettings settings, NotificationMessage message) {
        List<IncidentSummary> incidents = IncidentText.incidents(message);
        if (incidents.isEmpty()) {
            ObjectNode event = base(settings, "trigger", "heliograph-test-" + message.id());
            ObjectNode payload = payload(event, message.summary(), "heliograph", "info", message);
            payload.put("class", NotificationEvent.TEST.wire());
            payload.putObject("custom_details").put("notification_id", message.id().toString())
                    .put("text", IncidentText.test(message));
            return List.of(event);
        }
        List<ObjectNode> events = new ArrayList<>();
        for (IncidentSummary incident : incidents) {
            // A message about an incident already resolved (a flapping notice sent as it recovered) must not re-open it.
            boolean resolve = message.event() == NotificationEvent.RESOLVED || "resolved".equals(incident.state());
            ObjectNode event = base(settings, resolve ? "resolve" : "trigger", incident.id().toString());
            if (!resolve) {
                String summary = message.incident() != null ? message.summary() : incident.title();
                ObjectNode payload = payload(event, summary, source(incident), severity(incident.severity()), message);
                payload.put("class", incident.kind());
                ObjectNode details = payload.putObject("custom_details");
                details.put("event", message.event().wire()).put("notification_id", message.id().toString());
                details.setAll((ObjectNode) Json.MAPPER.valueToTree(incident));
            }
            if (incident.url() != null) {
                event.put("client_url", incident.url());
                event.putArray("links").addObject().put("href", incident.url()).put("text", "Incident in Heliograph");
            }
            events.add(event);
        }
        return events;
    }

    private static ObjectNode base(PagerDutySettings settings, String action, String dedupKey) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("routing_key", settings.routingKey()).put("event_action", action).put("dedup_key", dedupKey)
                .put("client", "Heliograph");
        return event;
    }

    private static ObjectNode payload(ObjectNode event, String summary, String source, String severity, NotificationMessage message) {
        return event.putObject("payload")
                .put("summary", IncidentText.oneLine(summary, 1024))
                .put("source", IncidentText.oneLine(source, 255))
                .put("severity", severity)
                .put("timestamp", message.timestamp().toString());
    }

    /** What the incident is about: the target's key, the agent, or Heliograph itself. */
    private static String source(IncidentSummary incident) {
        if (incident.target() != null) {
            return incident.target().key();
        }
        return incident.agent() != null ? "agent " + incident.agent().name() : "heliograph";
    }

    /** PagerDuty's severity (critical, error, warning, info) of an incident's: critical and warning as they are. */
    static String severity(String incidentSeverity) {
        return "critical".equals(incidentSeverity) || "warning".equals(incidentSeverity) ? incidentSeverity : "error";
    }
}
