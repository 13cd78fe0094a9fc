package dev.heliograph.controlplane.alerting.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.AlertmanagerSettings;
import dev.heliograph.controlplane.alerting.ChannelSender;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.NotificationMessage.IncidentSummary;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Sends notifications to a Prometheus Alertmanager through its API v2
 * (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml): {@code POST
 * {url}/api/v2/alerts} with one alert per incident: {@code labels}, {@code annotations},
 * {@code startsAt} (when the incident opened), {@code endsAt}, {@code generatorURL} (the incident in
 * Heliograph).
 *
 * <p>Alertmanager forgets an alert whose {@code endsAt} has passed, so a firing alert is sent with a
 * lease: {@code endsAt} = now + {@link #lease()} (three times {@code alerting.alertmanager_resend_s}),
 * and must be sent again ({@link #refresh}) before it runs out, as Prometheus does. {@code resolved}
 * sends {@code endsAt} = the resolution time (at most now), which ends the alert at once: Alertmanager's
 * {@code GET /api/v2/alerts} no longer lists it, and its receivers get the resolved notification.
 *
 * <p>Labels identify an alert, so they must not change while an incident lasts: {@code alertname}
 * ({@value #ALERTNAME}, or {@value #TEST_ALERTNAME} for a channel test), {@code incident_id},
 * {@code kind}, {@code severity}, {@code target} (the target's key) or {@code agent} and
 * {@code region} (for an agent's incident), then the channel's extra labels. The regions that are
 * down change during an incident, so they are an annotation ({@code regions_down}), with
 * {@code summary} and {@code description}. An incident whose kind changes (regional to down) is a new
 * alert there; the old one ends when its lease runs out.
 *
 * <p>Alertmanager answers 200 (delivered), 400 for an invalid alert (rejected) and 5xx (failed).
 */
public final class AlertmanagerSender implements ChannelSender {
    /** {@code alertname} of incident alerts. */
    public static final String ALERTNAME = "HeliographIncident";
    /** {@code alertname} of the alert a channel test sends. */
    public static final String TEST_ALERTNAME = "HeliographTest";

    private final HttpDelivery http;
    private final Clock clock;
    private final Duration lease;

    /**
     * @param clock the wall clock of {@code endsAt}
     * @param lease how long a firing alert lasts in Alertmanager unless sent again
     */
    AlertmanagerSender(HttpDelivery http, Clock clock, Duration lease) {
        this.http = http;
        this.clock = clock;
        this.lease = lease;
    }

    /** How long a firing alert lasts in Alertmanager after it was sent: re-send it well within this. */
    public Duration lease() {
        return lease;
    }

    @Override
    public Future<DeliveryResult> send(AlertChannel channel, NotificationMessage message) {
        if (!(channel.settings() instanceof AlertmanagerSettings settings)) {
            return Future.failedFuture(new IllegalArgumentException("not an Alertmanager channel: " + channel.id()));
        }
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(alerts(settings, message, clock.instant(), lease));
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        String base = settings.url().endsWith("/") ? settings.url().substring(0, settings.url().length() - 1) : settings.url();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
        String[] basicAuth = settings.username() == null ? null
                : new String[] {settings.username(), settings.password() == null ? "" : settings.password()};
        return http.post(new HttpDelivery.Post(URI.create(base + "/api/v2/alerts"), headers, Buffer.buffer(body), basicAuth));
    }

    /**
     * Sends a firing notification again with a fresh lease, the rest of its content unchanged: what a
     * periodic re-sender calls for every open incident of an Alertmanager channel, every
     * {@code alerting.alertmanager_resend_s}. Fails (as a programming error) for a {@code resolved}
     * notification, which needs no lease.
     */
    public Future<DeliveryResult> refresh(AlertChannel channel, NotificationMessage firing) {
        if (firing.event() == NotificationEvent.RESOLVED) {
            return Future.failedFuture(new IllegalArgumentException("a resolved notification is not refreshed"));
        }
        return send(channel, firing);
    }

    /** The alerts of {@code message} as sent at {@code now}. */
    static ArrayNode alerts(AlertmanagerSettings settings, NotificationMessage message, Instant now, Duration lease) {
        ArrayNode alerts = Json.MAPPER.createArrayNode();
        List<IncidentSummary> incidents = IncidentText.incidents(message);
        if (incidents.isEmpty()) {
            ObjectNode alert = alerts.addObject();
            ObjectNode labels = alert.putObject("labels").put("alertname", TEST_ALERTNAME)
                    .put("notification_id", message.id().toString()).put("kind", NotificationEvent.TEST.wire()).put("severity", "info");
            settings.labels().forEach(labels::put);
            alert.putObject("annotations").put("summary", message.summary()).put("description", IncidentText.test(message));
            alert.put("startsAt", message.timestamp().toString()).put("endsAt", now.plus(lease).toString());
            return alerts;
        }
        for (IncidentSummary incident : incidents) {
            ObjectNode alert = alerts.addObject();
            alert.set("labels", labels(settings, incident));
            ObjectNode annotations = alert.putObject("annotations")
                    .put("summary", message.incident() != null ? message.summary() : incident.title())
                    .put("description", String.join("\n", IncidentText.lines(incident)));
            if (!incident.regionsDown().isEmpty()) {
                annotations.put("regions_down", String.join(",", incident.regionsDown()));
            }
            Instant opened = incident.openedAt() == null ? message.timestamp() : incident.openedAt();
            alert.put("startsAt", opened.toString()).put("endsAt", endsAt(message, incident, now, lease).toString());
            if (incident.url() != null) {
                alert.put("generatorURL", incident.url());
            }
        }
        return alerts;
    }

    /**
     * Resolved (the event, or an incident already resolved, e.g. a flapping notice sent as it
     * recovered): when it was resolved, at most now. Otherwise now plus the lease.
     */
    static Instant endsAt(NotificationMessage message, IncidentSummary incident, Instant now, Duration lease) {
        if (message.event() != NotificationEvent.RESOLVED && !"resolved".equals(incident.state())) {
            return now.plus(lease);
        }
        Instant resolved = incident.resolvedAt();
        return resolved == null || resolved.isAfter(now) ? now : resolved;
    }

    private static ObjectNode labels(AlertmanagerSettings settings, IncidentSummary incident) {
        ObjectNode labels = Json.MAPPER.createObjectNode().put("alertname", ALERTNAME).put("incident_id", incident.id().toString());
        putIfPresent(labels, "kind", incident.kind());
        putIfPresent(labels, "severity", incident.severity());
        if (incident.target() != null) {
            putIfPresent(labels, "target", incident.target().key());
        }
        if (incident.agent() != null) {
            putIfPresent(labels, "agent", incident.agent().name());
            putIfPresent(labels, "region", incident.agent().region());
        }
        settings.labels().forEach(labels::put);
        return labels;
    }

    private static void putIfPresent(ObjectNode labels, String name, String value) {
        if (value != null && !value.isEmpty()) {
            labels.put(name, value);
        }
    }
}
